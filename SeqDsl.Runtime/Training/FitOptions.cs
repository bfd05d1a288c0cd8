using System;
using System.Threading;

namespace SeqDsl;

/// <summary>
/// How <c>Fit</c> trains: optimizer and its hyper-parameters, gradient clipping, shuffling, early stopping,
/// progress callbacks, cancellation and checkpoints. Every property has a Keras-like default, so <c>null</c> options are valid.
/// </summary>
public sealed class FitOptions
{
    /// <summary>The optimizer; <c>null</c> uses the model's declared default.</summary>
    public Optimizer? Optimizer { get; init; }

    /// <summary>The learning rate; <c>null</c> uses the model's declared default.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Adam's first-moment decay (Keras default 0.9).</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam's second-moment decay (Keras default 0.999).</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Adam's epsilon, added to sqrt(v) (Keras default 1e-7).</summary>
    public double Epsilon { get; init; } = 1e-7;

    /// <summary>SGD momentum in [0, 1); 0 is plain SGD.</summary>
    public double Momentum { get; init; }

    /// <summary>Use Nesterov momentum with SGD.</summary>
    public bool Nesterov { get; init; }

    /// <summary>Clip the gradients by their global L2 norm over all trainable parameters (Keras <c>global_clipnorm</c>); 0 or less turns clipping off.</summary>
    public double ClipNorm { get; init; }

    /// <summary>Shuffle the samples before every epoch with the model's seeded generator (default true).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Stop when the monitored loss stops improving; <c>null</c> trains every epoch.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>
    /// Called every <see cref="ProgressInterval"/> batches and after the last batch of each epoch. Reading the running
    /// loss synchronizes with the device, which is why it is not done after every batch by default.
    /// </summary>
    public Action<TrainingProgress>? OnBatchEnd { get; init; }

    /// <summary>Batches between two <see cref="OnBatchEnd"/> calls (default 10, at least 1).</summary>
    public int ProgressInterval { get; init; } = 10;

    /// <summary>Called after every epoch, with that epoch's losses.</summary>
    public Action<TrainingProgress>? OnEpochEnd { get; init; }

    /// <summary>
    /// Cancels training at the next batch boundary: the weights go back to the end of the last completed epoch and
    /// <c>Fit</c> throws <see cref="TrainingCancelledException"/>, which carries the history so far.
    /// </summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>
    /// Scan every input and target element for NaN/±Inf (and class indices for sparse cross-entropy) before training
    /// (default true). Shape checks always run: they guard the kernels against reading out of bounds.
    /// </summary>
    public bool ValidateInputs { get; init; } = true;

    /// <summary>
    /// How far a batch loss may rise before training counts as diverged even though it is still finite: more than this
    /// factor times the larger of 1 and the mean loss of the Fit's first batch (default 1e6, far above anything a
    /// working run does). Fit then stops with <see cref="TrainingDivergedException"/> and the last good weights, as it
    /// does for a NaN or infinite loss. 0, a negative value or +∞ turns the check off; NaN and ∞ losses are always caught.
    /// </summary>
    public double DivergenceFactor { get; init; } = 1e6;

    /// <summary>
    /// Where <c>Fit</c> writes a checkpoint (weights, optimizer state, completed epochs, history and the generator
    /// that shuffles and seeds dropout) every <see cref="CheckpointEvery"/> epochs and after the last epoch;
    /// <c>null</c> (default) writes none. Each write goes to a temporary file in the same folder, is flushed to disk and
    /// then renamed over this path, so a killed run leaves either the previous checkpoint or the new one, never half
    /// of one. Resume with <see cref="ResumeFrom"/>.
    /// </summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Epochs between two checkpoints (default 1, at least 1).</summary>
    public int CheckpointEvery { get; init; } = 1;

    /// <summary>
    /// A checkpoint written by <see cref="CheckpointPath"/> to continue from; <c>null</c> (default) starts afresh.
    /// <c>Fit</c> then loads the checkpoint's weights, optimizer state, generator state and history, and trains the
    /// epochs after the checkpoint's up to its <c>epochs</c> argument (the total, as Keras's <c>initial_epoch</c> works),
    /// so that with the same data, batch size and options it reaches bit-identical weights to a run that was never
    /// interrupted. A checkpoint of another architecture, a truncated or corrupt file, or one written with another
    /// optimizer, batch size or sample count is rejected before the model is touched.
    /// </summary>
    public string? ResumeFrom { get; init; }

    /// <summary>
    /// Tests only: true streams the training set in blocks, false keeps it resident on the device; null (default) does
    /// what the device's kind wants (<see cref="Training.TrainingBatches.Streams"/>). Both give the same bits, which
    /// tests check on devices that would otherwise always stream.
    /// </summary>
    internal bool? StreamTrainingSet { get; init; }

    /// <summary>
    /// Tests only: the bytes of inputs and targets a streamed block holds at most (at least one batch); 0 or less
    /// (default) uses <see cref="Training.TrainingBatches.DefaultBlockBytes"/>. A small data set then spans several blocks.
    /// </summary>
    internal long StreamBlockBytes { get; init; }

    internal void Validate()
    {
        if (LearningRate is double lr && (!double.IsFinite(lr) || lr <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), lr, $"FitOptions.LearningRate must be a finite number > 0, got {lr}.");
        }

        if (!(Beta1 >= 0 && Beta1 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Beta1), Beta1, $"FitOptions.Beta1 must be in [0, 1), got {Beta1}.");
        }

        if (!(Beta2 >= 0 && Beta2 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Beta2), Beta2, $"FitOptions.Beta2 must be in [0, 1), got {Beta2}.");
        }

        if (!(Epsilon > 0) || !double.IsFinite(Epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, $"FitOptions.Epsilon must be a finite number > 0, got {Epsilon}.");
        }

        if (!(Momentum >= 0 && Momentum < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, $"FitOptions.Momentum must be in [0, 1), got {Momentum}.");
        }

        if (double.IsNaN(ClipNorm) || double.IsInfinity(ClipNorm))
        {
            throw new ArgumentOutOfRangeException(nameof(ClipNorm), ClipNorm, $"FitOptions.ClipNorm must be finite (0 or less turns clipping off), got {ClipNorm}.");
        }

        if (ProgressInterval < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ProgressInterval), ProgressInterval, $"FitOptions.ProgressInterval must be at least 1 batch, got {ProgressInterval}.");
        }

        if (double.IsNaN(DivergenceFactor))
        {
            throw new ArgumentOutOfRangeException(nameof(DivergenceFactor), DivergenceFactor, "FitOptions.DivergenceFactor must be a number (0 or less turns the check off), got NaN.");
        }

        if (CheckpointEvery < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(CheckpointEvery), CheckpointEvery, $"FitOptions.CheckpointEvery must be at least 1 epoch, got {CheckpointEvery}.");
        }

        if (CheckpointPath is { Length: 0 } || ResumeFrom is { Length: 0 })
        {
            throw new ArgumentException("FitOptions.CheckpointPath and FitOptions.ResumeFrom must be null or a file path, not an empty string.", CheckpointPath is { Length: 0 } ? nameof(CheckpointPath) : nameof(ResumeFrom));
        }

        EarlyStopping?.Validate();
    }
}
