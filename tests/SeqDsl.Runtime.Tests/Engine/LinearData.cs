namespace SeqDsl.Runtime.Tests.Engine;

/// <summary>Synthetic data for the last-step dense model, and the host reference of its forward and gradient.</summary>
public static class LinearData
{
    /// <summary>x ~ U(−1, 1) [samples, steps, features]; y = x[:, T−1, :] · w + b.</summary>
    public static (float[,,] X, float[,] Y) Make(int samples, int steps, double[,] w, double[] b, int seed, double noise = 0)
    {
        var random = new Random(seed);
        int features = w.GetLength(0);
        int outputs = w.GetLength(1);
        var x = new float[samples, steps, features];
        var y = new float[samples, outputs];
        for (int s = 0; s < samples; s++)
        {
            for (int t = 0; t < steps; t++)
            {
                for (int f = 0; f < features; f++)
                {
                    x[s, t, f] = (float)(random.NextDouble() * 2 - 1);
                }
            }

            for (int o = 0; o < outputs; o++)
            {
                double sum = b[o];
                for (int f = 0; f < features; f++)
                {
                    sum += x[s, steps - 1, f] * w[f, o];
                }

                y[s, o] = (float)(sum + noise * (random.NextDouble() * 2 - 1));
            }
        }

        return (x, y);
    }

    /// <summary>Predictions of the model with flat weights <paramref name="p"/> (W [F, O], then b [O]).</summary>
    public static double Predict(double[] p, float[,,] x, int sample, int o, int features, int outputs)
    {
        int last = x.GetLength(1) - 1;
        double sum = p[features * outputs + o];
        for (int f = 0; f < features; f++)
        {
            sum += x[sample, last, f] * p[f * outputs + o];
        }

        return sum;
    }

    /// <summary>Gradient of the batch-mean MSE over <paramref name="rows"/>, in the flat layout (the non-trainable slot gets 0).</summary>
    public static double[] Gradient(double[] p, float[,,] x, float[,] y, IReadOnlyList<int> rows, int features, int outputs)
    {
        var g = new double[p.Length];
        int last = x.GetLength(1) - 1;
        foreach (int s in rows)
        {
            for (int o = 0; o < outputs; o++)
            {
                double dp = 2 * (Predict(p, x, s, o, features, outputs) - y[s, o]) / (outputs * rows.Count);
                for (int f = 0; f < features; f++)
                {
                    g[f * outputs + o] += x[s, last, f] * dp;
                }

                g[features * outputs + o] += dp;
            }
        }

        return g;
    }

    public static double[] ToDouble(float[] values) => values.Select(v => (double)v).ToArray();

    /// <summary>Batches of an unshuffled epoch: [0, bs), [bs, 2bs), … with a partial last batch.</summary>
    public static List<int[]> Batches(int samples, int batchSize)
    {
        var result = new List<int[]>();
        for (int start = 0; start < samples; start += batchSize)
        {
            result.Add(Enumerable.Range(start, Math.Min(batchSize, samples - start)).ToArray());
        }

        return result;
    }

    public static void AssertClose(double[] expected, float[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}: element {i} expected {expected[i]:R}, got {actual[i]:R} (tolerance {tolerance}).");
        }
    }
}
