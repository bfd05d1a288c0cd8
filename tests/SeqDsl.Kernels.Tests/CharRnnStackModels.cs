using SeqDsl;
using static SeqDsl.Cell;

namespace SeqDsl.Kernels.Tests;

// The CharRnn sample's training stack (samples/CharRnn/Models.cs, CharModel) at test sizes: a 7-symbol vocabulary,
// 4-wide embeddings and two LSTM(5) instead of 16 and 64, so finite differences of every weight stay quick.
[SequenceModel(InputFeatures = 1, Loss = Loss.SparseCategoricalCrossEntropy, LearningRate = 0.005)]
[Embedding(7, 4)]
[Recurrent(LSTM, 5, ReturnSequences = true)]
[Recurrent(LSTM, 5, ReturnSequences = true)]
[TimeDistributed(Dense = 7, Activation = Activation.Softmax)]
public partial class SmallCharModel { }
