using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SeqDsl.Analyzers.Tests;

/// <summary>The examples on each help page compile, the wrong one gets its diagnostic and the right one does not.</summary>
public class HelpPageExampleTests
{
    public static TheoryData<string> Ids => new(DiagnosticDescriptors.All.Select(d => d.Id));

    [Theory]
    [MemberData(nameof(Ids))]
    public async Task Wrong_example_is_reported_and_right_example_is_not(string id)
    {
        string page = File.ReadAllText(Path.Combine(DescriptorTests.RepositoryRoot, "docs", "diagnostics", id + ".md"));
        var wrong = await Analyze(CodeAfter(page, "## Wrong"));
        var right = await Analyze(CodeAfter(page, "## Right"));

        Assert.Contains(wrong, d => d.Id == id);
        Assert.DoesNotContain(right, d => d.Id == id);
        // The right example is a model that works: no other error either.
        Assert.DoesNotContain(right, d => d.Severity == DiagnosticSeverity.Error);
    }

    private static string CodeAfter(string page, string heading)
    {
        var match = new Regex(Regex.Escape(heading) + @"\s+```csharp\n(?<code>.*?)```", RegexOptions.Singleline).Match(page);
        Assert.True(match.Success, $"no csharp block after '{heading}'");
        return match.Groups["code"].Value;
    }

    /// <summary>Compiler errors and analyzer diagnostics; compiler errors fail the test, since a help page must show valid C#.</summary>
    private static async Task<ImmutableArray<Diagnostic>> Analyze(string source)
    {
        var tree = CSharpSyntaxTree.ParseText(source, path: "/0/Example.cs");
        var compilation = CSharpCompilation.Create("Example", [tree], TestReferences.All, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var compilerErrors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(compilerErrors.Count == 0, "example does not compile:\n" + string.Join("\n", compilerErrors) + "\n" + source);
        return await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new SequenceModelAnalyzer())).GetAnalyzerDiagnosticsAsync();
    }
}
