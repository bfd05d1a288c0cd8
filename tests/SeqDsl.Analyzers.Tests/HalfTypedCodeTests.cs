using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SeqDsl.Analyzers.Tests;

/// <summary>
/// Code as it is while being typed: missing or mistyped arguments, undefined enum values, syntax errors, attributes on
/// the wrong targets, absurd sizes. The analyzer must never throw (an exception surfaces as AD0001 and kills it for the file).
/// These run the analyzer directly on a compilation, because such code has compiler errors the verifier would demand be listed.
/// </summary>
public class HalfTypedCodeTests
{
    public static TheoryData<string> HalfTypedModels => new()
    {
        "[SequenceModel(InputFeatures = 1)] [Recurrent(LSTM)] [Dense(1)] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [Recurrent(] [Dense(1)] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [Recurrent(LSTM, 20, ReturnSequences = )] [Dense(1)] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [Recurrent(Lstm, 20)] [Dense(1)] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [Recurrent(LSTM, \"20\")] [Dense(1)] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [Recurrent(LSTM, 20, Foo = 3)] [Dense(1)] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [Dense(units: )] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [Dense(1, Activation = )] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [Dense(10000000000)] partial class M { }",
        "[SequenceModel(InputFeatures = \"x\")] [Dense(1)] partial class M { }",
        "[SequenceModel(InputFeatures = 1, Loss = Loss.)] [Dense(1)] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [Conv1D(20)] [Dense(1)] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [Conv1D(20, 2, 1, Padding.Same, 7)] [Dense(1)] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [Conv1D(int.MaxValue, int.MaxValue, int.MaxValue, (Padding)(-1), Strides = int.MinValue)] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [Dropout(double.NaN)] [Dropout(double.PositiveInfinity)] [Dense(1)] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [BatchNormalization(Momentum = double.NaN, Epsilon = -1)] [Dense(1)] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [MaxPooling1D(0, Strides = -1, Padding = (Padding)2)] [Dense(1)] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [WaveNet(20, LayersPerBlock = 99, Blocks = 1000, KernelSize = 0)] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [WaveNet(20, LayersPerBlock = 20, Blocks = 64, Outputs = -1)] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [Embedding(-1, 0)] [Dense(1)] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [RepeatVector(0)] [Dense(1)] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [Bidirectional(GRU, 8, MergeMode = (MergeMode)12)] [Dense(1)] partial class M { }",
        "[SequenceModel(InputFeatures = 1, Loss = (Loss)99, Optimizer = (Optimizer)(-5), LearningRate = double.NaN)] [Dense(1)] partial class M { }",
        "[SequenceModel(InputFeatures = 1, InputSteps = -4, BatchSize = -1)] [Flatten] [Dense(1)] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [SequenceModel(InputFeatures = 2)] [Dense(1)] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [Dense(1)] partial struct M { }",
        "[SequenceModel(InputFeatures = 1)] [Dense(1)] partial interface IM { }",
        "[SequenceModel(InputFeatures = 1)] [Dense(1)] enum E { A }",
        "[SequenceModel(InputFeatures = 1)] [Dense(1)] delegate void D();",
        "[SequenceModel(InputFeatures = 1)] [Dense(1)] partial record R;",
        "partial class C { [Recurrent(LSTM, 20)] [SequenceModel(InputFeatures = 1)] void M() { } }",
        "partial class C { [Dense(1)] int field; [return: Dense(1)] int M() => 0; }",
        "[assembly: SequenceModel(InputFeatures = 1)] [module: Dense(1)]",
        "[SequenceModel(InputFeatures = 1)] [Dense(1)] partial class M<T> { }",
        "[SequenceModel(InputFeatures = 1)] [Dense(1)] partial class M { [SequenceModel(InputFeatures = 1)] partial class Inner { } }",
        "[SequenceModel(InputFeatures = 1)] [Recurrent(LSTM, 20)] [Dense(1)] partial class",
        "[SequenceModel(InputFeatures = 1)] [Recurrent(LSTM, 20) [Dense(1)] partial class M {",
        "[SequenceModel(InputFeatures = 1)] [TimeDistributed(Dense = -1, Activation = (Activation)99)] partial class M { }",
        "[SequenceModel(InputFeatures = 1)] [Recurrent((Cell)(-1), 20, Peepholes = true, ResetAfter = false, RecurrentActivation = Activation.ReLU)] [Dense(1)] partial class M { }",
    };

