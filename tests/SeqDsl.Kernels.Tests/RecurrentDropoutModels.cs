using SeqDsl;
using static SeqDsl.Cell;

namespace SeqDsl.Kernels.Tests;

// Recurrent layers with Dropout (on x(t)) and RecurrentDropout (on h(t−1)), checked by RecurrentDropoutTests against
// ReferenceNetwork with the masks the kernels draw. BackendTests compiles their kernels for every backend too.

[SequenceModel(InputFeatures = 2)]
[TimeDistributed(Dense = 3)]
[Recurrent(LSTM, 4, Dropout = 0.3, RecurrentDropout = 0.4, ReturnSequences = true)]
[Recurrent(GRU, 3, Dropout = 0.2, RecurrentDropout = 0.3)]
[Dense(2)]
public partial class DropoutLstmGruModel { }

[SequenceModel(InputFeatures = 3)]
[Recurrent(SimpleRNN, 4, Dropout = 0.25, RecurrentDropout = 0.35, ReturnSequences = true)]
[TimeDistributed(Dense = 2)]
public partial class DropoutFirstRnnModel { }

[SequenceModel(InputFeatures = 2)]
[TimeDistributed(Dense = 3)]
[Bidirectional(LSTM, 3, Dropout = 0.2, RecurrentDropout = 0.3)]
[Dense(1)]
public partial class DropoutBidirectionalModel { }

[SequenceModel(InputFeatures = 1)]
[Recurrent(GRU, 8, RecurrentDropout = 0.3)]
[Dense(1)]
public partial class RecurrentDropoutMcModel { }

[SequenceModel(InputFeatures = 2, Loss = Loss.Mae)]
[TimeDistributed(Dense = 3)]
[Recurrent(GRU, 4, ResetAfter = false, Dropout = 0.3, RecurrentDropout = 0.4, ReturnSequences = true)]
[Recurrent(GRU, 3, ResetAfter = false, RecurrentDropout = 0.3, GoBackwards = true)]
[Dense(1)]
public partial class DropoutGruResetBeforeModel { }

[SequenceModel(InputFeatures = 2)]
[TimeDistributed(Dense = 3)]
[Recurrent(GRU, 4, LayerNorm = true, Dropout = 0.3, RecurrentDropout = 0.4, ReturnSequences = true)]
[Recurrent(GRU, 3, LayerNorm = true, ResetAfter = false, RecurrentDropout = 0.3, ReturnSequences = true)]
[Bidirectional(GRU, 3, MergeMode = MergeMode.Multiply, Dropout = 0.2, RecurrentDropout = 0.3)]
[Dense(1)]
public partial class DropoutLayerNormGruModel { }
