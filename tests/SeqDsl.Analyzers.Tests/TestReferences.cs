using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace SeqDsl.Analyzers.Tests;

/// <summary>
/// The compilation every test runs in: the net8.0 reference assemblies of the targeting pack that restore put in the
/// NuGet cache, plus SeqDsl.Runtime. The testing library's own ReferenceAssemblies.Net.Net80 asks the NuGet feed for the
/// pack's dependencies at run time, which fails offline; a ReferenceAssemblies without a package never does.
/// </summary>
internal static class TestReferences
{
    /// <summary>No package to resolve: the framework comes in through <see cref="All"/>.</summary>
    public static readonly ReferenceAssemblies None = new("net8.0");

    public static readonly ImmutableArray<MetadataReference> All = Create();

    private static ImmutableArray<MetadataReference> Create()
    {
        string? directory = typeof(TestReferences).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "Net80ReferenceAssemblies")?.Value;
        if (directory is null || !Directory.Exists(directory))
        {
            throw new InvalidOperationException(
                $"net8.0 reference assemblies expected at '{directory}' but the folder does not exist; restore tests/SeqDsl.Analyzers.Tests (its PackageDownload fetches Microsoft.NETCore.App.Ref)");
        }

        var framework = Directory.GetFiles(directory, "*.dll").Select(path => (MetadataReference)MetadataReference.CreateFromFile(path));
        var runtime = MetadataReference.CreateFromFile(typeof(SequenceModelAttribute).Assembly.Location);
        return framework.Append(runtime).ToImmutableArray();
    }
}
