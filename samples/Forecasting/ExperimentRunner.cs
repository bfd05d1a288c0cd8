using SeqDsl.Data;
using SeqDsl.Engine;

namespace SeqDsl.Samples.Forecasting;

/// <summary>Trains models on one device and data set, printing a line per epoch.</summary>
public sealed class ExperimentRunner : IDisposable
{
    private const int BatchSize = 32;
    private DeepRnn? deepRnn;
    private ExperimentResult? deepRnnResult;

    /// <summary>Creates a runner.</summary>
    public ExperimentRunner(SeqDevice device, ExperimentData data, int epochs, int seed, TextWriter log)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        Device = device;
        Data = data;
        Epochs = epochs;
        Seed = seed;
        Log = log;
    }

    /// <summary>Where every model runs.</summary>
    public SeqDevice Device { get; }

    /// <summary>The data sets.</summary>
    public ExperimentData Data { get; }

    /// <summary>Epochs per trained model.</summary>
    public int Epochs { get; }

    /// <summary>Seed of the weight initialization and shuffling.</summary>
    public int Seed { get; }

    /// <summary>Where progress lines go.</summary>
    public TextWriter Log { get; }

    /// <summary>
    /// Trains a model predicting one value per series ([n, outputs] targets) and scores it on validation.
    /// A model whose layers have no kernels yet comes back as "not available".
    /// </summary>
    public ExperimentResult TrainVector<TModel>(
        string name, string title, double? book, ForecastSplit split,
        Func<SeqDevice, int, TModel> create,
        Func<TModel, float[,,], float[,], int, (float[,,], float[,]), FitOptions, History> fit,
        Func<TModel, float[,,], float[,]> predict)
        where TModel : ModelBase
    {
        var model = TryCreate(name, title, book, create, out var unavailable);
        if (model is null)
            return unavailable!;
        using (model)
        {
            var history = fit(model, split.XTrain, split.YTrain, Epochs, (split.XValid, split.YValid), Progress(name));
            double mse = Metrics.Mse(split.YValid, predict(model, split.XValid));
            double naive = Metrics.Mse(split.YValid, Baselines.NaiveRepeat(split.XValid, split.Ahead));
            return new ExperimentResult(name, title, null, model.ParameterCount, Timing.SecondsPerEpoch(history), mse, null, naive, book);
        }
    }

    /// <summary>Trains a seq-to-seq model ([n, steps, 10] targets) and scores its last step on validation.</summary>
    public ExperimentResult TrainSequence<TModel>(
        string name, string title, double? book,
        Func<SeqDevice, int, TModel> create,
        Func<TModel, float[,,], float[,,], int, (float[,,], float[,,]), FitOptions, History> fit,
        Func<TModel, float[,,], float[,,]> predict)
        where TModel : ModelBase
    {
        var model = TryCreate(name, title, book, create, out var unavailable);
        if (model is null)
            return unavailable!;
        using (model)
        {
            var split = Data.TenAhead;
            var history = fit(model, split.XTrain, split.YTrainSequence, Epochs, (split.XValid, split.YValidSequence), Progress(name));
            float[,,] predicted = predict(model, split.XValid);
            // A strided or valid Conv1D outputs fewer steps; AlignTargets keeps the targets of those steps (Y[:, 3::2]).
            float[,,] targets = model.AlignTargets(split.YValidSequence);
            double mse = Metrics.Mse(targets, predicted);
            double lastStep = Metrics.LastStepMse(targets, predicted);
            // The last step's targets are the ten values after the input, so the naive forecast repeats the last input.
            double naive = Metrics.Mse(split.YValid, Baselines.NaiveRepeat(split.XValid, split.Ahead));
            return new ExperimentResult(name, title, null, model.ParameterCount, Timing.SecondsPerEpoch(history), mse, lastStep, naive, book);
        }
    }

    /// <summary>The deep RNN trained on one-ahead targets, trained once and shared by the deep-rnn and iterative experiments.</summary>
    public (DeepRnn Model, ExperimentResult Result) TrainedDeepRnn(string title, double? book)
    {
        if (deepRnn is null || deepRnnResult is null)
        {
            var split = Data.OneAhead;
            var model = new DeepRnn(Device, Seed);
            try
            {
                var history = model.Fit(split.XTrain, split.YTrain, Epochs, BatchSize, (split.XValid, split.YValid), Progress("deep-rnn"));
                double mse = Metrics.Mse(split.YValid, model.Predict(split.XValid));
                double naive = Metrics.Mse(split.YValid, Baselines.NaiveLastValue(split.XValid));
                deepRnnResult = new ExperimentResult("deep-rnn", title, null, DeepRnn.ParameterCount, Timing.SecondsPerEpoch(history), mse, null, naive, book);
                deepRnn = model;
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }

        return (deepRnn, deepRnnResult);
    }

    /// <summary>Keras's default batch size, used for every model as the book does.</summary>
    public static int Batch => BatchSize;

    /// <inheritdoc/>
    public void Dispose() => deepRnn?.Dispose();

    private TModel? TryCreate<TModel>(string name, string title, double? book, Func<SeqDevice, int, TModel> create, out ExperimentResult? unavailable)
        where TModel : class
    {
        unavailable = null;
        try
        {
            return create(Device, Seed);
        }
        catch (NotSupportedException e)
        {
            unavailable = ExperimentResult.NotAvailable(name, title, e.Message, book);
            Log.WriteLine($"  {name,-14} not available yet: {e.Message}");
            return null;
        }
    }

    private FitOptions Progress(string name) => new()
    {
        OnEpochEnd = p => Log.WriteLine(
            $"  {name,-14} epoch {p.Epoch,3}/{p.Epochs}  loss {p.Loss:F5}  val {(p.ValidationLoss is double v ? v.ToString("F5") : "-"),-8}  {p.Seconds,6:F1}s"),
    };
}
