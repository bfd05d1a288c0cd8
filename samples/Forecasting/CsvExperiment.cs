using SeqDsl.Data;

namespace SeqDsl.Samples.Forecasting;

/// <summary>The deep RNN on the user's own series: windows of 50 values predict the next one.</summary>
public static class CsvExperiment
{
    private const int LookBack = 50;

    /// <summary>Loads <paramref name="column"/>, scales it on the first 70%, trains on the first 70% of windows, scores the rest.</summary>
    public static IReadOnlyList<ExperimentResult> Run(TextWriter output, SeqDevice device, string path, string column, int epochs, int seed)
    {
        float[] raw = Csv.LoadColumn(path, column);
        int trainValues = (int)(raw.Length * 0.7);
        if (trainValues <= LookBack || raw.Length - trainValues < 1)
        {
            throw new ArgumentException(
                $"Column '{column}' of {path} has {raw.Length} values; need more than {(LookBack + 1) * 10 / 7} so 70% exceeds the look-back of {LookBack}.",
                nameof(path));
        }

        // Fit the scaler on the training part only, so validation values do not leak into it.
        var scaler = new MinMaxScaler();
        scaler.Fit(raw[..trainValues]);
        float[] scaled = scaler.Transform(raw);
        var (x, y) = Windowing.Create(scaled, LookBack, horizon: 1);

        // Window i predicts value i + LookBack: windows whose target lies in the first 70% train the model.
        int trainWindows = trainValues - LookBack;
        var (xTrain, yTrain) = (Rows(x, 0, trainWindows), Rows(y, 0, trainWindows));
        var (xValid, yValid) = (Rows(x, trainWindows, x.GetLength(0) - trainWindows), Rows(y, trainWindows, y.GetLength(0) - trainWindows));

        Experiments.PrintDevice(output, device);
        output.WriteLine($"{path} [{column}]: {raw.Length} values, {xTrain.GetLength(0)} training / {xValid.GetLength(0)} validation windows of {LookBack}; MSE in min-max scaled units.");
        float[,] naiveForecast = Baselines.NaiveLastValue(xValid);
        double naive = Metrics.Mse(yValid, naiveForecast);
        var naiveResult = new ExperimentResult("naive", "Naive: last value", null, 0, null, naive, null, naive, null)
        {
            Trace = ExperimentTrace.FirstSeries(null, xValid, yValid, naiveForecast),
        };

        using var model = new DeepRnn(device, seed);
        var history = model.Fit(xTrain, yTrain, epochs, ExperimentRunner.Batch, (xValid, yValid), new LineReporter(output).Options("deep-rnn"));
        float[,] predicted = model.Predict(xValid);
        double mse = Metrics.Mse(yValid, predicted);
        var results = new[]
        {
            naiveResult,
            new ExperimentResult("deep-rnn", "Deep RNN: SimpleRNN(20)×2 → Dense(1)", null, DeepRnn.ParameterCount, Timing.SecondsPerEpoch(history), mse, null, naive, null)
            {
                Epochs = history.Epochs,
                Trace = ExperimentTrace.FirstSeries(history, xValid, yValid, predicted),
            },
        };
        ReportTable.Write(output, results);
        return results;
    }

    private static float[,,] Rows(float[,,] source, int start, int count)
    {
        var rows = new float[count, source.GetLength(1), source.GetLength(2)];
        int block = source.GetLength(1) * source.GetLength(2);
        Buffer.BlockCopy(source, start * block * sizeof(float), rows, 0, count * block * sizeof(float));
        return rows;
    }

    private static float[,] Rows(float[,] source, int start, int count)
    {
        var rows = new float[count, source.GetLength(1)];
        int block = source.GetLength(1);
        Buffer.BlockCopy(source, start * block * sizeof(float), rows, 0, count * block * sizeof(float));
        return rows;
    }
}
