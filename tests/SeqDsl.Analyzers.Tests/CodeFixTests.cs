using Microsoft.CodeAnalysis.Testing;
using SeqDsl.Analyzers.CodeFixes;

namespace SeqDsl.Analyzers.Tests;

/// <summary>
/// Before/after for every code fix. Each test also runs Fix All (document, project and solution scopes) over its
/// source, as the testing library does by default; the *_fix_all tests put several diagnostics in one file.
/// </summary>
public class CodeFixTests
{
    [Fact]
    public async Task SEQ001_adds_return_sequences()
    {
        var test = CodeFixVerifier<AddReturnSequencesCodeFix>.Create("""
            [SequenceModel(InputFeatures = 1)]
            [{|#0:Recurrent(LSTM, 20)|}]
            [Recurrent(GRU, 10)]
            [Dense(1)]
            public partial class Forecaster { }
            """, """
            [SequenceModel(InputFeatures = 1)]
            [Recurrent(LSTM, 20, ReturnSequences = true)]
            [Recurrent(GRU, 10)]
            [Dense(1)]
            public partial class Forecaster { }
            """);
        test.ExpectedDiagnostics.Add(AnalyzerVerifier.Diagnostic("SEQ001").WithLocation(0));
        await test.RunAsync();
    }

    [Fact]
    public async Task SEQ001_turns_return_sequences_false_into_true()
    {
        var test = CodeFixVerifier<AddReturnSequencesCodeFix>.Create("""
            [SequenceModel(InputFeatures = 1)]
            [{|#0:Recurrent(LSTM, 20, ReturnSequences = false, Dropout = 0.1)|}]
            [TimeDistributed(Dense = 1)]
            public partial class Tagger { }
            """, """
            [SequenceModel(InputFeatures = 1)]
            [Recurrent(LSTM, 20, ReturnSequences = true, Dropout = 0.1)]
            [TimeDistributed(Dense = 1)]
            public partial class Tagger { }
            """);
        test.ExpectedDiagnostics.Add(AnalyzerVerifier.Diagnostic("SEQ001").WithLocation(0));
        await test.RunAsync();
    }

    [Fact]
    public async Task SEQ001_fix_all_over_a_stack_and_two_models()
    {
        // The checker stops at the first bad layer, so the three-layer stack needs two rounds of Fix All.
        var test = CodeFixVerifier<AddReturnSequencesCodeFix>.Create("""
            [SequenceModel(InputFeatures = 1)]
            [{|#0:Recurrent(LSTM, 20)|}]
            [Recurrent(LSTM, 20)]
            [Recurrent(LSTM, 20)]
            [Dense(1)]
            public partial class Deep { }

            [SequenceModel(InputFeatures = 1)]
            [{|#1:Bidirectional(GRU, 8)|}]
            [TimeDistributed(Dense = 1)]
            public partial class Tagger { }
            """, """
            [SequenceModel(InputFeatures = 1)]
            [Recurrent(LSTM, 20, ReturnSequences = true)]
            [Recurrent(LSTM, 20, ReturnSequences = true)]
            [Recurrent(LSTM, 20)]
            [Dense(1)]
            public partial class Deep { }

            [SequenceModel(InputFeatures = 1)]
            [Bidirectional(GRU, 8, ReturnSequences = true)]
            [TimeDistributed(Dense = 1)]
            public partial class Tagger { }
            """);
        test.ExpectedDiagnostics.Add(AnalyzerVerifier.Diagnostic("SEQ001").WithLocation(0));
        test.ExpectedDiagnostics.Add(AnalyzerVerifier.Diagnostic("SEQ001").WithLocation(1));
        test.NumberOfIncrementalIterations = 3;
        test.NumberOfFixAllIterations = 2;
        await test.RunAsync();
    }

    [Fact]
    public async Task SEQ007_removes_an_activation_that_cannot_make_logits()
    {
        var test = CodeFixVerifier<RemoveActivationCodeFix>.Create("""
            [SequenceModel(InputFeatures = 1, Loss = Loss.SparseCategoricalCrossEntropy)]
            [Recurrent(GRU, 16)]
            [Dense(10, {|#0:Activation = Activation.ReLU|})]
            public partial class Classifier { }
            """, """
            [SequenceModel(InputFeatures = 1, Loss = Loss.SparseCategoricalCrossEntropy)]
            [Recurrent(GRU, 16)]
            [Dense(10)]
            public partial class Classifier { }
            """);
        test.ExpectedDiagnostics.Add(AnalyzerVerifier.Diagnostic("SEQ007").WithLocation(0));
        await test.RunAsync();
    }

