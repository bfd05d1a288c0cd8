using static SeqDsl.Cell;

namespace SeqDsl.Samples.CharRnn;

// Training model: any batch size, any window length; one prediction (softmax over the vocabulary) per step.
[SequenceModel(InputFeatures = 1, Loss = Loss.SparseCategoricalCrossEntropy, LearningRate = 0.005)]
[Embedding(Vocabulary.Size, 16)]
[Recurrent(LSTM, 64, ReturnSequences = true)]
[Recurrent(LSTM, 64, ReturnSequences = true)]
[TimeDistributed(Dense = Vocabulary.Size, Activation = Activation.Softmax)]
public partial class CharModel { }

// Generation model: the same layers and weights, stateful with one sequence per batch, so each call reads one new
// character and carries the LSTM states on (the prefix is never recomputed).
[SequenceModel(InputFeatures = 1, BatchSize = 1, Loss = Loss.SparseCategoricalCrossEntropy)]
[Embedding(Vocabulary.Size, 16)]
[Recurrent(LSTM, 64, ReturnSequences = true, Stateful = true)]
[Recurrent(LSTM, 64, ReturnSequences = true, Stateful = true)]
[TimeDistributed(Dense = Vocabulary.Size, Activation = Activation.Softmax)]
public partial class CharGenerator { }
