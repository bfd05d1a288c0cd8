using SeqDsl.Engine;
using SeqDsl.Kernels;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// A plain double-precision reference for the non-recurrent layers and the classification losses, written from Keras's
/// equations. It runs a whole batch at once, [samples][steps][features], because BatchNormalization couples the
/// samples. Dropout masks come from <see cref="KernelRandom"/> (the mask is the definition of "the same seed").
/// </summary>
internal sealed class LayerReference
{
    private readonly List<Func<double[], double[][][], double[][][]>> layers = new();
    private readonly ModelDescription description;

    public LayerReference(ModelDescription description, bool training)
    {
        this.description = description;
        Training = training;
    }

    /// <summary>Training mode: dropout on (seed <see cref="Seed"/>), batch statistics in BatchNormalization.</summary>
    public bool Training { get; }

    /// <summary>The dropout seed; ModelBase.ComputeGradients runs with seed 0.</summary>
    public int Seed { get; init; }

    private int Offset(string layer, string tensor) => description.Parameters.Single(p => p.Layer == layer && p.Name == tensor).Offset;

    private static double[][][] Rows(double[][][] x, Func<double[], double[]> row) => x.Select(s => s.Select(row).ToArray()).ToArray();

    public LayerReference Dense(string name, int features, int units, Activation activation = Activation.Linear)
    {
        int kernel = Offset(name, "kernel"), bias = Offset(name, "bias");
        layers.Add((w, x) => Rows(x, row =>
        {
            var z = new double[units];
            for (int u = 0; u < units; u++)
            {
                z[u] = w[bias + u];
                for (int k = 0; k < features; k++) z[u] += row[k] * w[kernel + k * units + u];
            }

            if (activation == Activation.Softmax)
            {
                double max = z.Max();
                var e = z.Select(v => Math.Exp(v - max)).ToArray();
                return e.Select(v => v / e.Sum()).ToArray();
            }

            return z.Select(v => ReferenceNetwork.Act(activation, v)).ToArray();
        }));
        return this;
    }

    public LayerReference Dropout(double rate)
    {
        layers.Add((w, x) => !Training ? x : x.Select((sample, b) => sample.Select((row, s) =>
            row.Select((v, f) => v * KernelRandom.DropoutScale((float)rate, Seed, b, s, f)).ToArray()).ToArray()).ToArray());
        return this;
    }

    public LayerReference LayerNormalization(string name, double epsilon = 1e-3)
    {
        int gamma = Offset(name, "gamma"), beta = Offset(name, "beta");
        layers.Add((w, x) => Rows(x, row =>
        {
            double mean = row.Average();
            double variance = row.Select(v => (v - mean) * (v - mean)).Average();
            return row.Select((v, f) => w[gamma + f] * (v - mean) / Math.Sqrt(variance + epsilon) + w[beta + f]).ToArray();
        }));
        return this;
    }

    public LayerReference BatchNormalization(string name, double epsilon = 1e-3)
    {
        int gamma = Offset(name, "gamma"), beta = Offset(name, "beta");
        int movingMean = Offset(name, "moving_mean"), movingVariance = Offset(name, "moving_variance");
        layers.Add((w, x) =>
        {
            int features = x[0][0].Length;
            var all = x.SelectMany(s => s).ToArray();
            var mean = new double[features];
            var variance = new double[features];
            for (int f = 0; f < features; f++)
            {
                mean[f] = Training ? all.Average(r => r[f]) : w[movingMean + f];
                variance[f] = Training ? all.Average(r => (r[f] - mean[f]) * (r[f] - mean[f])) : w[movingVariance + f];
            }

            return Rows(x, row => row.Select((v, f) => w[gamma + f] * (v - mean[f]) / Math.Sqrt(variance[f] + epsilon) + w[beta + f]).ToArray());
        });
        return this;
    }

    public LayerReference Embedding(string name, int units)
    {
        int table = Offset(name, "embeddings");
        layers.Add((w, x) => Rows(x, row => Enumerable.Range(0, units).Select(u => w[table + (int)row[0] * units + u]).ToArray()));
        return this;
    }

