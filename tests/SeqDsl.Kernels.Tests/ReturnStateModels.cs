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
