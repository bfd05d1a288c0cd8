using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SeqDsl.Generator.Tests;

/// <summary>Runs the real generator on source text, in a compilation that references SeqDsl.Runtime and ILGPU.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var list = trusted.Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList();
        list.Add(MetadataReference.CreateFromFile(typeof(SeqDsl.SequenceModelAttribute).Assembly.Location));
        list.Add(MetadataReference.CreateFromFile(typeof(ILGPU.Context).Assembly.Location));
        list.Add(MetadataReference.CreateFromFile(typeof(ILGPU.Algorithms.XMath).Assembly.Location));
        return list.ToImmutableArray();
    });

    public const string Usings = "using SeqDsl;\nusing static SeqDsl.Cell;\n";

    public static CSharpCompilation Compile(params string[] sources) => CSharpCompilation.Create(
        "UserModels",
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.Latest), path: "Model" + i + ".cs")),
        References.Value,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver() => CSharpGeneratorDriver.Create(
        new[] { new SequenceModelGenerator().AsSourceGenerator() },
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns the generated sources by hint name and the output compilation.</summary>
    public static (IReadOnlyDictionary<string, string> Sources, Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics) Run(params string[] sources)
    {
        var compilation = Compile(sources);
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var result = driver.GetRunResult();
        var generated = result.Results.SelectMany(r => r.GeneratedSources).ToDictionary(s => s.HintName, s => s.SourceText.ToString());
        return (generated, output, diagnostics);
    }

    /// <summary>
    /// Generates model <c>Demo.M</c>: <paramref name="layer"/> on 2 input features, then Dense(1); asserts the generator
    /// reported nothing and the output compiles, and returns the generated sources by hint name.
    /// </summary>
    public static IReadOnlyDictionary<string, string> GenerateLayerThenDense(string layer)
    {
        string source = Usings + "namespace Demo;\n[SequenceModel(InputFeatures = 2)]\n" + layer + "\n[Dense(1)]\npublic partial class M { }\n";
        var (sources, output, diagnostics) = Run(source);
        Assert.Empty(diagnostics);
        Assert.Empty(Errors(output));
        return sources;
    }

    /// <summary>Errors of the output compilation, as readable lines.</summary>
    public static string[] Errors(Compilation output) => output.GetDiagnostics()
        .Where(d => d.Severity == DiagnosticSeverity.Error)
        .Select(d => d.ToString())
        .ToArray();
}
