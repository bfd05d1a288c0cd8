using static SeqDsl.Analyzers.Tests.AnalyzerVerifier;

namespace SeqDsl.Analyzers.Tests;

/// <summary>The warnings and hints (SEQ009–SEQ013): a positive and a negative case each.</summary>
public class AdviceDiagnosticTests
{
    [Fact]
    public Task Softmax_or_sigmoid_before_its_cross_entropy_is_not_reported() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1, Loss = Loss.SparseCategoricalCrossEntropy)]
        [Recurrent(GRU, 16)]
        [Dense(10, Activation = Activation.Softmax)]
        public partial class Classifier { }

        [SequenceModel(InputFeatures = 1, Loss = Loss.BinaryCrossEntropy)]
        [Recurrent(GRU, 16)]
        [Dense(3, Activation = Activation.Sigmoid)]
        public partial class Tagger { }

        [SequenceModel(InputFeatures = 1, Loss = Loss.Mse)]
        [Recurrent(GRU, 16)]
        [Dense(10, Activation = Activation.Softmax)]
        public partial class Mixture { }
        """);

    [Fact]
    public Task SEQ009_same_padding_in_a_sequence_forecaster() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Conv1D(16, 3, 1, {|#0:Padding.Same|})]
        [Conv1D(16, 3, {|#1:padding: Padding.Same|})]
        [TimeDistributed(Dense = 1)]
        public partial class Forecaster { }
        """, Diagnostic("SEQ009").WithLocation(0), Diagnostic("SEQ009").WithLocation(1));

    [Fact]
    public Task SEQ009_not_reported_for_causal_padding_or_a_vector_output() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Conv1D(16, 3, padding: Padding.Causal)]
        [TimeDistributed(Dense = 1)]
        public partial class Forecaster { }

        [SequenceModel(InputFeatures = 1)]
        [Conv1D(16, 3, padding: Padding.Same)]
        [GlobalAveragePooling1D]
        [Dense(1)]
        public partial class Regressor { }
        """);

    [Fact]
    public Task SEQ010_relu_in_a_recurrent_layer() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Recurrent(LSTM, 20, {|#0:Activation = Activation.ReLU|})]
        [Dense(1)]
        public partial class Forecaster { }
        """, Diagnostic("SEQ010").WithLocation(0));

    [Fact]
    public Task SEQ010_not_reported_for_tanh_or_relu_in_dense() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Recurrent(LSTM, 20, Activation = Activation.Tanh)]
        [Dense(8, Activation = Activation.ReLU)]
        [Dense(1)]
        public partial class Forecaster { }
        """);

    [Fact]
    public Task SEQ011_simple_rnn_as_regression_output() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Recurrent(SimpleRNN, 20, ReturnSequences = true)]
        [{|#0:Recurrent(SimpleRNN, 1)|}]
        public partial class Forecaster { }
        """, Diagnostic("SEQ011").WithLocation(0));

    [Fact]
    public Task SEQ011_not_reported_with_a_dense_output() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Recurrent(SimpleRNN, 20)]
        [Dense(1)]
        public partial class Forecaster { }
        """);

    [Fact]
    public Task SEQ012_simple_rnn_over_more_than_100_steps() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1, InputSteps = 101)]
        [Recurrent({|#0:SimpleRNN|}, 20)]
        [Dense(1)]
        public partial class Forecaster { }
        """, Diagnostic("SEQ012").WithLocation(0));

    [Fact]
    public Task SEQ012_not_reported_at_100_steps_or_for_lstm() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1, InputSteps = 100)]
        [Recurrent(SimpleRNN, 20)]
        [Dense(1)]
        public partial class Short { }

        [SequenceModel(InputFeatures = 1, InputSteps = 1000)]
        [Recurrent(LSTM, 20)]
        [Dense(1)]
        public partial class Long { }
        """);

    [Fact]
    public Task SEQ013_batch_normalization_between_recurrent_layers() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Recurrent(LSTM, 20, ReturnSequences = true)]
        [{|#0:BatchNormalization|}]
        [Dropout(0.2)]
        [Recurrent(LSTM, 20)]
        [Dense(1)]
        public partial class Forecaster { }
        """, Diagnostic("SEQ013").WithLocation(0));

    [Fact]
    public Task SEQ013_not_reported_for_layer_normalization_or_batch_norm_after_convolutions() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Recurrent(LSTM, 20, ReturnSequences = true)]
        [LayerNormalization]
        [Recurrent(LSTM, 20)]
        [Dense(1)]
        public partial class Forecaster { }

        [SequenceModel(InputFeatures = 1)]
        [Conv1D(8, 2, padding: Padding.Causal)]
        [BatchNormalization]
        [Recurrent(LSTM, 20)]
        [Dense(1)]
        public partial class ConvFront { }
        """);
}
