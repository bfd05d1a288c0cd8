using SeqDsl.Data;
using SeqDsl.Engine;

namespace SeqDsl.Samples.Forecasting;

/// <summary>Trains models on one device and data set, reporting progress as it goes.</summary>
public sealed class ExperimentRunner : IDisposable
{
    private const int BatchSize = 32;
    private DeepRnn? deepRnn;
    private ExperimentResult? deepRnnResult;

    /// <summary>Creates a runner.</summary>
    public ExperimentRunner(SeqDevice device, ExperimentData data, EpochPlan epochs, int seed, TrainingReporter reporter)
    {
        Device = device;
        Data = data;
        Epochs = epochs;
        Seed = seed;
        Reporter = reporter;
    }

    /// <summary>Where every model runs.</summary>
    public SeqDevice Device { get; }

    /// <summary>The data sets.</summary>
    public ExperimentData Data { get; }

    /// <summary>Epochs of each trained model.</summary>
    public EpochPlan Epochs { get; }

    /// <summary>Seed of the weight initialization and shuffling.</summary>
    public int Seed { get; }

    /// <summary>Where progress goes.</summary>
    public TrainingReporter Reporter { get; }

    /// <summary>Keras's default batch size, used for every model as the book does.</summary>
    public static int Batch => BatchSize;

    /// <summary>
    /// Trains a model predicting values after the series ([n, outputs] targets) and scores it on validation.
    /// A model whose layers have no kernels yet comes back as "not available".
    /// </summary>
    public ExperimentResult TrainVector<TModel>(
        Experiment experiment, ForecastSplit split,
        Func<SeqDevice, int, TModel> create,
        Func<TModel, float[,,], float[,], int, (float[,,], float[,]), FitOptions, History> fit,
        Func<TModel, float[,,], float[,]> predict)
        where TModel : ModelBase
    {
        var model = TryCreate(experiment, create, out var unavailable);
        if (model is null)
            return unavailable!;
        using (model)
        {
            var history = fit(model, split.XTrain, split.YTrain, Epochs.For(experiment), (split.XValid, split.YValid), Reporter.Options(experiment.Name));
            float[,] predicted = predict(model, split.XValid);
            double mse = Metrics.Mse(split.YValid, predicted);
            double naive = Metrics.Mse(split.YValid, Baselines.NaiveRepeat(split.XValid, split.Ahead));
            return new ExperimentResult(experiment.Name, experiment.Title, null, model.ParameterCount, Timing.SecondsPerEpoch(history), mse, null, naive, experiment.Book)
            {
                Epochs = history.Epochs,
                Trace = ExperimentTrace.FirstSeries(history, split.XValid, split.YValid, predicted),
            };
        }
    }

    /// <summary>
    /// Trains a seq-to-seq model on full-length [n, steps, 10] targets (the model aligns them to the steps it outputs) and
    /// scores its last step on validation.
    /// </summary>
    public ExperimentResult TrainSequence<TModel>(
        Experiment experiment,
        Func<SeqDevice, int, TModel> create,
        Func<TModel, float[,,], float[,,], int, (float[,,], float[,,]), FitOptions, History> fit,
        Func<TModel, float[,,], float[,,]> predict)
        where TModel : ModelBase
    {
        var model = TryCreate(experiment, create, out var unavailable);
        if (model is null)
            return unavailable!;
        using (model)
        {
            var split = Data.TenAhead;
            // Full-length targets for every model: a strided or valid convolution (conv-gru) aligns them to its output
            // steps itself (the book's Y[:, 3::2]), and AlignTargets gives the same steps for scoring.
            var history = fit(model, split.XTrain, split.YTrainSequence, Epochs.For(experiment), (split.XValid, split.YValidSequence), Reporter.Options(experiment.Name));
            float[,,] yValid = model.AlignTargets(split.YValidSequence);
            float[,,] predicted = predict(model, split.XValid);
            double mse = Metrics.Mse(yValid, predicted);
            double lastStep = Metrics.LastStepMse(yValid, predicted);

            // The last step's targets are the ten values after the input, so the naive forecast repeats the last input.
            double naive = Metrics.Mse(split.YValid, Baselines.NaiveRepeat(split.XValid, split.Ahead));
            return new ExperimentResult(experiment.Name, experiment.Title, null, model.ParameterCount, Timing.SecondsPerEpoch(history), mse, lastStep, naive, experiment.Book)
            {
                Epochs = history.Epochs,
                Trace = ExperimentTrace.FirstSeries(history, split.XValid, split.YValid, ExperimentTrace.LastStep(predicted)),
            };
        }
    }

    /// <summary>The deep RNN trained on one-ahead targets, trained once and shared by the deep-rnn and iterative experiments.</summary>
    public (DeepRnn Model, ExperimentResult Result) TrainedDeepRnn(Experiment experiment)
    {
        if (deepRnn is null || deepRnnResult is null)
        {
            var split = Data.OneAhead;
            var model = new DeepRnn(Device, Seed);
            try
            {
                var history = model.Fit(split.XTrain, split.YTrain, Epochs.For(experiment), BatchSize, (split.XValid, split.YValid), Reporter.Options(experiment.Name));
                float[,] predicted = model.Predict(split.XValid);
                double mse = Metrics.Mse(split.YValid, predicted);
                double naive = Metrics.Mse(split.YValid, Baselines.NaiveLastValue(split.XValid));
                deepRnnResult = new ExperimentResult(experiment.Name, experiment.Title, null, DeepRnn.ParameterCount, Timing.SecondsPerEpoch(history), mse, null, naive, experiment.Book)
                {
                    Epochs = history.Epochs,
                    Trace = ExperimentTrace.FirstSeries(history, split.XValid, split.YValid, predicted),
                };
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

    /// <inheritdoc/>
    public void Dispose() => deepRnn?.Dispose();

    private TModel? TryCreate<TModel>(Experiment experiment, Func<SeqDevice, int, TModel> create, out ExperimentResult? unavailable)
        where TModel : class
    {
        unavailable = null;
        try
        {
            return create(Device, Seed);
        }
        catch (NotSupportedException e)
        {
            unavailable = ExperimentResult.NotAvailable(experiment, e.Message);
            Reporter.Unavailable(experiment.Name, e.Message);
            return null;
        }
    }
}
