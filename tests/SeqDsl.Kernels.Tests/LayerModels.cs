using SeqDsl;

// Softmax/Sigmoid outputs under a cross-entropy loss: the generated kernels fuse them (the loss reads the stored logits
// and the gradient is probability − target), and these models test exactly that.

namespace SeqDsl.Kernels.Tests;

// Models of the non-recurrent layers and the classification losses, compiled by the real generator and checked
// against LayerReference (a batch-level double-precision reference, since BatchNormalization couples samples).

[SequenceModel(InputFeatures = 3)]
[TimeDistributed(Dense = 5, Activation = Activation.Tanh)]
[Dropout(0.4)]
[TimeDistributed(Dense = 2)]
public partial class DropoutDenseModel { }

[SequenceModel(InputFeatures = 3, Loss = Loss.Huber)]
[TimeDistributed(Dense = 4, Activation = Activation.Tanh)]
[LayerNormalization]
[TimeDistributed(Dense = 3, Activation = Activation.Tanh)]
[BatchNormalization]
[TimeDistributed(Dense = 2)]
public partial class NormalizedModel { }

[SequenceModel(InputFeatures = 2)]
[BatchNormalization(Momentum = 0.9)]
[TimeDistributed(Dense = 3)]
public partial class BatchNormFirstModel { }

// Last layer Dropout: the loss gradient is not fused here (the loss kernel writes it for the Dropout's backward).
[SequenceModel(InputFeatures = 3, Loss = Loss.Mae)]
[LayerNormalization]
[TimeDistributed(Dense = 3, Activation = Activation.Tanh)]
[Dropout(0.25)]
public partial class LayerNormFirstModel { }

[SequenceModel(InputFeatures = 1, Loss = Loss.SparseCategoricalCrossEntropy)]
[Embedding(7, 4)]
[TimeDistributed(Dense = 5, Activation = Activation.Softmax)]
public partial class EmbeddingTagger { }

[SequenceModel(InputFeatures = 2, InputSteps = 4)]
[Flatten]
[Dense(3, Activation = Activation.Tanh)]
[RepeatVector(4)]
[TimeDistributed(Dense = 2)]
public partial class RepeatModel { }

[SequenceModel(InputFeatures = 2, InputSteps = 5, Loss = Loss.SparseCategoricalCrossEntropy, LearningRate = 0.01)]
[Flatten]
[Dense(6, Activation = Activation.Tanh)]
[Dense(3, Activation = Activation.Softmax)]
public partial class SoftmaxClassifier { }

[SequenceModel(InputFeatures = 2, InputSteps = 3, Loss = Loss.CategoricalCrossEntropy)]
[Flatten]
[Dense(4, Activation = Activation.Tanh)]
[Dense(3)]
public partial class LogitsCceModel { }

[SequenceModel(InputFeatures = 2, InputSteps = 3, Loss = Loss.CategoricalCrossEntropy)]
[Flatten]
[Dense(3, Activation = Activation.Softmax)]
public partial class SoftmaxCceModel { }

[SequenceModel(InputFeatures = 2, InputSteps = 3, Loss = Loss.BinaryCrossEntropy)]
[Flatten]
[Dense(5, Activation = Activation.Tanh)]
[Dense(4, Activation = Activation.Sigmoid)]
public partial class SigmoidBceModel { }

[SequenceModel(InputFeatures = 3, Loss = Loss.BinaryCrossEntropy)]
[TimeDistributed(Dense = 2)]
public partial class LogitBceSequenceModel { }

[SequenceModel(InputFeatures = 2, InputSteps = 4, Loss = Loss.SparseCategoricalCrossEntropy)]
[Flatten]
[Dense(3, Activation = Activation.Tanh)]
[Dropout(0.3)]
[Dense(3)]
public partial class DropoutLogitsClassifier { }

// MC Dropout pair: the same network with and without dropout.
[SequenceModel(InputFeatures = 1, InputSteps = 6)]
[Flatten]
[Dense(16, Activation = Activation.Tanh)]
[Dropout(0.2)]
[Dense(1)]
public partial class McDropoutModel { }

[SequenceModel(InputFeatures = 1, InputSteps = 6)]
[Flatten]
[Dense(16, Activation = Activation.Tanh)]
[Dense(1)]
public partial class NoDropoutModel { }

// RepeatVector(n) with n ≠ InputSteps: the TimeDistributed layer after it runs over 3 steps of a 4-step input.
// (A cross-entropy on Tanh outputs is a compile-time error, SEQ007, tested in the analyzer tests.)
[SequenceModel(InputFeatures = 2, InputSteps = 4)]
[Flatten]
[Dense(3)]
[RepeatVector(3)]
[TimeDistributed(Dense = 1)]
public partial class RepeatMismatchModel { }
