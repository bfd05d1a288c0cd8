using SeqDsl.Benchmarks;
using SeqDsl.Data;
using static SeqDsl.Benchmarks.SeqDslRunner;

namespace SeqDsl.DeviceCheck;

/// <summary>
/// Training on the checked device: the seed's seq-to-seq LSTM trained twice from one seed gives bit-identical weights
/// (deterministic reductions, no float atomics), the loss falls, and the losses follow host code's on the CPU.
/// </summary>
internal static class TrainingCheck
{
    private const int Seed = 42;
    private const int Batch = 32;

    /// <summary>Loss curves of the device and host code agree to this relative difference (float rounding over a few hundred Adam steps).</summary>
    private const double LossTolerance = 1e-3;

    private const int Samples = 2048;
    private const int QuickSamples = 256;
    private const int Epochs = 3;
    private const int Steps = 50;
    private const int Ahead = 10;

    /// <summary>Runs the checks and returns the number of failures (an exception counts as one, after it is reported).</summary>
    public static int Run(SeqDevice device, SeqDevice hostCode, CheckOptions options)
    {
        try
        {
            return RunChecks(device, hostCode, options);
        }
        catch (Exception e)
        {
            Console.WriteLine($"training check FAILED {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            return 1;
        }
    }

    private static int RunChecks(SeqDevice device, SeqDevice hostCode, CheckOptions options)
    {
        int samples = options.Quick ? QuickSamples : Samples;
        var data = ForecastData.Chapter15(Seed, Steps, ahead: Ahead);
        var x = Take(data.XTrain, samples);
        var y = Take(data.YTrainSequence, samples);
        Console.WriteLine();
        Console.WriteLine($"## Training: SeqToSeqLstm, {samples} series × {Steps} steps, {Epochs} epochs, batch {Batch}");
        int failures = 0;
        var reference = Train(hostCode, x, y, Epochs);
        Console.WriteLine($"host code           losses {string.Join(", ", reference.Losses.Select(l => l.ToString("F6")))}");
        foreach (var schedule in ModelComparisons.KernelSchedules(device))
        {
            var scheduled = device.WithSchedule(schedule);
            var first = Train(scheduled, x, y, Epochs);
            var second = Train(scheduled, x, y, Epochs);
            bool identical = first.Weights.AsSpan().SequenceEqual(second.Weights);
            bool falls = first.Losses[^1] < first.Losses[0];
            double worst = first.Losses.Zip(reference.Losses, (a, b) => Math.Abs(a - b) / Math.Abs(b)).Max();
            bool follows = worst <= LossTolerance;
            Console.WriteLine($"{schedule,-19} losses {string.Join(", ", first.Losses.Select(l => l.ToString("F6")))}; {first.Seconds:F2} s");
            Console.WriteLine($"  same seed twice: {(identical ? "bit-identical weights" : "DIFFERENT weights")}; loss falls: {(falls ? "yes" : "NO")}; worst relative difference to host code's losses {worst:E2} ({(follows ? "ok" : "FAIL")} at {LossTolerance:E0})");
            failures += (identical ? 0 : 1) + (falls ? 0 : 1) + (follows ? 0 : 1);
        }

        return failures;
    }

    private static (double[] Losses, float[] Weights, double Seconds) Train(SeqDevice device, float[,,] x, float[,,] y, int epochs)
    {
        using var model = new SeqToSeqLstm(device, Seed);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var history = model.Fit(x, y, epochs, Batch, options: new FitOptions { Shuffle = true });
        return (history.Loss.ToArray(), model.GetWeights(), watch.Elapsed.TotalSeconds);
    }
}