    public LayerReference RepeatVector(int n)
    {
        layers.Add((w, x) => x.Select(sample => Enumerable.Range(0, n).Select(_ => sample[0].ToArray()).ToArray()).ToArray());
        return this;
    }

    public LayerReference Flatten()
    {
        layers.Add((w, x) => x.Select(sample => new[] { sample.SelectMany(r => r).ToArray() }).ToArray());
        return this;
    }

    /// <summary>A recurrent layer, each sample on its own, through <see cref="ReferenceNetwork"/>'s cells (not stateful).</summary>
    public LayerReference Recurrent(string name, CellOptions options)
    {
        var cell = new ReferenceNetwork(description).Recurrent(name, options);
        layers.Add((w, x) => x.Select(sample => cell.Through(w, sample, 1)).ToArray());
        return this;
    }

    /// <summary>The outputs of every sample, each flattened [output steps × features].</summary>
    public double[][] Forward(double[] weights, float[,,] x)
    {
        var batch = Enumerable.Range(0, x.GetLength(0)).Select(b => ReferenceNetwork.Sample(x, b)).ToArray();
        foreach (var layer in layers) batch = layer(weights, batch);
        return batch.Select(s => s.SelectMany(r => r).ToArray()).ToArray();
    }

    /// <summary>
    /// Batch mean of the per-sample loss. Cross-entropy reads the outputs as probabilities when
    /// <paramref name="probabilities"/> (Softmax/Sigmoid last layer), else as logits.
    /// </summary>
    public double Loss(double[] weights, float[,,] x, float[] targets, Loss loss, int classes, bool probabilities)
    {
        var outputs = Forward(weights, x);
        int n = outputs.Length;
        double total = 0;
        foreach (var (y, b) in outputs.Select((y, b) => (y, b)))
        {
            int perSample = y.Length;
            switch (loss)
            {
                case SeqDsl.Loss.SparseCategoricalCrossEntropy:
                case SeqDsl.Loss.CategoricalCrossEntropy:
                {
                    int steps = perSample / classes;
                    double s = 0;
                    for (int t = 0; t < steps; t++)
                    {
                        var row = y.Skip(t * classes).Take(classes).ToArray();
                        var logProbability = probabilities ? row.Select(v => Math.Log(v)).ToArray() : LogSoftmax(row);
                        if (loss == SeqDsl.Loss.SparseCategoricalCrossEntropy)
                        {
                            s -= logProbability[(int)targets[b * steps + t]];
                        }
                        else
                        {
                            for (int c = 0; c < classes; c++) s -= targets[b * perSample + t * classes + c] * logProbability[c];
                        }
                    }

                    total += s / steps;
                    break;
                }

                case SeqDsl.Loss.BinaryCrossEntropy:
                {
                    double s = 0;
                    for (int e = 0; e < perSample; e++)
                    {
                        double p = probabilities ? y[e] : 1 / (1 + Math.Exp(-y[e]));
                        double t = targets[b * perSample + e];
                        s -= t * Math.Log(p) + (1 - t) * Math.Log(1 - p);
                    }

                    total += s / perSample;
                    break;
                }

                default:
                {
                    double s = 0;
                    for (int e = 0; e < perSample; e++)
                    {
                        double d = y[e] - targets[b * perSample + e];
                        s += loss switch
                        {
                            SeqDsl.Loss.Mae => Math.Abs(d),
                            SeqDsl.Loss.Huber => Math.Abs(d) <= 1 ? 0.5 * d * d : Math.Abs(d) - 0.5,
                            _ => d * d,
                        };
                    }

                    total += s / perSample;
                    break;
                }
            }
        }

        return total / n;
    }

    private static double[] LogSoftmax(double[] z)
    {
        double max = z.Max();
        double logSum = max + Math.Log(z.Sum(v => Math.Exp(v - max)));
        return z.Select(v => v - logSum).ToArray();
    }
}
