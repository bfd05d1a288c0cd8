using System;
using System.Threading;

namespace SeqDsl;

/// <summary>
/// Thrown by <c>Fit</c> when its <see cref="FitOptions.CancellationToken"/> is cancelled. Training stops at a batch
/// boundary and the weights are put back to the end of the last completed epoch; <see cref="History"/> holds the
/// completed epochs. It is an <see cref="OperationCanceledException"/>, so ordinary cancellation handling catches it.
/// </summary>
public sealed class TrainingCancelledException : OperationCanceledException
{
    /// <summary>Creates the exception.</summary>
    public TrainingCancelledException(History history, CancellationToken token)
        : base($"Training was cancelled after {history.Epochs} completed epoch(s); the weights are those at the end of "
            + (history.Epochs > 0 ? $"epoch {history.Epochs}." : "no epoch (the weights before Fit)."), token)
    {
        History = history;
    }

    /// <summary>The epochs completed before cancellation.</summary>
    public History History { get; }
}