    [Fact]
    public async Task SEQ007_fix_all_removes_activations_keeping_other_arguments_and_leaves_unit_count_findings()
    {
        var test = CodeFixVerifier<RemoveActivationCodeFix>.Create("""
            [SequenceModel(InputFeatures = 1, Loss = Loss.CategoricalCrossEntropy)]
            [Recurrent(GRU, 16, ReturnSequences = true)]
            [TimeDistributed(Dense = 5, {|#0:Activation = Activation.Tanh|}, UseBias = false)]
            public partial class Tagger { }

            [SequenceModel(InputFeatures = 1, Loss = Loss.BinaryCrossEntropy)]
            [Recurrent(GRU, 16)]
            [Dense(3, {|#1:Activation = Activation.Softmax|})]
            public partial class MultiLabel { }

            [SequenceModel(InputFeatures = 1, Loss = Loss.SparseCategoricalCrossEntropy)]
            [Recurrent(GRU, 16)]
            [{|#2:Dense(1)|}]
            public partial class OneUnit { }
            """, """
            [SequenceModel(InputFeatures = 1, Loss = Loss.CategoricalCrossEntropy)]
            [Recurrent(GRU, 16, ReturnSequences = true)]
            [TimeDistributed(Dense = 5, UseBias = false)]
            public partial class Tagger { }

            [SequenceModel(InputFeatures = 1, Loss = Loss.BinaryCrossEntropy)]
            [Recurrent(GRU, 16)]
            [Dense(3)]
            public partial class MultiLabel { }

            [SequenceModel(InputFeatures = 1, Loss = Loss.SparseCategoricalCrossEntropy)]
            [Recurrent(GRU, 16)]
            [{|#2:Dense(1)|}]
            public partial class OneUnit { }
            """);
        test.ExpectedDiagnostics.Add(AnalyzerVerifier.Diagnostic("SEQ007").WithLocation(0));
        test.ExpectedDiagnostics.Add(AnalyzerVerifier.Diagnostic("SEQ007").WithLocation(1));
        test.ExpectedDiagnostics.Add(AnalyzerVerifier.Diagnostic("SEQ007").WithLocation(2));
        test.FixedState.ExpectedDiagnostics.Add(AnalyzerVerifier.Diagnostic("SEQ007").WithLocation(2));
        await test.RunAsync();
    }

    [Fact]
    public async Task SEQ009_switches_positional_padding_to_causal()
    {
        var test = CodeFixVerifier<UseCausalPaddingCodeFix>.Create("""
            [SequenceModel(InputFeatures = 1)]
            [Conv1D(16, 3, 1, {|#0:Padding.Same|})]
            [TimeDistributed(Dense = 1)]
            public partial class Forecaster { }
            """, """
            [SequenceModel(InputFeatures = 1)]
            [Conv1D(16, 3, 1, Padding.Causal)]
            [TimeDistributed(Dense = 1)]
            public partial class Forecaster { }
            """);
        test.ExpectedDiagnostics.Add(AnalyzerVerifier.Diagnostic("SEQ009").WithLocation(0));
        await test.RunAsync();
    }

    [Fact]
    public async Task SEQ009_fix_all_switches_named_qualified_and_cast_padding()
    {
        var test = CodeFixVerifier<UseCausalPaddingCodeFix>.Create("""
            [SequenceModel(InputFeatures = 1)]
            [Conv1D(16, 3, {|#0:padding: Padding.Same|})]
            [Conv1D(16, 2, {|#1:padding: SeqDsl.Padding.Same|})]
            [Conv1D(16, 2, {|#2:padding: (Padding)1|})]
            [Dense(1)]
            public partial class Forecaster { }
            """, """
            [SequenceModel(InputFeatures = 1)]
            [Conv1D(16, 3, padding: Padding.Causal)]
            [Conv1D(16, 2, padding: SeqDsl.Padding.Causal)]
            [Conv1D(16, 2, padding: Padding.Causal)]
            [Dense(1)]
            public partial class Forecaster { }
            """);
        test.ExpectedDiagnostics.Add(AnalyzerVerifier.Diagnostic("SEQ009").WithLocation(0));
        test.ExpectedDiagnostics.Add(AnalyzerVerifier.Diagnostic("SEQ009").WithLocation(1));
        test.ExpectedDiagnostics.Add(AnalyzerVerifier.Diagnostic("SEQ009").WithLocation(2));
        await test.RunAsync();
    }

    [Fact]
    public async Task SEQ010_uses_tanh()
    {
        var test = CodeFixVerifier<UseTanhActivationCodeFix>.Create("""
            [SequenceModel(InputFeatures = 1)]
            [Recurrent(LSTM, 20, {|#0:Activation = Activation.ReLU|})]
            [Dense(1)]
            public partial class Forecaster { }
            """, """
            [SequenceModel(InputFeatures = 1)]
            [Recurrent(LSTM, 20, Activation = Activation.Tanh)]
            [Dense(1)]
            public partial class Forecaster { }
            """);
        test.ExpectedDiagnostics.Add(AnalyzerVerifier.Diagnostic("SEQ010").WithLocation(0));
        await test.RunAsync();
    }

    [Fact]
    public async Task SEQ010_fix_all_replaces_every_unbounded_activation()
    {
        var test = CodeFixVerifier<UseTanhActivationCodeFix>.Create("""
            [SequenceModel(InputFeatures = 1)]
            [Recurrent(SimpleRNN, 20, {|#0:Activation = Activation.ReLU|}, ReturnSequences = true)]
            [Bidirectional(GRU, 8, {|#1:Activation = Activation.Linear|}, ReturnSequences = true)]
            [Recurrent(LSTM, 20, {|#2:Activation = (Activation)6|})]
            [Dense(1)]
            public partial class Forecaster { }
            """, """
            [SequenceModel(InputFeatures = 1)]
            [Recurrent(SimpleRNN, 20, Activation = Activation.Tanh, ReturnSequences = true)]
            [Bidirectional(GRU, 8, Activation = Activation.Tanh, ReturnSequences = true)]
            [Recurrent(LSTM, 20, Activation = Activation.Tanh)]
            [Dense(1)]
            public partial class Forecaster { }
            """);
        test.ExpectedDiagnostics.Add(AnalyzerVerifier.Diagnostic("SEQ010").WithLocation(0));
        test.ExpectedDiagnostics.Add(AnalyzerVerifier.Diagnostic("SEQ010").WithLocation(1));
        test.ExpectedDiagnostics.Add(AnalyzerVerifier.Diagnostic("SEQ010").WithLocation(2));
        await test.RunAsync();
    }
}
