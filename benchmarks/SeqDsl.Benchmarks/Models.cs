using SeqDsl;
using static SeqDsl.Cell;

namespace SeqDsl.Benchmarks;

// The SeqDsl side of each workload of the performance issue. The TorchSharp side (TorchNets.cs) builds the same
// layers and copies these models' initial weights.

/// <summary>W1 and W5: the seed's seq-to-seq model, LSTM(20) → LSTM(20) → TimeDistributed(Dense(10)).</summary>
[SequenceModel(InputFeatures = 1)]
[Recurrent(LSTM, 20, ReturnSequences = true)]
[Recurrent(LSTM, 20, ReturnSequences = true)]
[TimeDistributed(Dense = 10)]
public partial class SeqToSeqLstm { }

/// <summary>W2: SimpleRNN(20) → SimpleRNN(20) → Dense(1), the book's one-step deep RNN.</summary>
[SequenceModel(InputFeatures = 1)]
[Recurrent(SimpleRNN, 20, ReturnSequences = true)]
[Recurrent(SimpleRNN, 20)]
[Dense(1)]
public partial class DeepRnn { }

/// <summary>W3: GRU(128) → GRU(128) → Dense(1), a model large enough for FLOPs to dominate launch costs.</summary>
[SequenceModel(InputFeatures = 1)]
[Recurrent(GRU, 128, ReturnSequences = true)]
[Recurrent(GRU, 128)]
[Dense(1)]
public partial class WideGru { }

/// <summary>W4: the seed's simple WaveNet, causal Conv1D(20, 2) with dilations 1, 2, 4, 8 twice, then Conv1D(10, 1).</summary>
[SequenceModel(InputFeatures = 1)]
[WaveNet(20, LayersPerBlock = 4, Blocks = 2, Outputs = 10)]
public partial class SimpleWaveNet { }

/// <summary>W6: the seed's seq-to-seq GRU, GRU(20) → GRU(20) → TimeDistributed(Dense(10)) (the chapter's GRU model).</summary>
[SequenceModel(InputFeatures = 1)]
[Recurrent(GRU, 20, ReturnSequences = true)]
[Recurrent(GRU, 20, ReturnSequences = true)]
[TimeDistributed(Dense = 10)]
public partial class SeqToSeqGru { }

/// <summary>
/// W7: the seed's Conv1D+GRU model (the Forecasting sample's conv-gru): Conv1D(20, 4, strides 2, valid) → GRU(20) × 2 →
/// TimeDistributed(Dense(10)). 50 input steps give 24 output steps, aligned with the book's targets Y[:, 3::2].
/// </summary>
[SequenceModel(InputFeatures = 1)]
[Conv1D(20, 4, Strides = 2)]
[Recurrent(GRU, 20, ReturnSequences = true)]
[Recurrent(GRU, 20, ReturnSequences = true)]
[TimeDistributed(Dense = 10)]
public partial class ConvGru { }
