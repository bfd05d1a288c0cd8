namespace SeqDsl.Generator.Shapes;

/// <summary>How a parameter tensor is initialized (Keras's defaults for each role).</summary>
internal enum InitKind
{
    /// <summary>Glorot (Xavier) uniform over fan-in + fan-out: Keras's default kernel initializer.</summary>
    GlorotUniform,
    /// <summary>An orthogonal matrix per gate block: Keras's default recurrent initializer.</summary>
    Orthogonal,
    Zeros,
    Ones,
    /// <summary>LSTM bias: zeros except the forget gate's block, which is 1 (Keras <c>unit_forget_bias</c>).</summary>
    LstmForgetBias,
    /// <summary>Uniform in [−0.05, 0.05]: Keras's Embedding initializer.</summary>
    SmallUniform,
}

/// <summary>
/// One weight tensor of a layer, stored row-major at <see cref="Offset"/> in the model's flat parameter buffer.
/// </summary>
internal sealed record ParameterTensor(string Name, int Offset, int Rows, int Cols, InitKind Init, bool Trainable = true)
{
    public int Length => Rows * Cols;
}
