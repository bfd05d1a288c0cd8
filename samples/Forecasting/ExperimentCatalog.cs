using SeqDsl.Data;

namespace SeqDsl.Samples.Forecasting;

/// <summary>One row of the report: a chapter 15 model, how the book describes it, its figure, and how to run it.</summary>
/// <param name="Name">Short name for <c>--model</c>.</param>
/// <param name="Title">The model as the book describes it.</param>
/// <param name="Book">The book's validation figure (seed 004), when it gives one.</param>
/// <param name="Run">Trains and scores the model.</param>
public sealed record Experiment(string Name, string Title, double? Book, Func<ExperimentRunner, Experiment, ExperimentResult> Run)
{
    /// <summary>Epochs in quick mode when the default (<see cref="EpochPlan.DefaultQuickEpochs"/>) is not enough; null for the default.</summary>
    public int? QuickEpochs { get; init; }
}

/// <summary>
/// The chapter 15 models in the book's order (every seq-to-seq model ends in TimeDistributed(Dense(10)), WaveNet in Conv1D(10, 1)), with the book's validation figures. A model whose layers
/// have no kernels on this build would throw <see cref="NotSupportedException"/> from its constructor; the table then
/// shows "not available yet" instead of failing the run.
/// </summary>
public static class ExperimentCatalog
{
    /// <summary>
    /// The linear model's epochs in quick mode: at Adam's default rate it needs many small-data epochs (it costs
    /// milliseconds each); after 30 it was still at half the naive error with seed 42.
    /// </summary>
    public const int LinearQuickEpochs = 100;

    /// <summary>
    /// SimpleRNN(1)'s epochs in quick mode. Its three weights start far from the solution for some seeds: after 30 epochs
    /// seed 2 was 8 times worse than naive, after 100 still within 20% of it; 150 beat naive for seeds 2, 5, 11, 13 and 42.
    /// </summary>
    public const int SimpleRnnQuickEpochs = 150;

    private const string DeepRnnTitle = "Deep RNN: SimpleRNN(20)×2 → Dense(1)";

    /// <summary>Every experiment, in the book's order.</summary>
    public static IReadOnlyList<Experiment> All { get; } =
    [
        new("naive", "Naive: last value", 0.0202, (r, e) => Naive(r, e)),
        new("linear", "Linear: Flatten → Dense(1)", 0.00417, (r, e) => r.TrainVector(e, r.Data.OneAhead,
            (d, s) => new LinearModel(d, s), (m, x, y, n, v, o) => m.Fit(x, y, n, ExperimentRunner.Batch, v, o), (m, x) => m.Predict(x)))
        {
            QuickEpochs = LinearQuickEpochs,
        },
        new("simple-rnn", "SimpleRNN(1), lr 0.005", 0.0109, (r, e) => r.TrainVector(e, r.Data.OneAhead,
            (d, s) => new SingleUnitRnn(d, s), (m, x, y, n, v, o) => m.Fit(x, y, n, ExperimentRunner.Batch, v, o), (m, x) => m.Predict(x)))
        {
            QuickEpochs = SimpleRnnQuickEpochs,
        },
        new("deep-rnn", DeepRnnTitle, 0.00262, (r, e) => r.TrainedDeepRnn(e).Result),
        new("iterative", "Deep RNN, iterative 10 ahead", 0.0275, (r, e) => Iterative(r, e)),
        new("dense10", "Deep RNN → Dense(10), 10 ahead", null, (r, e) => r.TrainVector(e, r.Data.TenAhead,
            (d, s) => new DeepRnnDense10(d, s), (m, x, y, n, v, o) => m.Fit(x, y, n, ExperimentRunner.Batch, v, o), (m, x) => m.Predict(x))),
        new("seq-rnn", "Seq-to-seq SimpleRNN(20)×2, lr 0.01", null, (r, e) => r.TrainSequence(e,
            (d, s) => new SeqToSeqRnn(d, s), (m, x, y, n, v, o) => m.Fit(x, y, n, ExperimentRunner.Batch, v, o), (m, x) => m.Predict(x))),
        new("seq-lstm", "Seq-to-seq LSTM(20)×2", 0.00856, (r, e) => r.TrainSequence(e,
            (d, s) => new SeqToSeqLstm(d, s), (m, x, y, n, v, o) => m.Fit(x, y, n, ExperimentRunner.Batch, v, o), (m, x) => m.Predict(x))),
        new("seq-gru", "Seq-to-seq GRU(20)×2", 0.0103, (r, e) => r.TrainSequence(e,
            (d, s) => new SeqToSeqGru(d, s), (m, x, y, n, v, o) => m.Fit(x, y, n, ExperimentRunner.Batch, v, o), (m, x) => m.Predict(x))),
        new("layernorm-rnn", "Seq-to-seq LayerNorm SimpleRNN(20)×2", null, (r, e) => r.TrainSequence(e,
            (d, s) => new LayerNormRnn(d, s), (m, x, y, n, v, o) => m.Fit(x, y, n, ExperimentRunner.Batch, v, o), (m, x) => m.Predict(x))),
        new("conv-gru", "Conv1D(20, 4, strides 2) → GRU(20)×2", null, (r, e) => r.TrainSequence(e,
            (d, s) => new ConvGru(d, s), (m, x, y, n, v, o) => m.Fit(x, y, n, ExperimentRunner.Batch, v, o), (m, x) => m.Predict(x))),
        new("wavenet", "WaveNet: causal Conv1D, dilations 1–8 ×2", null, (r, e) => r.TrainSequence(e,
            (d, s) => new WaveNetModel(d, s), (m, x, y, n, v, o) => m.Fit(x, y, n, ExperimentRunner.Batch, v, o), (m, x) => m.Predict(x))),
    ];

    /// <summary>The experiment with this short name, or null.</summary>
    public static Experiment? Find(string name) =>
        All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    private static ExperimentResult Naive(ExperimentRunner runner, Experiment experiment)
    {
        var split = runner.Data.OneAhead;
        float[,] forecast = Baselines.NaiveLastValue(split.XValid);
        double mse = Metrics.Mse(split.YValid, forecast);
        return new ExperimentResult(experiment.Name, experiment.Title, null, 0, null, mse, null, mse, experiment.Book)
        {
            Trace = ExperimentTrace.FirstSeries(null, split.XValid, split.YValid, forecast),
        };
    }

    /// <summary>The one-ahead deep RNN fed its own forecasts ten times; scored against the ten-ahead targets.</summary>
    private static ExperimentResult Iterative(ExperimentRunner runner, Experiment experiment)
    {
        var (model, trained) = runner.TrainedDeepRnn(Find("deep-rnn")!);
        var split = runner.Data.TenAhead;
        float[,] forecast = SeqDsl.Data.Forecasting.Iterative(x => model.Predict(x), split.XValid, split.Ahead);
        double mse = Metrics.Mse(split.YValid, forecast);
        double naive = Metrics.Mse(split.YValid, Baselines.NaiveRepeat(split.XValid, split.Ahead));

        // The learning curves are the deep RNN's (one-ahead training); the forecast is the ten fed-back steps.
        return new ExperimentResult(experiment.Name, experiment.Title, null, trained.Parameters, trained.SecondsPerEpoch, mse, null, naive, experiment.Book)
        {
            Epochs = trained.Epochs,
            Trace = ExperimentTrace.FirstSeries(null, split.XValid, split.YValid, forecast) with
            {
                Loss = trained.Trace?.Loss ?? [],
                ValidationLoss = trained.Trace?.ValidationLoss ?? [],
            },
        };
    }
}
