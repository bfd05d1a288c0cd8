using SeqDsl;
using static SeqDsl.Cell;

namespace SeqDsl.Kernels.Tests;

// Models of the recurrent-cell options, compiled by the real generator and checked against ReferenceNetwork
// (CellNumericsTests). Each puts the recurrent layers after a TimeDistributed(Dense) or another recurrent layer
// where it can, so their input gradients are computed and checked too.

[SequenceModel(InputFeatures = 2)]
[TimeDistributed(Dense = 3)]
[Recurrent(LSTM, 4, Peepholes = true, ReturnSequences = true)]
[Recurrent(LSTM, 3, Peepholes = true)]
[Dense(2)]
public partial class PeepholeLstmModel { }

[SequenceModel(InputFeatures = 2, Loss = Loss.Mae)]
[TimeDistributed(Dense = 3)]
[Recurrent(GRU, 5, ResetAfter = false, ReturnSequences = true)]
[Recurrent(GRU, 3, ResetAfter = false)]
[Dense(1)]
public partial class GruResetBeforeModel { }

[SequenceModel(InputFeatures = 2)]
[TimeDistributed(Dense = 3)]
[Recurrent(SimpleRNN, 5, LayerNorm = true, ReturnSequences = true)]
[Recurrent(SimpleRNN, 4, LayerNorm = true, ReturnSequences = true)]
[TimeDistributed(Dense = 1)]
public partial class LayerNormRnnModel { }

[SequenceModel(InputFeatures = 2)]
[TimeDistributed(Dense = 3)]
[Recurrent(LSTM, 4, LayerNorm = true)]
[Dense(2)]
public partial class LayerNormLstmModel { }

[SequenceModel(InputFeatures = 2)]
[Recurrent(LSTM, 3, LayerNorm = true, Peepholes = true, ReturnSequences = true)]
[Recurrent(LSTM, 3, LayerNorm = true, Peepholes = true)]
[Dense(1)]
public partial class LayerNormPeepholeModel { }

[SequenceModel(InputFeatures = 2)]
[TimeDistributed(Dense = 3)]
[Recurrent(GRU, 4, LayerNorm = true, ReturnSequences = true)]
[Recurrent(GRU, 3, LayerNorm = true, ResetAfter = false, ReturnSequences = true)]
[Recurrent(GRU, 3, LayerNorm = true, GoBackwards = true)]
[Dense(2)]
public partial class LayerNormGruModel { }

[SequenceModel(InputFeatures = 2, Loss = Loss.Huber)]
[TimeDistributed(Dense = 3)]
[Recurrent(LSTM, 4, GoBackwards = true, ReturnSequences = true)]
[Recurrent(GRU, 3, GoBackwards = true, ReturnSequences = true)]
[Recurrent(SimpleRNN, 2, GoBackwards = true)]
[Dense(1)]
public partial class GoBackwardsModel { }

[SequenceModel(InputFeatures = 2)]
[TimeDistributed(Dense = 3)]
[Bidirectional(LSTM, 4, ReturnSequences = true)]
[Bidirectional(GRU, 3, MergeMode = MergeMode.Sum)]
[Dense(2)]
public partial class BidirectionalModel { }

[SequenceModel(InputFeatures = 2)]
[Bidirectional(SimpleRNN, 3, MergeMode = MergeMode.Average, ReturnSequences = true)]
[Bidirectional(GRU, 2, ReturnSequences = true)]
[TimeDistributed(Dense = 2)]
public partial class BidirectionalSequenceModel { }

[SequenceModel(InputFeatures = 2)]
[TimeDistributed(Dense = 3)]
[Bidirectional(LSTM, 3, MergeMode = MergeMode.Multiply, ReturnSequences = true)]
[Bidirectional(GRU, 3, MergeMode = MergeMode.Multiply)]
[Dense(2)]
public partial class BidirectionalMultiplyModel { }

[SequenceModel(InputFeatures = 2)]
[Bidirectional(SimpleRNN, 3, MergeMode = MergeMode.Multiply, ReturnSequences = true)]
[TimeDistributed(Dense = 2)]
public partial class BidirectionalMultiplySequenceModel { }

