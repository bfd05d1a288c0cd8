namespace SeqDsl;

/// <summary>The recurrent cell of a <see cref="RecurrentAttribute"/> or <see cref="BidirectionalAttribute"/>.
/// Import with <c>using static SeqDsl.Cell;</c> to write <c>[Recurrent(LSTM, 20)]</c>.</summary>
public enum Cell
{
    /// <summary>Keras <c>SimpleRNN</c>: h = act(x·W + h·U + b).</summary>
    SimpleRNN,
    /// <summary>Keras <c>LSTM</c>, gates in Keras order i, f, c, o.</summary>
    LSTM,
    /// <summary>Keras <c>GRU</c>, gates in Keras order z, r, h.</summary>
    GRU,
}

/// <summary>An activation function. <see cref="Default"/> means the layer's own default
/// (tanh for recurrent layers, linear for Dense and Conv1D).</summary>
public enum Activation
{
    /// <summary>The layer's default activation.</summary>
    Default,
    /// <summary>Identity.</summary>
    Linear,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>Logistic sigmoid.</summary>
    Sigmoid,
    /// <summary>max(0, x).</summary>
    ReLU,
    /// <summary>Softmax over the features axis.</summary>
    Softmax,
    /// <summary>Exponential linear unit (alpha = 1).</summary>
    Elu,
    /// <summary>log(1 + exp(x)).</summary>
    Softplus,
}

/// <summary>Padding of a convolution or pooling layer, as Keras names it.</summary>
public enum Padding
{
    /// <summary>No padding: the output is shorter than the input.</summary>
    Valid,
    /// <summary>Zero padding on both sides so that the output has ceil(steps / strides) steps.
    /// An output step sees future input steps.</summary>
    Same,
    /// <summary>Zero padding on the left only, of (kernelSize − 1)·dilation steps: output step t never sees input after t.</summary>
    Causal,
}

/// <summary>The training loss of a model.</summary>
public enum Loss
{
    /// <summary>Mean squared error.</summary>
    Mse,
    /// <summary>Mean absolute error.</summary>
    Mae,
    /// <summary>Huber loss with delta 1.</summary>
    Huber,
    /// <summary>Softmax cross-entropy from logits with integer class targets.</summary>
    SparseCategoricalCrossEntropy,
    /// <summary>Softmax cross-entropy from logits with one-hot targets.</summary>
    CategoricalCrossEntropy,
    /// <summary>Sigmoid binary cross-entropy from logits, one independent label per output (multi-label).</summary>
    BinaryCrossEntropy,
}

/// <summary>The optimizer used by <c>Fit</c>.</summary>
public enum Optimizer
{
    /// <summary>Adam (Kingma and Ba), Keras defaults β1 = 0.9, β2 = 0.999, ε = 1e-7.</summary>
    Adam,
    /// <summary>Stochastic gradient descent with optional momentum.</summary>
    Sgd,
}

/// <summary>How a <see cref="BidirectionalAttribute"/> merges its forward and backward outputs.</summary>
public enum MergeMode
{
    /// <summary>Concatenate along the features axis (output features = 2 × units).</summary>
    Concat,
    /// <summary>Add element-wise.</summary>
    Sum,
    /// <summary>Average element-wise.</summary>
    Average,
    /// <summary>Multiply element-wise.</summary>
    Multiply,
}
