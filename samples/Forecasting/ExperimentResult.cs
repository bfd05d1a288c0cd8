namespace SeqDsl.Samples.Forecasting;

/// <summary>What one experiment measured, or why it could not run.</summary>
/// <param name="Name">Short name used by <c>--model</c>.</param>
/// <param name="Title">The model as the book describes it.</param>
/// <param name="Unavailable">Why the model could not run (its layers have no kernels yet); null when it ran.</param>
/// <param name="Parameters">Trainable parameters (0 for the naive forecast).</param>
/// <param name="SecondsPerEpoch">Mean training seconds per epoch; null when nothing was trained.</param>
/// <param name="ValidationMse">MSE on the validation set over every predicted value.</param>
/// <param name="LastStepMse">Seq-to-seq models: MSE of the ten forecasts made at the last input step.</param>
/// <param name="NaiveMse">The naive forecast's MSE on the same targets as <see cref="Score"/>.</param>
/// <param name="BookFigure">The figure the book reports for <see cref="Score"/>, when it gives one.</param>
public sealed record ExperimentResult(
    string Name,
    string Title,
    string? Unavailable,
    int Parameters,
    double? SecondsPerEpoch,
    double? ValidationMse,
    double? LastStepMse,
    double? NaiveMse,
    double? BookFigure)
{
    /// <summary>The figure compared with the book and the naive forecast: last-step MSE for seq-to-seq models, validation MSE otherwise.</summary>
    public double? Score => LastStepMse ?? ValidationMse;

    /// <summary>True when a model was trained (not the naive forecast, not an unavailable one).</summary>
    public bool Trained => Unavailable is null && SecondsPerEpoch is not null;

    /// <summary>True when the score is below the naive forecast's on the same targets.</summary>
    public bool BeatsNaive => Score is double score && NaiveMse is double naive && score < naive;

    /// <summary>Score divided by the book's figure (1.0 = same as the book; below 1 = better).</summary>
    public double? RatioToBook => Score is double score && BookFigure is double book ? score / book : null;

    /// <summary>Epochs trained (0 when nothing was trained).</summary>
    public int Epochs { get; init; }

    /// <summary>Learning curves and the forecast of the first validation series, for the figures; null when the model did not run.</summary>
    public ExperimentTrace? Trace { get; init; }

    /// <summary>
    /// The error that stopped a model that should have run (its kernels failed to build or training diverged), or null.
    /// The run goes on with the next model and ends with exit code 1.
    /// </summary>
    public string? Error { get; init; }

    /// <summary>A model that failed with <paramref name="error"/>.</summary>
    public static ExperimentResult Failed(Experiment experiment, Exception error) =>
        new(experiment.Name, experiment.Title, null, 0, null, null, null, null, experiment.Book)
        {
            Error = $"{error.GetType().Name}: {error.Message}",
        };

    /// <summary>A model that could not be built or trained, with the reason.</summary>
    public static ExperimentResult NotAvailable(Experiment experiment, string reason) =>
        new(experiment.Name, experiment.Title, reason, 0, null, null, null, null, experiment.Book);
}
