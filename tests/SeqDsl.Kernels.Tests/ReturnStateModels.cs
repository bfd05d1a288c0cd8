using SeqDsl;
using static SeqDsl.Cell;

namespace SeqDsl.Kernels.Tests;

// Recurrent layers with ReturnState (Keras return_state / initial_state), checked by ReturnStateTests against
// ReferenceNetwork's final states. BackendTests compiles their kernels for every backend too.

// All three cells forward, each returning its state and its sequence, so a sequence cut in two continues exactly.
[SequenceModel(InputFeatures = 2)]
[TimeDistributed(Dense = 3)]
[Recurrent(LSTM, 4, ReturnState = true, ReturnSequences = true)]
[Recurrent(GRU, 3, ReturnState = true, ReturnSequences = true)]
[Recurrent(SimpleRNN, 3, ReturnState = true, ReturnSequences = true)]
[TimeDistributed(Dense = 2)]
public partial class ReturnStateStackModel { }

// All three cells with GoBackwards: the returned state is the one after input step 0 (the last processed step).
[SequenceModel(InputFeatures = 2)]
[Recurrent(GRU, 3, GoBackwards = true, ResetAfter = false, ReturnState = true, ReturnSequences = true)]
[Recurrent(LSTM, 4, GoBackwards = true, ReturnState = true, ReturnSequences = true)]
[Recurrent(SimpleRNN, 3, GoBackwards = true, ReturnState = true)]
[Dense(2)]
public partial class ReturnStateBackwardsModel { }

// An encoder: one backwards LSTM whose state starts the decoder below.
[SequenceModel(InputFeatures = 2)]
[Recurrent(LSTM, 4, GoBackwards = true, ReturnState = true)]
[Dense(2)]
public partial class ReturnStateEncoderModel { }

// A decoder: an LSTM of the encoder's width that starts from the encoder's state.
[SequenceModel(InputFeatures = 1)]
[Recurrent(LSTM, 4, ReturnState = true, ReturnSequences = true)]
[TimeDistributed(Dense = 1)]
public partial class ReturnStateDecoderModel { }

// Bidirectional layers with ReturnState: a state per direction (Keras's forward_h, forward_c, backward_h, backward_c),
// concat and sum merges, followed by a one-direction ReturnState layer, so the list mixes both kinds.
[SequenceModel(InputFeatures = 2)]
[Bidirectional(LSTM, 4, ReturnState = true, ReturnSequences = true)]
[Bidirectional(GRU, 3, MergeMode = MergeMode.Sum, ReturnState = true, ReturnSequences = true)]
[Recurrent(SimpleRNN, 3, ReturnState = true)]
[Dense(2)]
public partial class ReturnStateBidirectionalModel { }

// The other merges (average, multiply) and SimpleRNN; the last layer returns only its last step.
[SequenceModel(InputFeatures = 2)]
[Bidirectional(SimpleRNN, 3, MergeMode = MergeMode.Average, ReturnState = true, ReturnSequences = true)]
[Bidirectional(LSTM, 3, MergeMode = MergeMode.Multiply, ReturnState = true)]
[Dense(2)]
public partial class ReturnStateBidirectionalMergeModel { }

// A bidirectional encoder whose two directions' states, concatenated, start the wide decoder below.
[SequenceModel(InputFeatures = 2)]
[Bidirectional(LSTM, 4, ReturnState = true)]
[Dense(2)]
public partial class ReturnStateBidirectionalEncoderModel { }

// A decoder as wide as the bidirectional encoder's two directions together.
[SequenceModel(InputFeatures = 1)]
[Recurrent(LSTM, 8, ReturnState = true, ReturnSequences = true)]
[TimeDistributed(Dense = 1)]
public partial class ReturnStateWideDecoderModel { }
