using System;

namespace SeqDsl;

/// <summary>
/// Thrown by <c>Fit</c> when the loss or the weights become NaN or infinite, or a batch loss explodes (see
/// <see cref="FitOptions.DivergenceFactor"/>). Before it is thrown the weights are put
/// back to the end of the last epoch that finished with finite losses and weights (or to the weights before
/// <c>Fit</c> when the first epoch diverged), so a model never keeps NaN weights.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException(int epoch, int batch, int batches, double loss, string what, double learningRate, History history)
        : base($"Training diverged at epoch {epoch}, batch {batch} of {batches}: {what} (loss = {loss}). "
            + (epoch > 1
                ? $"The weights were restored to the end of epoch {epoch - 1}. "
                : "The weights were restored to their values before Fit. ")
            + $"Try a lower learning rate (it was {learningRate}) or set FitOptions.ClipNorm.")
    {
        Epoch = epoch;
        Batch = batch;
        Loss = loss;
        History = history;
    }

    /// <summary>The epoch (1-based) in which the loss or the weights stopped being finite.</summary>
    public int Epoch { get; }

    /// <summary>The first batch (1-based, within <see cref="Epoch"/>) known to have a non-finite loss, or the last batch when the weights diverged.</summary>
    public int Batch { get; }

    /// <summary>The offending loss (NaN or ±∞; finite when it exploded or when only the weights diverged).</summary>
    public double Loss { get; }

    /// <summary>The epochs completed before divergence.</summary>
    public History History { get; }
}
