using System.Diagnostics;
using SeqDsl.Engine;

namespace SeqDsl.Benchmarks;

/// <summary>Helpers for the SeqDsl side: subsets of the data, timed epochs from the same initial weights.</summary>
internal static class SeqDslRunner
{
    /// <summary>Keras's Fit without shuffling, so both sides see the same batches in the same order.</summary>
    public static readonly FitOptions InOrder = new() { Shuffle = false };

    public static float[,,] Take(float[,,] x, int n)
    {
        var r = new float[n, x.GetLength(1), x.GetLength(2)];
        Array.Copy(x, r, (long)n * x.GetLength(1) * x.GetLength(2));
        return r;
    }

    public static float[,] Take(float[,] x, int n)
    {
        var r = new float[n, x.GetLength(1)];
        Array.Copy(x, r, (long)n * x.GetLength(1));
        return r;
    }

    public static float[] Flat(float[,,] x)
    {
        var r = new float[x.Length];
        Buffer.BlockCopy(x, 0, r, 0, x.Length * sizeof(float));
        return r;
    }

    public static float[] Flat(float[,] x)
    {
        var r = new float[x.Length];
        Buffer.BlockCopy(x, 0, r, 0, x.Length * sizeof(float));
        return r;
    }

    /// <summary>Best seconds of <paramref name="repetitions"/> epochs, each from <paramref name="initial"/>; the loss of the last (all equal when the device is deterministic).</summary>
    public static (double Seconds, double Loss) TimeEpochs(ModelBase model, float[] initial, Func<History> fit, int repetitions)
    {
        double best = double.PositiveInfinity;
        double loss = double.NaN;
        for (int r = 0; r < repetitions; r++)
        {
            model.SetWeights(initial);
            var watch = Stopwatch.StartNew();
            var history = fit();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
            loss = history.Loss[0];
        }

        model.SetWeights(initial);
        return (best, loss);
    }

    /// <summary>Seconds of the first call (kernel compilation included); the weights are restored afterwards.</summary>
    public static double FirstCall(ModelBase model, float[] initial, Action call)
    {
        var watch = Stopwatch.StartNew();
        call();
        double seconds = watch.Elapsed.TotalSeconds;
        model.SetWeights(initial);
        return seconds;
    }

    /// <summary>Best seconds of <paramref name="repetitions"/> calls.</summary>
    public static double Best(int repetitions, Action call)
    {
        double best = double.PositiveInfinity;
        for (int r = 0; r < repetitions; r++)
        {
            var watch = Stopwatch.StartNew();
            call();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }

        return best;
    }

    /// <summary>FLOPs of one epoch over <paramref name="samples"/> in batches of <paramref name="batch"/>, from the generated kernel report.</summary>
    public static double EpochFlops(KernelReport report, int samples, int batch, int steps)
    {
        double total = 0;
        for (int start = 0; start < samples; start += batch)
        {
            total += report.TrainingFlops(Math.Min(batch, samples - start), steps);
        }

        return total;
    }
}