    [Theory]
    [MemberData(nameof(HalfTypedModels))]
    public async Task Analyzer_does_not_throw(string model)
    {
        var result = await Run(model);
        Assert.Empty(result.Exceptions);
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "AD0001");
    }

    [Fact]
    public async Task Undefined_activation_value_is_reported_on_the_argument()
    {
        var result = await Run("[SequenceModel(InputFeatures = 1)] [Dense(1, Activation = (Activation)42)] partial class M { }");
        var diagnostic = Assert.Single(result.Diagnostics, d => d.Id.StartsWith("SEQ", StringComparison.Ordinal));
        Assert.Equal("SEQ004", diagnostic.Id);
        Assert.Equal("Activation = (Activation)42", result.Text(diagnostic));
        Assert.Contains("42 is not a SeqDsl.Activation", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flatten_of_a_huge_fixed_sequence_is_reported_not_thrown()
    {
        // steps × features = 10^10 does not fit an int: the checker must say so rather than overflow.
        var result = await Run("[SequenceModel(InputFeatures = 100000, InputSteps = 100000)] [Flatten] [Dense(1)] partial class M { }");
        Assert.Empty(result.Exceptions);
        var diagnostic = Assert.Single(result.Diagnostics, d => d.Id.StartsWith("SEQ", StringComparison.Ordinal));
        Assert.Equal("SEQ004", diagnostic.Id);
        Assert.Equal("Flatten", result.Text(diagnostic));
        Assert.Contains("10,000,000,000", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parameter_count_overflow_of_a_huge_gated_wavenet_is_reported()
    {
        // 4 blocks of 2^61-element kernels add up past 2^63: the running offset wraps negative unless each tensor is checked.
        var result = await Run("[SequenceModel(InputFeatures = 1)] [WaveNet(1048576, Gated = true, KernelSize = 1048576, LayersPerBlock = 1, Blocks = 4)] partial class M { }");
        Assert.Empty(result.Exceptions);
        var diagnostic = Assert.Single(result.Diagnostics, d => d.Id.StartsWith("SEQ", StringComparison.Ordinal));
        Assert.Equal("SEQ004", diagnostic.Id);
        Assert.Contains("parameters", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_is_reported_without_a_SeqDsl_reference()
    {
        // A project that defines look-alike attributes but does not reference SeqDsl.Runtime is not analyzed.
        var result = await Run("""
            namespace Other { [System.AttributeUsage(System.AttributeTargets.Class)] public sealed class SequenceModelAttribute : System.Attribute { } }
            [Other.SequenceModel] partial class M { }
            """, withRuntime: false);
        Assert.Empty(result.Exceptions);
        Assert.DoesNotContain(result.Diagnostics, d => d.Id.StartsWith("SEQ", StringComparison.Ordinal));
    }

    private static async Task<RunResult> Run(string source, bool withRuntime = true)
    {
        string text = (withRuntime ? AnalyzerVerifier.Usings : "") + source;
        var tree = CSharpSyntaxTree.ParseText(text, path: "/0/Model.cs");
        var references = withRuntime ? TestReferences.All : TestReferences.All.Where(r => !r.Display!.Contains("SeqDsl", StringComparison.Ordinal));
        var compilation = CSharpCompilation.Create("HalfTyped", [tree], references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, _, _) => exceptions.Add(exception),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        var diagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new SequenceModelAnalyzer()), options)
            .GetAnalyzerDiagnosticsAsync();
        return new RunResult(text, diagnostics, exceptions);
    }

    private sealed record RunResult(string Source, ImmutableArray<Diagnostic> Diagnostics, List<Exception> Exceptions)
    {
        public string Text(Diagnostic diagnostic) => Source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length);
    }
}
