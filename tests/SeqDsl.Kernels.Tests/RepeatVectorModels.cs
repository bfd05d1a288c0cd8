using SeqDsl;
using static SeqDsl.Cell;

namespace SeqDsl.Kernels.Tests;

// Encoder → RepeatVector(n) → decoder → TimeDistributed(Dense), seed 002's shape, with n ≠ the input's steps: the
// decoder runs over n steps whatever the encoder read. Checked by RepeatVectorTests against ReferenceNetwork.
// BackendTests compiles their kernels for every backend too.

// Fewer output steps than input steps: an LSTM reads 5 steps, the decoder writes 3.
[SequenceModel(InputFeatures = 2, InputSteps = 5)]
[Recurrent(LSTM, 3)]
[RepeatVector(3)]
[Recurrent(LSTM, 4, ReturnSequences = true)]
[TimeDistributed(Dense = 2)]
public partial class RepeatFewerStepsModel { }

// More output steps than input steps, and an encoder that reads any length (no InputSteps): a GRU decoder writes 6 steps.
[SequenceModel(InputFeatures = 2, Loss = Loss.Huber)]
[Recurrent(GRU, 3)]
[RepeatVector(6)]
[Recurrent(GRU, 4, ReturnSequences = true)]
[TimeDistributed(Dense = 1)]
public partial class RepeatMoreStepsModel { }

// Seed 002 for the training run: read 50 steps, forecast the next 10 (16 units instead of the seed's 100, for a quick CPU test).
[SequenceModel(InputFeatures = 1, InputSteps = 50, LearningRate = 0.01)]
[Recurrent(LSTM, 16)]
[RepeatVector(10)]
[Recurrent(LSTM, 16, ReturnSequences = true)]
[TimeDistributed(Dense = 1)]
public partial class TenStepDecoder { }

// A window layer after RepeatVector: the convolution shortens the repeated time axis (7 steps → ⌊(7 − 3) / 2⌋ + 1 = 3),
// so the output steps are fixed at 3 whatever the encoder reads, and no output step stands for an input step.
[SequenceModel(InputFeatures = 2)]
[Recurrent(SimpleRNN, 3)]
[RepeatVector(7)]
[Recurrent(GRU, 4, ReturnSequences = true)]
[Conv1D(2, 3, Strides = 2, Activation = Activation.Tanh)]
[TimeDistributed(Dense = 1)]
public partial class RepeatThenWindowModel { }
