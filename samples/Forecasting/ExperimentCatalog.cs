using SeqDsl.Data;

namespace SeqDsl.Samples.Forecasting;

/// <summary>One row of the report: a chapter 15 model and how to run it.</summary>
/// <param name="Name">Short name for <c>--model</c>.</param>
/// <param name="Run">Trains and scores the model.</param>
public sealed record Experiment(string Name, Func<ExperimentRunner, ExperimentResult> Run);

/// <summary>The chapter 15 models in the book's order, with the book's validation figures.</summary>
public static class ExperimentCatalog
{
    /// <summary>Every experiment; models whose layers have no kernels report "not available yet".</summary>
    public static IReadOnlyList<Experiment> All { get; } =
    [
        new("naive", Naive),
        new("linear", r => r.TrainVector("linear", "Linear: Flatten → Dense(1)", 0.00417, r.Data.OneAhead,
            (d, s) => new LinearModel(d, s), (m, x, y, e, v, o) => m.Fit(x, y, e, ExperimentRunner.Batch, v, o), (m, x) => m.Predict(x))),
        new("simple-rnn", r => r.TrainVector("simple-rnn", "SimpleRNN(1), lr 0.005", 0.0109, r.Data.OneAhead,
            (d, s) => new SingleUnitRnn(d, s), (m, x, y, e, v, o) => m.Fit(x, y, e, ExperimentRunner.Batch, v, o), (m, x) => m.Predict(x))),
        new("deep-rnn", r => r.TrainedDeepRnn(DeepRnnTitle, 0.00262).Result),
        new("iterative", Iterative),
        new("dense10", r => r.TrainVector("dense10", "Deep RNN → Dense(10), 10 ahead", null, r.Data.TenAhead,
            (d, s) => new DeepRnnDense10(d, s), (m, x, y, e, v, o) => m.Fit(x, y, e, ExperimentRunner.Batch, v, o), (m, x) => m.Predict(x))),
        new("seq-rnn", r => r.TrainSequence("seq-rnn", "Seq-to-seq SimpleRNN(20)×2 → TD(Dense 10)", null,
            (d, s) => new SeqToSeqRnn(d, s), (m, x, y, e, v, o) => m.Fit(x, y, e, ExperimentRunner.Batch, v, o), (m, x) => m.Predict(x))),
        new("seq-lstm", r => r.TrainSequence("seq-lstm", "Seq-to-seq LSTM(20)×2 → TD(Dense 10)", 0.00856,
            (d, s) => new SeqToSeqLstm(d, s), (m, x, y, e, v, o) => m.Fit(x, y, e, ExperimentRunner.Batch, v, o), (m, x) => m.Predict(x))),
        new("seq-gru", r => r.TrainSequence("seq-gru", "Seq-to-seq GRU(20)×2 → TD(Dense 10)", 0.0103,
            (d, s) => new SeqToSeqGru(d, s), (m, x, y, e, v, o) => m.Fit(x, y, e, ExperimentRunner.Batch, v, o), (m, x) => m.Predict(x))),
        new("layernorm-rnn", r => r.TrainSequence("layernorm-rnn", "Seq-to-seq LayerNorm SimpleRNN(20)×2", null,
            (d, s) => new LayerNormRnn(d, s), (m, x, y, e, v, o) => m.Fit(x, y, e, ExperimentRunner.Batch, v, o), (m, x) => m.Predict(x))),
        new("conv-gru", r => r.TrainSequence("conv-gru", "Conv1D(20, 4, strides 2) → GRU(20)×2", null,
            (d, s) => new ConvGru(d, s), (m, x, y, e, v, o) => m.Fit(x, y, e, ExperimentRunner.Batch, v, o), (m, x) => m.Predict(x))),
        new("wavenet", r => r.TrainSequence("wavenet", "WaveNet: causal Conv1D, dilations 1–8 ×2", null,
            (d, s) => new WaveNetModel(d, s), (m, x, y, e, v, o) => m.Fit(x, y, e, ExperimentRunner.Batch, v, o), (m, x) => m.Predict(x))),
    ];

    private const string DeepRnnTitle = "Deep RNN: SimpleRNN(20)×2 → Dense(1)";

    /// <summary>The experiment with this short name, or null.</summary>
    public static Experiment? Find(string name) =>
        All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    private static ExperimentResult Naive(ExperimentRunner runner)
    {
        var split = runner.Data.OneAhead;
        double mse = Metrics.Mse(split.YValid, Baselines.NaiveLastValue(split.XValid));
        return new ExperimentResult("naive", "Naive: last value", null, 0, null, mse, null, mse, 0.0202);
    }

    /// <summary>The one-ahead deep RNN fed its own forecasts ten times; scored against the ten-ahead targets.</summary>
    private static ExperimentResult Iterative(ExperimentRunner runner)
    {
        var (model, trained) = runner.TrainedDeepRnn(DeepRnnTitle, 0.00262);
        var split = runner.Data.TenAhead;
        float[,] forecast = SeqDsl.Data.Forecasting.Iterative(x => model.Predict(x), split.XValid, split.Ahead);
        double mse = Metrics.Mse(split.YValid, forecast);
        double naive = Metrics.Mse(split.YValid, Baselines.NaiveRepeat(split.XValid, split.Ahead));
        return new ExperimentResult("iterative", "Deep RNN, iterative 10 ahead", null, trained.Parameters, trained.SecondsPerEpoch, mse, null, naive, 0.0275);
    }
}
