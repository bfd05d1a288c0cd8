using System;

namespace SeqDsl;

/// <summary>
/// A fully connected layer (Keras <c>Dense</c>). On a sequence input it applies to every step, as Keras does.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : Attribute
{
    /// <summary>Declares a Dense layer with <paramref name="units"/> outputs.</summary>
    public DenseAttribute(int units) => Units = units;

    /// <summary>Output features.</summary>
    public int Units { get; }

    /// <summary>The activation; linear by default.</summary>
    public Activation Activation { get; set; }

    /// <summary>Whether the layer has a bias.</summary>
    public bool UseBias { get; set; } = true;
}

/// <summary>
/// Keras <c>TimeDistributed(Dense(n))</c>: the same Dense layer applied to every step of a sequence.
/// <c>[TimeDistributed(Dense = 10)]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class TimeDistributedAttribute : Attribute
{
    /// <summary>Units of the wrapped Dense layer.</summary>
    public int Dense { get; set; }

    /// <summary>The wrapped layer's activation; linear by default.</summary>
    public Activation Activation { get; set; }

    /// <summary>Whether the wrapped layer has a bias.</summary>
    public bool UseBias { get; set; } = true;
}

/// <summary>Keras <c>Flatten</c>: [batch, steps, features] → [batch, steps·features]. Needs a fixed number of steps.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FlattenAttribute : Attribute
{
}

/// <summary>Keras <c>RepeatVector(n)</c>: [batch, features] → [batch, n, features].</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class RepeatVectorAttribute : Attribute
{
    /// <summary>Repeats the input vector <paramref name="n"/> times.</summary>
    public RepeatVectorAttribute(int n) => N = n;

    /// <summary>Number of repetitions (output steps).</summary>
    public int N { get; }
}

/// <summary>Keras <c>Embedding(inputDim, outputDim)</c>: token ids → vectors. Must be the first layer, with InputFeatures = 1.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class EmbeddingAttribute : Attribute
{
    /// <summary>Declares an embedding of a vocabulary of <paramref name="inputDim"/> tokens into <paramref name="outputDim"/> features.</summary>
    public EmbeddingAttribute(int inputDim, int outputDim)
    {
        InputDim = inputDim;
        OutputDim = outputDim;
    }

    /// <summary>Vocabulary size: token ids lie in [0, InputDim).</summary>
    public int InputDim { get; }

    /// <summary>Features per token.</summary>
    public int OutputDim { get; }
}
