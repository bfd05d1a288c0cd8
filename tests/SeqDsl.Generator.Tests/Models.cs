namespace SeqDsl.Generator.Tests;

/// <summary>Representative model declarations used across the generator tests (the seeds' models and every layer kind).</summary>
internal static class Models
{
    public const string SeqToSeqLstm = @"
namespace Demo;
[SequenceModel(InputFeatures = 1, Loss = Loss.Mse)]
[Recurrent(LSTM, 20, ReturnSequences = true)]
[Recurrent(LSTM, 20, ReturnSequences = true)]
[TimeDistributed(Dense = 10)]
public partial class Forecaster { }
";

    /// <summary>Seed 002's encoder–decoder: read 50 steps, forecast 10 (RepeatVector(n) with n ≠ InputSteps).</summary>
    public const string EncoderDecoder = @"
namespace Demo;
[SequenceModel(InputFeatures = 1, InputSteps = 50)]
[Recurrent(LSTM, 100)]
[RepeatVector(10)]
[Recurrent(LSTM, 100, ReturnSequences = true)]
[TimeDistributed(Dense = 1)]
public partial class EncoderDecoder { }
";

    public const string DeepSimpleRnn = @"
namespace Demo;
[SequenceModel(InputFeatures = 1)]
[Recurrent(SimpleRNN, 20, ReturnSequences = true)]
[Recurrent(SimpleRNN, 20)]
[Dense(1)]
public partial class DeepRnn { }
";

    public const string GruSeqToSeq = @"
namespace Demo;
[SequenceModel(InputFeatures = 1, Loss = Loss.Huber, LearningRate = 0.01)]
[Recurrent(GRU, 20, ReturnSequences = true)]
[Recurrent(GRU, 20, ReturnSequences = true, Activation = Activation.Tanh)]
[TimeDistributed(Dense = 10)]
public partial class GruForecaster { }
";

    public const string Linear = @"
namespace Demo;
[SequenceModel(InputFeatures = 1, InputSteps = 50)]
[Flatten]
[Dense(1)]
internal partial class LinearModel { }
";

    public const string ConvGru = @"
namespace Demo;
[SequenceModel(InputFeatures = 1)]
[Conv1D(filters: 20, kernelSize: 4, Strides = 2)]
[Recurrent(GRU, 20, ReturnSequences = true)]
[Recurrent(GRU, 20, ReturnSequences = true)]
[TimeDistributed(Dense = 10)]
public partial class ConvGru { }
";

    public const string SimpleWaveNet = @"
namespace Demo;
[SequenceModel(InputFeatures = 1)]
[WaveNet(20, LayersPerBlock = 4, Blocks = 2, Outputs = 10)]
public partial class SimpleWaveNet { }
";

    public const string GatedWaveNet = @"
namespace Demo;
[SequenceModel(InputFeatures = 1)]
[WaveNet(32, LayersPerBlock = 3, Blocks = 1, Gated = true, Outputs = 10)]
public partial class GatedWaveNet { }
";

    public const string EveryOtherLayer = @"
namespace Demo;
[SequenceModel(InputFeatures = 1, InputSteps = 40, BatchSize = 8, Loss = Loss.SparseCategoricalCrossEntropy)]
[Embedding(100, 16)]
[Dropout(0.2)]
[Conv1D(16, 3, padding: Padding.Same, Activation = Activation.ReLU)]
[MaxPooling1D(2)]
[AveragePooling1D(2, Strides = 1)]
[LayerNormalization]
[Bidirectional(LSTM, 8, ReturnSequences = true)]
[BatchNormalization]
[Recurrent(LSTM, 12, Peepholes = true, LayerNorm = true, Stateful = true)]
[RepeatVector(5)]
[Recurrent(GRU, 6, ReturnSequences = true, ResetAfter = false, RecurrentDropout = 0.1)]
[GlobalMaxPooling1D]
[Dense(4)]
public partial class Everything { }
";

