namespace SeqDsl.Generator.Model;

// Mirrors of SeqDsl.Runtime's public enums, by value. The generator targets netstandard2.0 and cannot
// reference the runtime; a test (EnumMirrorTests) checks that names and values stay identical.

internal enum CellKind
{
    SimpleRNN,
    LSTM,
    GRU,
}

internal enum ActivationKind
{
    Default,
    Linear,
    Tanh,
    Sigmoid,
    ReLU,
    Softmax,
    Elu,
    Softplus,
}

internal enum PaddingKind
{
    Valid,
    Same,
    Causal,
}

internal enum LossKind
{
    Mse,
    Mae,
    Huber,
    SparseCategoricalCrossEntropy,
    CategoricalCrossEntropy,
    BinaryCrossEntropy,
}

internal enum OptimizerKind
{
    Adam,
    Sgd,
}

internal enum MergeModeKind
{
    Concat,
    Sum,
    Average,
    Multiply,
}

/// <summary>One per layer attribute of SeqDsl.Runtime.</summary>
internal enum LayerKind
{
    Recurrent,
    Bidirectional,
    Dense,
    TimeDistributed,
    Flatten,
    RepeatVector,
    Embedding,
    Dropout,
    BatchNormalization,
    LayerNormalization,
    Conv1D,
    WaveNet,
    MaxPooling1D,
    AveragePooling1D,
    GlobalAveragePooling1D,
    GlobalMaxPooling1D,
}
