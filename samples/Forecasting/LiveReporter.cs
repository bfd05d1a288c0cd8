using System.Globalization;
using Spectre.Console;

namespace SeqDsl.Samples.Forecasting;

/// <summary>A Spectre.Console progress bar per model: epoch, batch, loss, validation loss, and the time left.</summary>
public sealed class LiveReporter(ProgressContext context) : TrainingReporter
{
    private ProgressTask? current;

    /// <summary>Runs <paramref name="body"/> inside a live progress display on the terminal.</summary>
    public static T Run<T>(Func<TrainingReporter, T> body) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context => body(new LiveReporter(context)));

    /// <inheritdoc/>
    public override void Starting(Experiment experiment)
    {
        current?.StopTask();
        current = context.AddTask(Markup.Escape($"{experiment.Name,-14} starting"), autoStart: true, maxValue: 1);
    }

    /// <inheritdoc/>
    public override FitOptions Options(string model)
    {
        double? validation = null;
        return new FitOptions
        {
            OnBatchEnd = p => Update(model, p, validation),
            OnEpochEnd = p =>
            {
                validation = p.ValidationLoss;
                Update(model, p, validation);
            },
        };
    }

    /// <inheritdoc/>
    public override void Unavailable(string model, string reason)
    {
        if (current is null)
            return;
        current.Description = $"{Markup.Escape($"{model,-14}")} [yellow]not available yet[/]";
        current.Value = current.MaxValue;
        current.StopTask();
    }

    /// <inheritdoc/>
    public override void Failed(string model, Exception error)
    {
        if (current is null)
            return;
        current.Description = $"{Markup.Escape($"{model,-14}")} [red]failed: {Markup.Escape(error.Message)}[/]";
        current.StopTask();
    }

    private void Update(string model, TrainingProgress p, double? validation)
    {
        if (current is null)
            return;
        current.MaxValue = (double)p.Epochs * p.Batches;
        current.Value = (double)(p.Epoch - 1) * p.Batches + p.Batch;
        current.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"{model,-13} epoch {p.Epoch}/{p.Epochs} batch {p.Batch}/{p.Batches} loss {p.Loss:F5} val {Validation(validation)}"));
    }
}
