namespace SeqDsl.Engine;

/// <summary>How a parameter tensor starts (Keras's default initializer for its role).</summary>
public enum ParameterInit
{
    /// <summary>Glorot (Xavier) uniform: U(−l, l), l = sqrt(6 / (FanIn + FanOut)).</summary>
    GlorotUniform,
    /// <summary>Orthogonal rows or columns (Keras's recurrent initializer), over the whole [Rows, Cols] matrix.</summary>
    Orthogonal,
    /// <summary>All zeros.</summary>
    Zeros,
    /// <summary>All ones.</summary>
    Ones,
    /// <summary>LSTM bias: zeros, except ones in the forget gate's block [units, 2·units).</summary>
    LstmForgetBias,
    /// <summary>U(−0.05, 0.05), Keras's Embedding initializer.</summary>
    SmallUniform,
}

/// <summary>
/// One weight tensor of a generated model: where it lives in the flat parameter buffer and how to initialize it.
/// Tensors are row-major [Rows, Cols] at <see cref="Offset"/>.
/// </summary>
/// <param name="Layer">Keras-style layer name (<c>lstm_1</c>).</param>
/// <param name="Name">Tensor name within the layer (<c>kernel</c>, <c>recurrent_kernel</c>, <c>bias</c>).</param>
/// <param name="Offset">First element in the flat parameter buffer.</param>
/// <param name="Rows">Rows.</param>
/// <param name="Cols">Columns.</param>
/// <param name="FanIn">Fan-in for Glorot initialization.</param>
/// <param name="FanOut">Fan-out for Glorot initialization.</param>
/// <param name="Init">The initializer.</param>
/// <param name="Trainable">False for statistics such as BatchNorm's moving mean (never touched by the optimizer).</param>
public sealed record ParameterInfo(string Layer, string Name, int Offset, int Rows, int Cols, int FanIn, int FanOut, ParameterInit Init, bool Trainable = true)
{
    /// <summary>Number of elements.</summary>
    public int Length => Rows * Cols;
}
