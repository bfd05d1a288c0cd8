using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace SeqDsl.Analyzers.Tests;

/// <summary>Runs <see cref="SequenceModelAnalyzer"/> over test sources written as users write models.</summary>
internal static class AnalyzerVerifier
{
    /// <summary>The usings every model file starts with, so tests show only the model.</summary>
    public const string Usings = "using SeqDsl;\nusing static SeqDsl.Cell;\n\n";

    /// <summary>
    /// An expected diagnostic with the descriptor's severity. Its message is only compared when a test adds
    /// <c>WithMessage</c>: the checker writes each message, and most tests are about where and whether it is reported.
    /// </summary>
    public static DiagnosticResult Diagnostic(string id) =>
        new(id, DiagnosticDescriptors.ForId(id)?.DefaultSeverity ?? throw new ArgumentException($"No descriptor for '{id}'", nameof(id)));

    /// <summary>Checks that exactly <paramref name="expected"/> are reported (compiler errors included, so test code must compile unless it says otherwise).</summary>
    public static Task VerifyAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest { TestCode = Usings + source };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    internal sealed class AnalyzerTest : CSharpAnalyzerTest<SequenceModelAnalyzer, DefaultVerifier>
    {
        public AnalyzerTest()
        {
            ReferenceAssemblies = TestReferences.None;
            TestState.AdditionalReferences.AddRange(TestReferences.All);
        }
    }
}

/// <summary>Runs a code fix (single diagnostic, and Fix All) over test sources.</summary>
internal static class CodeFixVerifier<TCodeFix>
    where TCodeFix : CodeFixProvider, new()
{
    public static DiagnosticResult Diagnostic(string id) => AnalyzerVerifier.Diagnostic(id);

    public static CodeFixTest Create(string source, string fixedSource) => new()
    {
        TestCode = AnalyzerVerifier.Usings + source,
        FixedCode = AnalyzerVerifier.Usings + fixedSource,
    };

    internal sealed class CodeFixTest : CSharpCodeFixTest<SequenceModelAnalyzer, TCodeFix, DefaultVerifier>
    {
        public CodeFixTest()
        {
            ReferenceAssemblies = TestReferences.None;
            TestState.AdditionalReferences.AddRange(TestReferences.All);
            FixedState.AdditionalReferences.AddRange(TestReferences.All);
        }
    }
}
