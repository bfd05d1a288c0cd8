using System;

namespace SeqDsl.Data;

/// <summary>
/// The synthetic time series of Hands-On Machine Learning, chapter 15 (<c>generate_time_series</c>):
/// two sine waves of random frequency and phase plus uniform noise.
/// </summary>
public static class TimeSeries
{
    /// <summary>
    /// Generates <paramref name="batchSize"/> series of <paramref name="steps"/> values exactly like the book's
    /// <c>generate_time_series(batch_size, n_steps)</c> under NumPy's legacy generator:
    /// <code>
    /// freq1, freq2, offset1, offset2 = np.random.rand(4, batch_size, 1)
    /// time = np.linspace(0, 1, n_steps)
    /// series  = 0.5 * np.sin((time - offset1) * (freq1 * 10 + 10))
    /// series += 0.2 * np.sin((time - offset2) * (freq2 * 20 + 20))
    /// series += 0.1 * (np.random.rand(batch_size, n_steps) - 0.5)
    /// return series[..., np.newaxis].astype(np.float32)
    /// </code>
    /// Everything is computed in double and rounded to float once at the end, as NumPy does.
    /// </summary>
    /// <param name="batchSize">Number of series (1 or more).</param>
    /// <param name="steps">Values per series (1 or more).</param>
    /// <param name="rng">The generator; it advances by <c>4 * batchSize + batchSize * steps</c> doubles.</param>
    /// <returns>The series, [batchSize, steps, 1].</returns>
    /// <remarks>
    /// The second wave's angular frequency is <c>freq2 * 20 + 20</c> as in the book's notebook (one set of notes
    /// transcribes it as <c>* 10 + 20</c>; only the notebook's version reproduces its published figures, such as the
    /// naive-forecast validation MSE 0.020211367).
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> or <paramref name="steps"/> is below 1.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="rng"/> is null.</exception>
    public static float[,,] Generate(int batchSize, int steps, NumPyRandom rng)
    {
        DataChecks.Positive(batchSize, nameof(batchSize));
        DataChecks.Positive(steps, nameof(steps));
        DataChecks.NotNull(rng, nameof(rng));

        // np.random.rand(4, batch_size, 1) fills row-major: every freq1, then every freq2, offset1, offset2.
        double[] freq1 = rng.Rand(batchSize);
        double[] freq2 = rng.Rand(batchSize);
        double[] offset1 = rng.Rand(batchSize);
        double[] offset2 = rng.Rand(batchSize);
        double[] time = Linspace(0.0, 1.0, steps);

        var series = new float[batchSize, steps, 1];
        for (int b = 0; b < batchSize; b++)
        {
            double omega1 = freq1[b] * 10.0 + 10.0;
            double omega2 = freq2[b] * 20.0 + 20.0;
            for (int t = 0; t < steps; t++)
            {
                // The noise is drawn row-major after all wave parameters, the same order as rand(batch_size, n_steps).
                double noise = rng.NextDouble();
                double value = 0.5 * Math.Sin((time[t] - offset1[b]) * omega1);
                value += 0.2 * Math.Sin((time[t] - offset2[b]) * omega2);
                value += 0.1 * (noise - 0.5);
                series[b, t, 0] = (float)value;
            }
        }

        return series;
    }

    /// <summary>
    /// <c>np.linspace(start, stop, count)</c> with NumPy's rounding: <c>i * step + start</c> with
    /// <c>step = (stop - start) / (count - 1)</c>, and the last point set to <paramref name="stop"/> exactly.
    /// </summary>
    internal static double[] Linspace(double start, double stop, int count)
    {
        var values = new double[count];
        if (count == 1)
        {
            values[0] = start;
            return values;
        }

        double step = (stop - start) / (count - 1);
        for (int i = 0; i < count; i++)
        {
            values[i] = i * step + start;
        }

        values[count - 1] = stop;
        return values;
    }
}