[SequenceModel(InputFeatures = 2, BatchSize = 3)]
[Recurrent(LSTM, 4, Stateful = true, ReturnSequences = true)]
[Recurrent(GRU, 3, Stateful = true, ResetAfter = false, ReturnSequences = true)]
[TimeDistributed(Dense = 2)]
public partial class StatefulModel { }

[SequenceModel(InputFeatures = 1, BatchSize = 2)]
[Recurrent(GRU, 4, Stateful = true, ReturnSequences = true)]
[Recurrent(SimpleRNN, 3, Stateful = true, LayerNorm = true)]
[Dense(1)]
public partial class StatefulVectorModel { }

[SequenceModel(InputFeatures = 2, BatchSize = 3)]
[TimeDistributed(Dense = 3)]
[Bidirectional(LSTM, 3, Stateful = true, ReturnSequences = true)]
[Bidirectional(GRU, 3, Stateful = true, MergeMode = MergeMode.Multiply, ReturnSequences = true)]
[TimeDistributed(Dense = 2)]
public partial class StatefulBidirectionalModel { }

// One model that puts most options through PoCL at a small compile cost (PoCL builds every kernel from source).
[SequenceModel(InputFeatures = 2)]
[Recurrent(GRU, 3, ResetAfter = false, GoBackwards = true, ReturnSequences = true)]
[Recurrent(LSTM, 3, LayerNorm = true, Peepholes = true)]
[Dense(2)]
public partial class PoclCellModel { }

[SequenceModel(InputFeatures = 2)]
[Recurrent(GRU, 3, LayerNorm = true, GoBackwards = true, ReturnSequences = true)]
[Bidirectional(GRU, 3, MergeMode = MergeMode.Multiply, ReturnSequences = true)]
[Recurrent(GRU, 3, LayerNorm = true, ResetAfter = false)]
[Dense(2)]
public partial class PoclGruModel { }

// The last layer is recurrent (the book's deep RNN ends in SimpleRNN(1)): the loss gradient reaches its BPTT directly.
[SequenceModel(InputFeatures = 1)]
[Recurrent(SimpleRNN, 4, ReturnSequences = true)]
[Recurrent(SimpleRNN, 1)]
public partial class RecurrentLastModel { }

[SequenceModel(InputFeatures = 2, Loss = Loss.Huber)]
[Recurrent(LSTM, 3, ReturnSequences = true)]
[Recurrent(GRU, 2, GoBackwards = true, ReturnSequences = true)]
public partial class RecurrentLastSequenceModel { }

// Bidirectional last layers with a regression loss compute the loss gradient in each direction's BPTT, from the merged
// output and the target (no loss-gradient buffer): every merge mode, returning sequences and the last step.
[SequenceModel(InputFeatures = 2, Loss = Loss.Huber)]
[TimeDistributed(Dense = 3)]
[Bidirectional(GRU, 2, ReturnSequences = true)]
public partial class BidirectionalLastConcatSequenceModel { }

[SequenceModel(InputFeatures = 2)]
[Recurrent(LSTM, 3, ReturnSequences = true)]
[Bidirectional(LSTM, 2, MergeMode = MergeMode.Average)]
public partial class BidirectionalLastAverageModel { }

[SequenceModel(InputFeatures = 2)]
[TimeDistributed(Dense = 3)]
[Bidirectional(SimpleRNN, 2, MergeMode = MergeMode.Sum, ReturnSequences = true)]
public partial class BidirectionalLastSumSequenceModel { }

[SequenceModel(InputFeatures = 2, Loss = Loss.Huber)]
[Recurrent(GRU, 3, ReturnSequences = true)]
[Bidirectional(LSTM, 2, MergeMode = MergeMode.Multiply)]
public partial class BidirectionalLastMultiplyModel { }

[SequenceModel(InputFeatures = 2, Loss = Loss.Huber)]
[TimeDistributed(Dense = 3)]
[Bidirectional(GRU, 2, MergeMode = MergeMode.Multiply, ReturnSequences = true)]
public partial class BidirectionalLastMultiplySequenceModel { }

// PoCL: a Multiply-merged Bidirectional last layer with the fused Huber gradient.
[SequenceModel(InputFeatures = 2, Loss = Loss.Huber)]
[Recurrent(GRU, 3, ReturnSequences = true)]
[Bidirectional(LSTM, 2, MergeMode = MergeMode.Multiply)]
public partial class PoclBidirectionalLastModel { }
