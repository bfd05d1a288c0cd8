using SeqDsl;
using static SeqDsl.Cell;

namespace SeqDsl.Kernels.Tests;

// Small models compiled by the real generator; each is checked against ReferenceNetwork.

[SequenceModel(InputFeatures = 3)]
[Recurrent(LSTM, 5, ReturnSequences = true)]
[TimeDistributed(Dense = 2)]
public partial class LstmSequenceModel { }

[SequenceModel(InputFeatures = 2)]
[Recurrent(LSTM, 4, ReturnSequences = true)]
[Recurrent(LSTM, 3)]
[Dense(2)]
public partial class LstmStackModel { }

[SequenceModel(InputFeatures = 2, Loss = Loss.Mae)]
[Recurrent(GRU, 5, ReturnSequences = true)]
[Recurrent(GRU, 4)]
[Dense(1)]
public partial class GruStackModel { }

[SequenceModel(InputFeatures = 2, Loss = Loss.Huber)]
[Recurrent(SimpleRNN, 4, ReturnSequences = true)]
[Recurrent(SimpleRNN, 3, ReturnSequences = true)]
[TimeDistributed(Dense = 2, Activation = Activation.Tanh)]
public partial class SimpleRnnStackModel { }

[SequenceModel(InputFeatures = 2, InputSteps = 4)]
[Flatten]
[Dense(5, Activation = Activation.Sigmoid)]
[Dense(3, Activation = Activation.Softmax)]
public partial class FlattenDenseModel { }

[SequenceModel(InputFeatures = 1)]
[Recurrent(GRU, 6, Activation = Activation.Tanh, RecurrentActivation = Activation.Sigmoid)]
[Dense(4, Activation = Activation.ReLU)]
[Dense(1)]
public partial class GruDenseModel { }

// Training models (the seed's shapes, scaled down).
[SequenceModel(InputFeatures = 1)]
[Recurrent(SimpleRNN, 20, ReturnSequences = true)]
[Recurrent(SimpleRNN, 20)]
[Dense(1)]
public partial class DeepRnn { }

[SequenceModel(InputFeatures = 1, LearningRate = 0.01)]
[Recurrent(LSTM, 16)]
[Dense(1)]
public partial class LstmForecaster { }

[SequenceModel(InputFeatures = 1, LearningRate = 0.01)]
[Recurrent(GRU, 16)]
[Dense(1)]
public partial class GruForecaster { }

// The autoencoder sample's shape (seed 002): LSTM encoder → RepeatVector(InputSteps) → LSTM decoder → TimeDistributed(Dense(1)).
[SequenceModel(InputFeatures = 1, InputSteps = 4)]
[Recurrent(LSTM, 3)]
[RepeatVector(4)]
[Recurrent(LSTM, 3, ReturnSequences = true)]
[TimeDistributed(Dense = 1)]
public partial class LstmAutoencoder { }
