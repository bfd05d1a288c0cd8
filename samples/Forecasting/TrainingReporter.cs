using System.Globalization;

namespace SeqDsl.Samples.Forecasting;

/// <summary>How training progress reaches the reader: a line per epoch (logs, CI) or a live progress bar (a terminal).</summary>
public abstract class TrainingReporter
{
    /// <summary>Called before an experiment runs.</summary>
    public abstract void Starting(Experiment experiment);

    /// <summary>The fit options that report <paramref name="model"/>'s progress.</summary>
    public abstract FitOptions Options(string model);

    /// <summary>Reports a model that cannot run yet.</summary>
    public abstract void Unavailable(string model, string reason);

    /// <summary>Reports a model that failed with an error.</summary>
    public abstract void Failed(string model, Exception error);

    /// <summary>Formats the validation loss, or "-" when there is none.</summary>
    protected static string Validation(double? loss) => loss is double v ? v.ToString("F5", CultureInfo.InvariantCulture) : "-";
}

/// <summary>One line per epoch: model, epoch, loss, validation loss, seconds. For redirected output and tests.</summary>
public sealed class LineReporter(TextWriter log) : TrainingReporter
{
    /// <inheritdoc/>
    public override void Starting(Experiment experiment) => log.WriteLine($"{experiment.Name}:");

    /// <inheritdoc/>
    public override FitOptions Options(string model) => new()
    {
        OnEpochEnd = p => log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {model,-14} epoch {p.Epoch,3}/{p.Epochs}  loss {p.Loss:F5}  val {Validation(p.ValidationLoss),-8}  {p.Seconds,6:F1}s")),
    };

    /// <inheritdoc/>
    public override void Unavailable(string model, string reason) => log.WriteLine($"  {model,-14} not available yet: {reason}");

    /// <inheritdoc/>
    public override void Failed(string model, Exception error) => log.WriteLine($"  {model,-14} FAILED: {error}");
}
