using static SeqDsl.Analyzers.Tests.AnalyzerVerifier;

namespace SeqDsl.Analyzers.Tests;

/// <summary>The shape and argument errors, one positive and one negative case per ID at least.</summary>
public class ShapeDiagnosticTests
{
    [Fact]
    public Task Valid_forecaster_reports_nothing() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1, Loss = Loss.Mse)]
        [Recurrent(LSTM, 20, ReturnSequences = true)]
        [Recurrent(GRU, 20)]
        [Dense(1)]
        public partial class Forecaster { }
        """);

    [Fact]
    public Task SEQ001_recurrent_vector_feeding_recurrent_names_both_layers_and_shapes() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [{|#0:Recurrent(LSTM, 20)|}]
        [Recurrent(GRU, 10)]
        [Dense(1)]
        public partial class Forecaster { }
        """, Diagnostic("SEQ001").WithLocation(0).WithMessage(
        "LSTM(20) outputs [batch, 20] but the next GRU(10) needs [batch, steps, features]; set ReturnSequences = true on LSTM(20)"));

    [Fact]
    public Task SEQ001_bidirectional_feeding_time_distributed() => VerifyAsync("""
        [SequenceModel(InputFeatures = 3)]
        [{|#0:Bidirectional(GRU, 8)|}]
        [TimeDistributed(Dense = 1)]
        public partial class Tagger { }
        """, Diagnostic("SEQ001").WithLocation(0).WithMessage(
        "Bidirectional(GRU(8)) outputs [batch, 16] but the next TimeDistributed(Dense(1)) needs [batch, steps, features]; set ReturnSequences = true on Bidirectional(GRU(8))"));

    [Fact]
    public Task SEQ001_not_reported_when_sequences_are_returned() => VerifyAsync("""
        [SequenceModel(InputFeatures = 3)]
        [Bidirectional(GRU, 8, ReturnSequences = true)]
        [TimeDistributed(Dense = 1)]
        public partial class Tagger { }
        """);

    [Fact]
    public Task SEQ002_class_not_partial() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Recurrent(LSTM, 20)]
        [Dense(1)]
        public class {|#0:Forecaster|} { }
        """, Diagnostic("SEQ002").WithLocation(0));

    [Fact]
    public Task SEQ002_nested_in_generic_type() => VerifyAsync("""
        public partial class Outer<T>
        {
            [SequenceModel(InputFeatures = 1)]
            [Recurrent(LSTM, 20)]
            [Dense(1)]
            public partial class {|#0:Forecaster|} { }
        }
        """, Diagnostic("SEQ002").WithLocation(0));

    [Fact]
    public Task SEQ002_nested_in_a_class_that_is_not_partial() => VerifyAsync("""
        public class Outer
        {
            [SequenceModel(InputFeatures = 1)]
            [Recurrent(LSTM, 20)]
            [Dense(1)]
            public partial class {|#0:Forecaster|} { }
        }
        """, Diagnostic("SEQ002").WithLocation(0).WithMessage(
        "Model class 'Forecaster' is nested in 'Outer', which is not partial; the generated half of the model must be declared inside it, so declare 'Outer' partial too"));

    [Fact]
    public Task SEQ002_layers_on_two_partial_declarations() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Recurrent(LSTM, 20)]
        public partial class {|#0:Forecaster|} { }

        [Dense(1)]
        public partial class Forecaster { }
        """, Diagnostic("SEQ002").WithLocation(0));

    [Fact]
    public Task SEQ002_not_reported_for_partial_model_nested_in_plain_partial_class() => VerifyAsync("""
        public partial class Outer
        {
            [SequenceModel(InputFeatures = 1)]
            [Recurrent(LSTM, 20)]
            [Dense(1)]
            public partial class Forecaster { }

            public partial class Forecaster { public int Extra; }
        }
        """);

    [Fact]
    public Task SEQ003_no_layers() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        public partial class {|#0:Empty|} { }
        """, Diagnostic("SEQ003").WithLocation(0));

    [Fact]
    public Task SEQ003_not_reported_with_one_layer() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Dense(1)]
        public partial class OneLayer { }
        """);

    [Theory]
    [InlineData("[Recurrent(LSTM, {|#0:0|})]")]
    [InlineData("[Recurrent(GRU, {|#0:units: -3|})]")]
    [InlineData("[Recurrent(LSTM, 8, {|#0:Dropout = 1.0|})]")]
    [InlineData("[Recurrent(LSTM, 8, {|#0:RecurrentDropout = -0.1|})]")]
    [InlineData("[Dense({|#0:0|})]")]
    [InlineData("[Conv1D({|#0:0|}, 2)]")]
    [InlineData("[Conv1D(4, {|#0:0|})]")]
    [InlineData("[Conv1D(4, 2, {|#0:Strides = 0|})]")]
    [InlineData("[Conv1D(filters: 4, kernelSize: 2, {|#0:dilation: 0|})]")]
    [InlineData("[Dropout({|#0:1.0|})]")]
    [InlineData("[Dropout({|#0:-0.5|})]")]
    [InlineData("[Dense(1, {|#0:Activation = (Activation)42|})]")]
    [InlineData("[Recurrent({|#0:(Cell)7|}, 20)]")]
    [InlineData("[Conv1D(4, 2, {|#0:padding: (Padding)9|})]")]
    [InlineData("[LayerNormalization({|#0:Epsilon = 1e308|})]")]
    [InlineData("[BatchNormalization({|#0:Epsilon = 1e39|})]")]
    public Task SEQ004_argument_out_of_range_underlines_the_argument(string layer) => VerifyAsync($$"""
        [SequenceModel(InputFeatures = 1)]
        {{layer}}
        [Dense(1)]
        public partial class Model { }
        """, Diagnostic("SEQ004").WithLocation(0));

    [Theory]
    [InlineData("{|#0:InputFeatures = 0|}")]
    [InlineData("{|#0:InputFeatures = -2|}")]
    [InlineData("InputFeatures = 1, {|#0:Loss = (Loss)99|}")]
    public Task SEQ004_model_argument_out_of_range(string arguments) => VerifyAsync($$"""
        [SequenceModel({{arguments}})]
        [Dense(1)]
        public partial class Model { }
        """, Diagnostic("SEQ004").WithLocation(0));

    [Fact]
    public Task SEQ004_missing_input_features_underlines_the_attribute() => VerifyAsync("""
        [{|#0:SequenceModel|}]
        [Dense(1)]
        public partial class Model { }
        """, Diagnostic("SEQ004").WithLocation(0).WithMessage(
        "[SequenceModel] needs InputFeatures, the number of features per time step (Keras input_shape=[None, features]), e.g. InputFeatures = 1"));

    [Fact]
    public Task SEQ004_not_reported_at_the_edges_of_each_range() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Recurrent(LSTM, 1, Dropout = 0.0, RecurrentDropout = 0.999, ReturnSequences = true)]
        [Conv1D(1, 1, dilation: 1, Strides = 1)]
        [Dropout(0.0)]
        [GlobalMaxPooling1D]
        [Dense(1)]
        public partial class Model { }
        """);

    [Fact]
    public Task SEQ005_message_gives_the_length_after_each_layer() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1, InputSteps = 6)]
        [Conv1D(8, 3)]
        [MaxPooling1D(2)]
        [{|#0:Conv1D(8, 3)|}]
        [Flatten]
        [Dense(1)]
        public partial class Model { }
        """, Diagnostic("SEQ005").WithLocation(0).WithMessage(
        "Conv1D(8, 3, valid) shrinks the sequence to 0 steps (steps after each layer: input: 6, conv1d: 4, max_pooling1d: 2, conv1d: 0); use Padding.Same or Padding.Causal, a smaller kernel, stride or dilation, or a longer InputSteps"));

    [Fact]
    public Task SEQ005_not_reported_with_causal_padding() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1, InputSteps = 6)]
        [Conv1D(8, 3, padding: Padding.Causal)]
        [MaxPooling1D(2)]
        [Conv1D(8, 3, padding: Padding.Causal)]
        [Flatten]
        [Dense(1)]
        public partial class Model { }
        """);

    [Fact]
    public Task SEQ006_flatten_without_input_steps() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Conv1D(8, 3, padding: Padding.Causal)]
        [{|#0:Flatten|}]
        [Dense(1)]
        public partial class Model { }
        """, Diagnostic("SEQ006").WithLocation(0));

    [Fact]
    public Task SEQ006_not_reported_with_input_steps() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1, InputSteps = 50)]
        [Flatten]
        [Dense(1)]
        public partial class Model { }
        """);

    [Fact]
    public Task SEQ007_categorical_loss_with_one_unit() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1, Loss = Loss.SparseCategoricalCrossEntropy)]
        [Recurrent(LSTM, 20)]
        [{|#0:Dense(1)|}]
        public partial class Classifier { }
        """, Diagnostic("SEQ007").WithLocation(0));

    [Fact]
    public Task SEQ007_binary_loss_after_relu() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1, Loss = Loss.BinaryCrossEntropy)]
        [Recurrent(LSTM, 20)]
        [Dense(3, {|#0:Activation = Activation.ReLU|})]
        public partial class Tagger { }
        """, Diagnostic("SEQ007").WithLocation(0));

    [Fact]
    public Task SEQ007_categorical_loss_after_tanh_or_binary_loss_after_softmax() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1, Loss = Loss.CategoricalCrossEntropy)]
        [Recurrent(LSTM, 20)]
        [Dense(3, {|#0:Activation = Activation.Tanh|})]
        public partial class Tagger { }

        [SequenceModel(InputFeatures = 1, Loss = Loss.BinaryCrossEntropy)]
        [Recurrent(LSTM, 20)]
        [Dense(3, {|#1:Activation = Activation.Softmax|})]
        public partial class MultiLabel { }
        """, Diagnostic("SEQ007").WithLocation(0), Diagnostic("SEQ007").WithLocation(1));

    [Fact]
    public Task SEQ007_embedding_not_first() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Conv1D(4, 1)]
        [{|#0:Embedding(100, 8)|}]
        [Dense(1)]
        public partial class Model { }
        """, Diagnostic("SEQ007").WithLocation(0));

    [Fact]
    public Task SEQ007_embedding_with_several_input_features() => VerifyAsync("""
        [SequenceModel({|#0:InputFeatures = 3|})]
        [Embedding(100, 8)]
        [Recurrent(GRU, 16)]
        [Dense(1)]
        public partial class Model { }
        """, Diagnostic("SEQ007").WithLocation(0));

    [Fact]
    public Task SEQ007_not_reported_for_fitting_outputs() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1, Loss = Loss.SparseCategoricalCrossEntropy)]
        [Embedding(1000, 16)]
        [Recurrent(GRU, 16)]
        [Dense(10)]
        public partial class Classifier { }

        [SequenceModel(InputFeatures = 1, Loss = Loss.BinaryCrossEntropy)]
        [Recurrent(GRU, 16)]
        [Dense(1, Activation = Activation.Linear)]
        public partial class Detector { }
        """);

    [Fact]
    public Task SEQ014_stateful_without_batch_size() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Recurrent(LSTM, 20, {|#0:Stateful = true|})]
        [Dense(1)]
        public partial class Model { }
        """, Diagnostic("SEQ014").WithLocation(0));

    [Fact]
    public Task SEQ014_stateful_bidirectional_without_batch_size() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Bidirectional(LSTM, 20, {|#0:Stateful = true|})]
        [Dense(1)]
        public partial class Model { }
        """, Diagnostic("SEQ014").WithLocation(0));

    [Fact]
    public Task SEQ014_not_reported_for_stateful_bidirectional_with_fixed_batch_size() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1, BatchSize = 32)]
        [Bidirectional(LSTM, 20, Stateful = true)]
        [Dense(1)]
        public partial class Model { }
        """);

    [Fact]
    public Task Layer_normalized_GRU_and_multiply_merge_are_accepted() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Recurrent(GRU, 8, LayerNorm = true, ReturnSequences = true)]
        [Recurrent(GRU, 8, LayerNorm = true, ResetAfter = false, ReturnSequences = true)]
        [Bidirectional(GRU, 8, MergeMode = MergeMode.Multiply)]
        [Dense(1)]
        public partial class Model { }
        """);

    [Fact]
    public Task SEQ014_not_reported_with_fixed_batch_size() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1, BatchSize = 32)]
        [Recurrent(LSTM, 20, Stateful = true)]
        [Dense(1)]
        public partial class Model { }
        """);

    [Fact]
    public Task SEQ014_not_reported_for_return_state_on_bidirectional_layers() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Bidirectional(LSTM, 20, ReturnState = true, ReturnSequences = true)]
        [Bidirectional(GRU, 8, MergeMode = MergeMode.Sum, ReturnState = true)]
        [Dense(1)]
        public partial class Model { }
        """);

    [Fact]
    public Task SEQ014_return_state_on_stateful_bidirectional_layer() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1, BatchSize = 32)]
        [Bidirectional(LSTM, 20, Stateful = true, {|#0:ReturnState = true|})]
        [Dense(1)]
        public partial class Model { }
        """, Diagnostic("SEQ014").WithLocation(0).WithMessage(
            "Bidirectional(LSTM(20)) cannot be both stateful and return its state: Stateful carries the final state into the next batch itself, ReturnState hands it to the caller for PredictWithState; use one of them"));

    [Fact]
    public Task SEQ014_return_state_on_stateful_layer() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1, BatchSize = 32)]
        [Recurrent(GRU, 20, Stateful = true, {|#0:ReturnState = true|})]
        [Dense(1)]
        public partial class Model { }
        """, Diagnostic("SEQ014").WithLocation(0).WithMessage(
            "GRU(20) cannot be both stateful and return its state: Stateful carries the final state into the next batch itself, ReturnState hands it to the caller for PredictWithState; use one of them"));

    [Fact]
    public Task SEQ014_not_reported_for_return_state_on_recurrent_layers() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Recurrent(LSTM, 20, ReturnState = true, ReturnSequences = true, GoBackwards = true)]
        [Recurrent(SimpleRNN, 8, ReturnState = true)]
        [Dense(1)]
        public partial class Model { }
        """);

    [Fact]
    public Task SEQ015_time_distributed_wrapping_nothing() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Recurrent(LSTM, 20, ReturnSequences = true)]
        [{|#0:TimeDistributed|}]
        public partial class Model { }
        """, Diagnostic("SEQ015").WithLocation(0));

    [Fact]
    public Task SEQ015_time_distributed_on_a_vector() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Conv1D(8, 2, padding: Padding.Causal)]
        [GlobalAveragePooling1D]
        [{|#0:TimeDistributed(Dense = 1)|}]
        public partial class Model { }
        """, Diagnostic("SEQ015").WithLocation(0));

    [Fact]
    public Task SEQ015_not_reported_on_a_sequence() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Recurrent(LSTM, 20, ReturnSequences = true)]
        [TimeDistributed(Dense = 10)]
        public partial class Model { }
        """);

    [Fact]
    public Task SEQ016_sequence_layer_after_global_pooling() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [GlobalMaxPooling1D]
        [{|#0:Conv1D(4, 2)|}]
        [Dense(1)]
        public partial class Model { }
        """, Diagnostic("SEQ016").WithLocation(0));

    [Fact]
    public Task SEQ016_not_reported_before_global_pooling() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Conv1D(4, 2)]
        [GlobalMaxPooling1D]
        [Dense(1)]
        public partial class Model { }
        """);

    [Fact]
    public Task SEQ017_repeat_vector_on_a_sequence() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Recurrent(LSTM, 20, ReturnSequences = true)]
        [{|#0:RepeatVector(10)|}]
        [Recurrent(LSTM, 20, ReturnSequences = true)]
        [TimeDistributed(Dense = 1)]
        public partial class Model { }
        """, Diagnostic("SEQ017").WithLocation(0));

    [Fact]
    public Task SEQ017_not_reported_in_an_encoder_decoder() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Recurrent(LSTM, 20)]
        [RepeatVector(10)]
        [Recurrent(LSTM, 20, ReturnSequences = true)]
        [TimeDistributed(Dense = 1)]
        public partial class Model { }
        """);

    [Fact]
    public Task SEQ018_peepholes_on_gru() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Recurrent(GRU, 20, {|#0:Peepholes = true|})]
        [Dense(1)]
        public partial class Model { }
        """, Diagnostic("SEQ018").WithLocation(0));

    [Fact]
    public Task SEQ018_not_reported_for_peepholes_on_lstm() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Recurrent(LSTM, 20, Peepholes = true)]
        [Dense(1)]
        public partial class Model { }
        """);

    [Fact]
    public Task SEQ021_layers_without_sequence_model() => VerifyAsync("""
        [{|#0:Recurrent(LSTM, 20)|}]
        [Dense(1)]
        public partial class Forgotten { }
        """, Diagnostic("SEQ021").WithLocation(0));

    [Fact]
    public Task SEQ021_not_reported_for_ordinary_classes() => VerifyAsync("""
        [System.Serializable]
        public partial class Ordinary { }
        """);

    [Fact]
    public async Task Findings_in_another_partial_file_are_reported_in_that_file()
    {
        var test = new AnalyzerTest();
        test.TestState.Sources.Add(("Model.cs", Usings + """
            [SequenceModel(InputFeatures = 1)]
            public partial class Forecaster { }
            """));
        test.TestState.Sources.Add(("Model.Layers.cs", Usings + """
            [{|#0:Recurrent(LSTM, 20)|}]
            [Recurrent(LSTM, 20)]
            [Dense(1)]
            public partial class Forecaster { }
            """));
        test.ExpectedDiagnostics.Add(Diagnostic("SEQ001").WithLocation(0));
        await test.RunAsync();
    }
}
