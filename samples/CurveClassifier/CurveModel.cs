using static SeqDsl.Cell;

namespace SeqDsl.Samples.CurveClassifier;

/// <summary>
/// Conv1D(16, 15, strides 5, tanh) → MaxPooling1D(3) → GRU(32) → Dense(7, Sigmoid), binary cross-entropy. The wide
/// kernel sees the local slope, whose swings mark a periodic curve.
/// The front shortens 1,500 steps to 99 before the GRU. No InputSteps: the quick run feeds shorter curves.
/// </summary>
[SequenceModel(InputFeatures = 1, Loss = Loss.BinaryCrossEntropy, LearningRate = 0.005)]
[Conv1D(16, 15, Strides = 5, Activation = Activation.Tanh)]
[MaxPooling1D(3)]
[Recurrent(GRU, 32)]
[Dense(CurveShapes.Count, Activation = Activation.Sigmoid)]
public partial class CurveShapeModel { }
