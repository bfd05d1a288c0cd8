using static SeqDsl.Cell;

namespace SeqDsl.Samples.CurveClassifier;

/// <summary>
/// Conv1D(16, 6, strides 3, ReLU) → MaxPooling1D(5) → GRU(24) → Dense(7, Sigmoid), binary cross-entropy.
/// The front shortens 1,500 steps to 99 before the GRU. No InputSteps: the quick run feeds shorter curves.
/// </summary>
[SequenceModel(InputFeatures = 1, Loss = Loss.BinaryCrossEntropy, LearningRate = 0.005)]
[Conv1D(16, 6, Strides = 3, Activation = Activation.ReLU)]
[MaxPooling1D(5)]
[Recurrent(GRU, 24)]
[Dense(CurveShapes.Count, Activation = Activation.Sigmoid)]
public partial class CurveShapeModel { }
