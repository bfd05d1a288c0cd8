using System.Collections.Generic;

namespace SeqDsl.Training;

/// <summary>One completed epoch of a <see cref="History"/>, as a checkpoint stores it.</summary>
internal readonly record struct EpochRecord(double Loss, double LastStepError, double? ValidationLoss, double? ValidationLastStepError, double Seconds, double? Accuracy = null, double? ValidationAccuracy = null);

/// <summary>
/// Everything a Fit needs to continue exactly where it stopped: the weights, the optimizer's moments and step count,
/// the model generator's state (it shuffles and seeds dropout), the completed epochs and the early-stopping state.
/// Written by <see cref="CheckpointFile"/> at the end of an epoch.
/// </summary>
internal sealed class TrainingCheckpoint
{
    /// <summary>The architecture fingerprint of the model that wrote it.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Epochs completed when it was written; a resumed Fit starts with the next one.</summary>
    public required int CompletedEpochs { get; init; }

    /// <summary>Training samples of the Fit that wrote it (a resumed Fit must train on as many).</summary>
    public required int Samples { get; init; }

    /// <summary>Batch size of the Fit that wrote it.</summary>
    public required int BatchSize { get; init; }

    /// <summary>The optimizer whose state <see cref="Moments"/> holds.</summary>
    public required Optimizer Optimizer { get; init; }

    /// <summary>Updates applied so far.</summary>
    public required long OptimizerSteps { get; init; }

    /// <summary>Adam's first and second moments, or SGD's velocity; each as long as <see cref="Weights"/>.</summary>
    public required float[][] Moments { get; init; }

    /// <summary>The model generator's state after the last completed epoch.</summary>
    public required (ulong S0, ulong S1, ulong S2, ulong S3) Random { get; init; }

    /// <summary>The weights at the end of the last completed epoch.</summary>
    public required float[] Weights { get; init; }

    /// <summary>The history of the completed epochs.</summary>
    public required IReadOnlyList<EpochRecord> Epochs { get; init; }

    /// <summary>0-based best epoch so far (−1 before any).</summary>
    public required int BestEpoch { get; init; }

    /// <summary>The best monitored loss so far (+∞ before any).</summary>
    public required double BestMonitored { get; init; }

    /// <summary>Epochs since the monitored loss last improved.</summary>
    public required int EpochsWithoutImprovement { get; init; }

    /// <summary>The weights of <see cref="BestEpoch"/>, when early stopping may restore them; otherwise null.</summary>
    public float[]? BestWeights { get; init; }

    /// <summary>The history the resumed Fit continues.</summary>
    public History ToHistory()
    {
        var history = new History();
        foreach (var epoch in Epochs)
        {
            history.Add(epoch.Loss, epoch.LastStepError, epoch.ValidationLoss, epoch.ValidationLastStepError, epoch.Seconds);
            if (epoch.Accuracy is double accuracy)
            {
                history.AddAccuracy(accuracy, epoch.ValidationAccuracy);
            }
        }

        history.BestEpoch = BestEpoch;
        return history;
    }

    /// <summary>The completed epochs of <paramref name="history"/>, for a checkpoint.</summary>
    public static EpochRecord[] Records(History history)
    {
        var records = new EpochRecord[history.Epochs];
        for (int i = 0; i < records.Length; i++)
        {
            records[i] = new EpochRecord(
                history.Loss[i],
                history.LastStepError[i],
                history.HasValidation ? history.ValidationLoss[i] : null,
                history.HasValidation ? history.ValidationLastStepError[i] : null,
                history.EpochSeconds[i],
                // Classification losses report accuracy for every epoch; regression losses for none.
                history.Accuracy.Count > i ? history.Accuracy[i] : null,
                history.ValidationAccuracy.Count > i ? history.ValidationAccuracy[i] : null);
        }

        return records;
    }
}
