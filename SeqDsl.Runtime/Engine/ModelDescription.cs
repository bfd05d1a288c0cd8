using System.Collections.Generic;

namespace SeqDsl.Engine;

/// <summary>
/// What the generator knows about a model at compile time, handed to the runtime: sizes, the parameter
/// layout, the loss. One instance per generated model class (a static field of it).
/// </summary>
public sealed class ModelDescription
{
    /// <summary>The model class name.</summary>
    public required string Name { get; init; }

    /// <summary>Features per input step.</summary>
    public required int InputFeatures { get; init; }

    /// <summary>Rank of the input arrays: 3 for [samples, steps, features] (default), 2 for [samples, features] models without a time axis.</summary>
    public int InputRank { get; init; } = 3;

    /// <summary>Vocabulary size when the first layer is an Embedding: every input value must be a token id in [0, EmbeddingInputDim). 0 otherwise.</summary>
    public int EmbeddingInputDim { get; init; }

    /// <summary>Fixed input steps, or 0 for any.</summary>
    public int InputSteps { get; init; }

    /// <summary>Fixed batch size, or 0 for any.</summary>
    public int BatchSize { get; init; }

    /// <summary>True when a recurrent layer carries its state from batch to batch (Keras <c>stateful</c>): Fit does not shuffle, and <see cref="BatchSize"/> is fixed.</summary>
    public bool Stateful { get; init; }

    /// <summary>
    /// The states of the layers declared with <c>ReturnState = true</c>, in declaration order (a Bidirectional layer's
    /// forward direction, then its backward one): whose final state <c>PredictWithState</c> returns and takes as its initial state.
    /// </summary>
    public IReadOnlyList<ReturnedStateInfo> ReturnedStates { get; init; } = System.Array.Empty<ReturnedStateInfo>();

    /// <summary>Features of each output (per step when <see cref="OutputIsSequence"/>).</summary>
    public required int OutputFeatures { get; init; }

    /// <summary>True when the output is [samples, steps, features]; false for [samples, features].</summary>
    public required bool OutputIsSequence { get; init; }

    /// <summary>Total parameters (the flat buffer's length).</summary>
    public required int ParameterCount { get; init; }

    /// <summary>Every parameter tensor, in buffer order.</summary>
    public required IReadOnlyList<ParameterInfo> Parameters { get; init; }

    /// <summary>The training loss.</summary>
    public required Loss Loss { get; init; }

    /// <summary>The default optimizer.</summary>
    public Optimizer Optimizer { get; init; } = Optimizer.Adam;

    /// <summary>The default learning rate.</summary>
    public double LearningRate { get; init; } = 0.001;

    /// <summary>A hash of the architecture (layers, sizes, options), written into weight files.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>The Keras-like summary table.</summary>
    public required string Summary { get; init; }
}