    public const string GlobalAverage = @"
namespace Demo;
[SequenceModel(InputFeatures = 3, Loss = Loss.BinaryCrossEntropy)]
[Conv1D(8, 5, Activation = Activation.ReLU)]
[GlobalAveragePooling1D]
[Dense(7)]
public partial class CurveClassifier { }
";

    public const string Tagger = @"
namespace Demo;
[SequenceModel(InputFeatures = 1, Loss = Loss.SparseCategoricalCrossEntropy)]
[Embedding(20, 8)]
[BatchNormalization]
[Dropout(0.1)]
[LayerNormalization]
[TimeDistributed(Dense = 5)]
public partial class Tagger { }
";

    public const string MissingReturnSequences = @"
namespace Demo;
[SequenceModel(InputFeatures = 1)]
[Recurrent(LSTM, 20)]
[Recurrent(LSTM, 20)]
public partial class Broken { }
";

    public const string RecurrentCellOptions = @"
namespace Demo;
[SequenceModel(InputFeatures = 2)]
[Recurrent(LSTM, 8, Peepholes = true, ReturnSequences = true)]
[Recurrent(SimpleRNN, 6, LayerNorm = true, ReturnSequences = true)]
[Recurrent(GRU, 4, ResetAfter = false, GoBackwards = true, ReturnSequences = true)]
[Bidirectional(LSTM, 3, MergeMode = MergeMode.Sum)]
[Dense(1)]
public partial class CellOptions { }
";

    public const string RecurrentDropout = @"
namespace Demo;
[SequenceModel(InputFeatures = 2)]
[Recurrent(LSTM, 6, Dropout = 0.2, RecurrentDropout = 0.3, ReturnSequences = true)]
[Recurrent(GRU, 4, RecurrentDropout = 0.25)]
[Dense(1)]
public partial class RecurrentDropoutForecaster { }
";

    public const string GruLayerNormAndMerges = @"
namespace Demo;
[SequenceModel(InputFeatures = 2, BatchSize = 4)]
[Recurrent(GRU, 4, LayerNorm = true, ReturnSequences = true)]
[Recurrent(GRU, 3, LayerNorm = true, ResetAfter = false, ReturnSequences = true)]
[Bidirectional(GRU, 3, MergeMode = MergeMode.Multiply, Stateful = true)]
[Dense(1)]
public partial class GruLayerNormForecaster { }
";

    public const string StatefulLstm = @"
namespace Demo;
[SequenceModel(InputFeatures = 1, BatchSize = 16)]
[Recurrent(LSTM, 8, Stateful = true, LayerNorm = true, ReturnSequences = true)]
[TimeDistributed(Dense = 1)]
public partial class StatefulForecaster { }
";

    public const string ReturnStateEncoder = @"
namespace Demo;
[SequenceModel(InputFeatures = 2)]
[Recurrent(LSTM, 8, ReturnState = true, ReturnSequences = true)]
[Recurrent(GRU, 4, ReturnState = true, GoBackwards = true)]
[Dense(1)]
public partial class Encoder { }
";

    /// <summary>A Bidirectional encoder returning both directions' states (Keras's forward_h, forward_c, backward_h, backward_c).</summary>
    public const string BidirectionalReturnState = @"
namespace Demo;
[SequenceModel(InputFeatures = 2)]
[Bidirectional(LSTM, 8, ReturnState = true, ReturnSequences = true)]
[Bidirectional(GRU, 4, MergeMode = MergeMode.Sum, ReturnState = true)]
[Dense(1)]
public partial class BidirectionalEncoder { }
";

    /// <summary>The book's deep RNN ending in SimpleRNN(1): the recurrent last layer computes the loss gradient itself.</summary>
    public const string RecurrentLast = @"
namespace Demo;
[SequenceModel(InputFeatures = 1)]
[Recurrent(SimpleRNN, 20, ReturnSequences = true)]
[Recurrent(SimpleRNN, 20, ReturnSequences = true)]
[Recurrent(SimpleRNN, 1)]
public partial class BookDeepRnn { }
";
}
