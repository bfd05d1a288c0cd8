using SeqDsl.Data;

namespace SeqDsl.Samples.Autoencoder;

/// <summary>What one run measured.</summary>
/// <param name="ValidationMse">The autoencoder's reconstruction MSE on the clean validation series.</param>
/// <param name="BaselineMse">The per-series-mean reconstruction's MSE on the same series.</param>
/// <param name="Threshold">The flag threshold: the <see cref="AutoencoderRun.ThresholdPercentile"/>th percentile of training errors.</param>
/// <param name="Flag">The flag's score on the validation set with injected anomalies.</param>
/// <param name="RecallByKind">Recall of each injected kind.</param>
public sealed record RunResult(double ValidationMse, double BaselineMse, double Threshold, FlagScore Flag, IReadOnlyDictionary<AnomalyKind, double> RecallByKind)
{
    /// <summary>The autoencoder reconstructs better than every series' own mean.</summary>
    public bool BeatsBaseline => ValidationMse < BaselineMse;

    /// <summary>The flag is more precise than flagging at random, and finds at least one anomaly.</summary>
    public bool BeatsChance => Flag.TruePositives > 0 && Flag.Precision > Flag.ChancePrecision;
}

/// <summary>Trains an autoencoder on normal series, then flags anomalous validation series by reconstruction error.</summary>
public static class AutoencoderRun
{
    /// <summary>Quick mode: training series.</summary>
    public const int QuickTrain = 1_000;

    /// <summary>Quick mode: validation series.</summary>
    public const int QuickValid = 300;

    /// <summary>Share of the validation series made anomalous.</summary>
    public const double AnomalyFraction = 0.1;

    /// <summary>Training-error percentile above which a series is flagged.</summary>
    public const double ThresholdPercentile = 99;

    /// <summary>Batch size (Keras' default).</summary>
    public const int BatchSize = 32;

    /// <summary>Training and validation series for the mode: the seed's chapter 15 data, or a small, shorter quick set.</summary>
    public static (float[,,] Train, float[,,] Valid) Data(bool quick, int seed)
    {
        var split = quick
            ? ForecastData.Split(TimeSeries.Generate(QuickTrain + QuickValid, AutoencoderShapes.QuickSteps + 1, new NumPyRandom(seed)), AutoencoderShapes.QuickSteps, 1, QuickTrain, QuickValid)
            : ForecastData.Chapter15(seed, AutoencoderShapes.FullSteps, 1);
        return (split.XTrain, split.XValid);
    }

    /// <summary>Runs the mode's model end to end, writing progress to <paramref name="output"/>.</summary>
    public static RunResult Run(TextWriter output, SeqDevice device, Options options)
    {
        var (train, valid) = Data(options.Quick, options.Seed);
        output.WriteLine($"Data: {train.GetLength(0):N0} training / {valid.GetLength(0):N0} validation series of {train.GetLength(1)} steps (seed {options.Seed}).");
        if (options.Quick)
        {
            using var model = new QuickAutoencoder(device, options.Seed);
            Train(output, QuickAutoencoder.Summary, () => model.Fit(train, train, options.EpochsOrDefault, BatchSize, (valid, valid), Progress(output)));
            return Measure(output, train, valid, x => model.Predict(x), options.Seed);
        }
        else
        {
            using var model = new SeriesAutoencoder(device, options.Seed);
            Train(output, SeriesAutoencoder.Summary, () => model.Fit(train, train, options.EpochsOrDefault, BatchSize, (valid, valid), Progress(output)));
            return Measure(output, train, valid, x => model.Predict(x), options.Seed);
        }
    }

    /// <summary>Scores a trained reconstruction: clean validation MSE vs the mean baseline, then the anomaly flag.</summary>
    public static RunResult Measure(TextWriter output, float[,,] train, float[,,] valid, Func<float[,,], float[,,]> reconstruct, int seed)
    {
        double mse = Metrics.Mse(valid, reconstruct(valid));
        double baseline = Metrics.Mse(valid, Detection.MeanReconstruction(valid));

        double threshold = Detection.Percentile(Detection.SeriesErrors(train, reconstruct(train)), ThresholdPercentile);
        var (injected, kinds) = Anomalies.Inject(valid, AnomalyFraction, seed);
        double[] errors = Detection.SeriesErrors(injected, reconstruct(injected));
        bool[] anomalous = [.. kinds.Select(k => k != AnomalyKind.None)];
        var flag = Detection.Score(errors, anomalous, threshold);
        var byKind = new Dictionary<AnomalyKind, double>();
        foreach (var kind in new[] { AnomalyKind.Spikes, AnomalyKind.Flat, AnomalyKind.Noise })
        {
            int[] ofKind = [.. Enumerable.Range(0, kinds.Length).Where(i => kinds[i] == kind)];
            byKind[kind] = ofKind.Length == 0 ? 0 : (double)ofKind.Count(i => errors[i] > threshold) / ofKind.Length;
        }

        var result = new RunResult(mse, baseline, threshold, flag, byKind);
        Report(output, result);
        return result;
    }

    private static void Train(TextWriter output, string summary, Func<History> fit)
    {
        output.WriteLine(summary);
        var history = fit();
        output.WriteLine($"Trained {history.Epochs} epochs, {history.EpochSeconds.Average():F1} s per epoch.");
    }

    private static FitOptions Progress(TextWriter output) => new()
    {
        OnEpochEnd = p => output.WriteLine($"epoch {p.Epoch}/{p.Epochs}: loss {p.Loss:F5}" + (p.ValidationLoss is double v ? $", validation {v:F5}" : "")),
    };

    private static void Report(TextWriter output, RunResult r)
    {
        output.WriteLine();
        output.WriteLine($"Reconstruction MSE (validation): autoencoder {r.ValidationMse:F5}, per-series mean {r.BaselineMse:F5} → {(r.BeatsBaseline ? "Beats baseline" : "DOES NOT beat baseline")}");
        output.WriteLine($"Threshold ({ThresholdPercentile}th percentile of training errors): {r.Threshold:F5}");
        var f = r.Flag;
        output.WriteLine($"Injected anomalies: {f.TruePositives + f.FalseNegatives} of {f.TruePositives + f.FalseNegatives + f.Negatives} validation series ({AnomalyFraction:P0}), spikes / flat / noise in turn");
        output.WriteLine($"Flag: precision {f.Precision:F3} (chance {f.ChancePrecision:F3}), recall {f.Recall:F3}  [TP {f.TruePositives}, FP {f.FalsePositives}, FN {f.FalseNegatives}] → {(r.BeatsChance ? "Beats chance" : "DOES NOT beat chance")}");
        output.WriteLine("Recall by kind: " + string.Join(", ", r.RecallByKind.Select(kv => $"{kv.Key.ToString().ToLowerInvariant()} {kv.Value:F2}")));
    }
}
