using System.Collections.Generic;

namespace SeqDsl;

/// <summary>
/// What <c>Fit</c> measured, one entry per completed epoch (index 0 is the first epoch). Losses are means over the
/// samples of the epoch, measured while the weights were being updated, as Keras reports them.
/// </summary>
public sealed class History
{
    private readonly List<double> loss = new();
    private readonly List<double> validationLoss = new();
    private readonly List<double> lastStepError = new();
    private readonly List<double> validationLastStepError = new();
    private readonly List<double> epochSeconds = new();
    private readonly List<double> accuracy = new();
    private readonly List<double> validationAccuracy = new();

    /// <summary>Training loss per epoch.</summary>
    public IReadOnlyList<double> Loss => loss;

    /// <summary>Validation loss per epoch; empty when no validation data was given.</summary>
    public IReadOnlyList<double> ValidationLoss => validationLoss;

    /// <summary>Training last-step squared error per epoch (NaN for classification losses, which report <see cref="Accuracy"/>).</summary>
    public IReadOnlyList<double> LastStepError => lastStepError;

    /// <summary>Validation last-step squared error per epoch (NaN for classification losses); empty when no validation data was given.</summary>
    public IReadOnlyList<double> ValidationLastStepError => validationLastStepError;

    /// <summary>Training accuracy per epoch for classification losses (whose last-step errors are NaN); empty for regression losses.</summary>
    public IReadOnlyList<double> Accuracy => accuracy;

    /// <summary>Validation accuracy per epoch for classification losses with validation data; empty otherwise.</summary>
    public IReadOnlyList<double> ValidationAccuracy => validationAccuracy;

    /// <summary>Wall-clock seconds per epoch, validation included.</summary>
    public IReadOnlyList<double> EpochSeconds => epochSeconds;

    /// <summary>Completed epochs.</summary>
    public int Epochs => loss.Count;

    /// <summary>True when validation data was given.</summary>
    public bool HasValidation => validationLoss.Count > 0;

    /// <summary>
    /// The 0-based index of the epoch with the lowest monitored loss (validation loss when present, else training loss;
    /// with early stopping, an epoch counts only if it improved by more than its MinDelta); −1 before any epoch.
    /// </summary>
    public int BestEpoch { get; internal set; } = -1;

    /// <summary>True when early stopping ended training before the requested epochs.</summary>
    public bool StoppedEarly { get; internal set; }

    internal void Add(double trainLoss, double trainLastStepError, double? valLoss, double? valLastStepError, double seconds)
    {
        loss.Add(trainLoss);
        lastStepError.Add(trainLastStepError);
        if (valLoss is double v)
        {
            validationLoss.Add(v);
        }

        if (valLastStepError is double e)
        {
            validationLastStepError.Add(e);
        }

        epochSeconds.Add(seconds);
    }

    internal void AddAccuracy(double trainAccuracy, double? valAccuracy)
    {
        accuracy.Add(trainAccuracy);
        if (valAccuracy is double v)
        {
            validationAccuracy.Add(v);
        }
    }
}
