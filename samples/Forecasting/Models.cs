using static SeqDsl.Cell;

namespace SeqDsl.Samples.Forecasting;

// The chapter 15 models, in the book's order. Each is one attribute per Keras layer.

/// <summary>keras.Sequential([Flatten(input_shape=[50, 1]), Dense(1)])</summary>
[SequenceModel(InputFeatures = 1, InputSteps = 50)]
[Flatten]
[Dense(1)]
public partial class LinearModel { }

/// <summary>SimpleRNN(1, input_shape=[None, 1]); the book trains it with Adam(learning_rate=0.005).</summary>
[SequenceModel(InputFeatures = 1, LearningRate = 0.005)]
[Recurrent(SimpleRNN, 1)]
public partial class SingleUnitRnn { }

/// <summary>SimpleRNN(20, return_sequences=True) → SimpleRNN(20) → Dense(1).</summary>
[SequenceModel(InputFeatures = 1)]
[Recurrent(SimpleRNN, 20, ReturnSequences = true)]
[Recurrent(SimpleRNN, 20)]
[Dense(1)]
public partial class DeepRnn { }

/// <summary>The deep RNN with a Dense(10) head: all ten future values at once.</summary>
[SequenceModel(InputFeatures = 1)]
[Recurrent(SimpleRNN, 20, ReturnSequences = true)]
[Recurrent(SimpleRNN, 20)]
[Dense(10)]
public partial class DeepRnnDense10 { }

/// <summary>Seq-to-seq: at every step, the next ten values; the book trains it with Adam(learning_rate=0.01).</summary>
[SequenceModel(InputFeatures = 1, LearningRate = 0.01)]
[Recurrent(SimpleRNN, 20, ReturnSequences = true)]
[Recurrent(SimpleRNN, 20, ReturnSequences = true)]
[TimeDistributed(Dense = 10)]
public partial class SeqToSeqRnn { }

/// <summary>Seq-to-seq LSTM(20) × 2 → TimeDistributed(Dense(10)).</summary>
[SequenceModel(InputFeatures = 1)]
[Recurrent(LSTM, 20, ReturnSequences = true)]
[Recurrent(LSTM, 20, ReturnSequences = true)]
[TimeDistributed(Dense = 10)]
public partial class SeqToSeqLstm { }

/// <summary>Seq-to-seq GRU(20) × 2 → TimeDistributed(Dense(10)).</summary>
[SequenceModel(InputFeatures = 1)]
[Recurrent(GRU, 20, ReturnSequences = true)]
[Recurrent(GRU, 20, ReturnSequences = true)]
[TimeDistributed(Dense = 10)]
public partial class SeqToSeqGru { }

// Models whose layers have no kernels yet: they compile (shapes are checked) but their constructor throws.

/// <summary>The book's LNSimpleRNNCell: SimpleRNN with layer normalization, × 2 → TimeDistributed(Dense(10)).</summary>
[SequenceModel(InputFeatures = 1)]
[Recurrent(SimpleRNN, 20, ReturnSequences = true, LayerNorm = true)]
[Recurrent(SimpleRNN, 20, ReturnSequences = true, LayerNorm = true)]
[TimeDistributed(Dense = 10)]
public partial class LayerNormRnn { }

/// <summary>Conv1D(20, 4, strides=2, padding="valid") → GRU(20) × 2 → TimeDistributed(Dense(10)).</summary>
[SequenceModel(InputFeatures = 1)]
[Conv1D(20, 4, Strides = 2)]
[Recurrent(GRU, 20, ReturnSequences = true)]
[Recurrent(GRU, 20, ReturnSequences = true)]
[TimeDistributed(Dense = 10)]
public partial class ConvGru { }

/// <summary>WaveNet: causal Conv1D(20, 2) with dilation 1, 2, 4, 8 twice, then Conv1D(10, 1).</summary>
[SequenceModel(InputFeatures = 1)]
[Conv1D(20, 2, 1, Padding.Causal, Activation = Activation.ReLU)]
[Conv1D(20, 2, 2, Padding.Causal, Activation = Activation.ReLU)]
[Conv1D(20, 2, 4, Padding.Causal, Activation = Activation.ReLU)]
[Conv1D(20, 2, 8, Padding.Causal, Activation = Activation.ReLU)]
[Conv1D(20, 2, 1, Padding.Causal, Activation = Activation.ReLU)]
[Conv1D(20, 2, 2, Padding.Causal, Activation = Activation.ReLU)]
[Conv1D(20, 2, 4, Padding.Causal, Activation = Activation.ReLU)]
[Conv1D(20, 2, 8, Padding.Causal, Activation = Activation.ReLU)]
[Conv1D(10, 1)]
public partial class WaveNetModel { }
