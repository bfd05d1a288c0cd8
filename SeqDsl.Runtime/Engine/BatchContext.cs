using ILGPU;

namespace SeqDsl.Engine;

/// <summary>
/// Everything a generated <see cref="NetworkProgram"/> needs to run one batch: the batch is a list of row indices into
/// data on the device, the whole data set (GPUs, Evaluate, Predict's chunk) or the block of whole batches that Fit
/// streams on host-memory devices (<see cref="Training.TrainingBatches"/>).
/// </summary>
public readonly struct BatchContext
{
    /// <summary>The flat parameter buffer.</summary>
    public ArrayView<float> Parameters { get; init; }

    /// <summary>The flat gradient buffer, same layout as <see cref="Parameters"/>; every trainable element is overwritten by <see cref="NetworkProgram.Backward"/>.</summary>
    public ArrayView<float> Gradients { get; init; }

    /// <summary>The inputs the rows index, [samples, Steps, InputFeatures] row-major.</summary>
    public ArrayView<float> Inputs { get; init; }

    /// <summary>The targets the rows index, [samples, outputs per sample] row-major; empty when predicting.</summary>
    public ArrayView<float> Targets { get; init; }

    /// <summary>The rows of this batch in <see cref="Inputs"/> and <see cref="Targets"/>, [Batch].</summary>
    public ArrayView<int> Rows { get; init; }

    /// <summary>Samples in this batch.</summary>
    public int Batch { get; init; }

    /// <summary>Input steps of every sample.</summary>
    public int Steps { get; init; }

    /// <summary>True while training (dropout on, workspace kept for the backward pass).</summary>
    public bool Training { get; init; }

    /// <summary>True for MC Dropout: dropout stays on although <see cref="Training"/> is false (batch normalization keeps its running statistics).</summary>
    public bool DropoutAtInference { get; init; }

    /// <summary>
    /// True when the ReturnState layers start from the initial states the runtime copied into their
    /// <see cref="NetworkProgram.ReturnedStateBuffer"/> (<c>PredictWithState(x, initialState)</c>); false (zeros) otherwise,
    /// and always while training, whose backward pass assumes a zero start.
    /// </summary>
    public bool FromInitialStates { get; init; }

    /// <summary>A seed for this batch's random numbers (dropout masks), drawn from the model's seeded generator while training; 0 otherwise.</summary>
    public int Seed { get; init; }

    /// <summary>The model's outputs for this batch, [Batch, outputs per sample].</summary>
    public ArrayView<float> Predictions { get; init; }

    /// <summary>The loss of each sample of the batch (mean over its outputs), [Batch].</summary>
    public ArrayView<float> SampleLoss { get; init; }

    /// <summary>The squared error of each sample's last output step, averaged over its features, [Batch] (the seed's last-time-step MSE; equals the MSE for vector outputs).</summary>
    public ArrayView<float> SampleLastStepError { get; init; }
}
