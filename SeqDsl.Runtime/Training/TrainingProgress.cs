namespace SeqDsl;

/// <summary>Where training stands, handed to <see cref="FitOptions.OnBatchEnd"/> and <see cref="FitOptions.OnEpochEnd"/>.</summary>
/// <param name="Epoch">The current epoch, 1 … <paramref name="Epochs"/> (as Keras prints it).</param>
/// <param name="Epochs">Epochs requested.</param>
/// <param name="Batch">Batches of this epoch completed, 1 … <paramref name="Batches"/>.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">Mean training loss over the samples of this epoch seen so far.</param>
/// <param name="ValidationLoss">Validation loss after the epoch; <c>null</c> mid-epoch or without validation data.</param>
/// <param name="LastStepError">Mean last-step squared error over the samples of this epoch seen so far.</param>
/// <param name="ValidationLastStepError">Validation last-step error after the epoch; <c>null</c> mid-epoch or without validation data.</param>
/// <param name="Seconds">Seconds since the epoch started.</param>
/// <param name="Accuracy">Mean training accuracy so far, for classification losses (their <paramref name="LastStepError"/> is NaN); <c>null</c> otherwise.</param>
/// <param name="ValidationAccuracy">Validation accuracy after the epoch, for classification losses with validation data; <c>null</c> otherwise.</param>
public sealed record TrainingProgress(
    int Epoch,
    int Epochs,
    int Batch,
    int Batches,
    double Loss,
    double? ValidationLoss,
    double LastStepError,
    double? ValidationLastStepError,
    double Seconds,
    double? Accuracy = null,
    double? ValidationAccuracy = null);
