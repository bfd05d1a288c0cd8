using SeqDsl.Engine;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// A plain double-precision C# implementation of the layers the generator emits kernels for, written from Keras's
/// equations (not from the generated code). Weights are read from the flat buffer through the model's ParameterInfo.
/// </summary>
internal sealed partial class ReferenceNetwork
{
    private readonly List<Func<double[], double[][], double[][]>> layers = new();
    private readonly ModelDescription description;

    public ReferenceNetwork(ModelDescription description) => this.description = description;

    private int Offset(string layer, string tensor) =>
        description.Parameters.Single(p => p.Layer == layer && p.Name == tensor).Offset;

    public static double Act(Activation a, double x) => a switch
    {
        Activation.Tanh => Math.Tanh(x),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        Activation.ReLU => Math.Max(0, x),
        Activation.Elu => x > 0 ? x : Math.Exp(x) - 1,
        Activation.Softplus => Math.Log(1 + Math.Exp(x)),
        _ => x,
    };

    public ReferenceNetwork Lstm(string name, int features, int units, bool returnSequences)
    {
        int kernel = Offset(name, "kernel"), recurrent = Offset(name, "recurrent_kernel"), bias = Offset(name, "bias");
        int g4 = 4 * units;
        layers.Add((w, x) =>
        {
            var h = new double[units];
            var c = new double[units];
            var outputs = new List<double[]>();
            foreach (var xt in x)
            {
                var z = new double[g4];
                for (int g = 0; g < g4; g++)
                {
                    z[g] = w[bias + g];
                    for (int k = 0; k < features; k++) z[g] += xt[k] * w[kernel + k * g4 + g];
                    for (int k = 0; k < units; k++) z[g] += h[k] * w[recurrent + k * g4 + g];
                }

                var hn = new double[units];
                for (int j = 0; j < units; j++)
                {
                    double i = Act(Activation.Sigmoid, z[j]), f = Act(Activation.Sigmoid, z[units + j]);
                    double cc = Math.Tanh(z[2 * units + j]), o = Act(Activation.Sigmoid, z[3 * units + j]);
                    c[j] = f * c[j] + i * cc;
                    hn[j] = o * Math.Tanh(c[j]);
                }

                h = hn;
                outputs.Add(h);
            }

            return returnSequences ? outputs.ToArray() : new[] { h };
        });
        return this;
    }

    /// <summary>Keras GRU with reset_after = True: h̃ = tanh(x·W_h + b_h + r ⊙ (h·U_h + b'_h)), h = z ⊙ h + (1 − z) ⊙ h̃.</summary>
    public ReferenceNetwork Gru(string name, int features, int units, bool returnSequences)
    {
        int kernel = Offset(name, "kernel"), recurrent = Offset(name, "recurrent_kernel"), bias = Offset(name, "bias");
        int g3 = 3 * units;
        layers.Add((w, x) =>
        {
            var h = new double[units];
            var outputs = new List<double[]>();
            foreach (var xt in x)
            {
                var zx = new double[g3];
                var zh = new double[g3];
                for (int g = 0; g < g3; g++)
                {
                    zx[g] = w[bias + g];
                    zh[g] = w[bias + g3 + g];
                    for (int k = 0; k < features; k++) zx[g] += xt[k] * w[kernel + k * g3 + g];
                    for (int k = 0; k < units; k++) zh[g] += h[k] * w[recurrent + k * g3 + g];
                }

                var hn = new double[units];
                for (int j = 0; j < units; j++)
                {
                    double u = Act(Activation.Sigmoid, zx[j] + zh[j]);
                    double r = Act(Activation.Sigmoid, zx[units + j] + zh[units + j]);
                    double hh = Math.Tanh(zx[2 * units + j] + r * zh[2 * units + j]);
                    hn[j] = u * h[j] + (1 - u) * hh;
                }

                h = hn;
                outputs.Add(h);
            }

            return returnSequences ? outputs.ToArray() : new[] { h };
        });
        return this;
    }

    public ReferenceNetwork SimpleRnn(string name, int features, int units, bool returnSequences)
    {
        int kernel = Offset(name, "kernel"), recurrent = Offset(name, "recurrent_kernel"), bias = Offset(name, "bias");
        layers.Add((w, x) =>
        {
            var h = new double[units];
            var outputs = new List<double[]>();
            foreach (var xt in x)
            {
                var hn = new double[units];
                for (int j = 0; j < units; j++)
                {
                    double z = w[bias + j];
                    for (int k = 0; k < features; k++) z += xt[k] * w[kernel + k * units + j];
                    for (int k = 0; k < units; k++) z += h[k] * w[recurrent + k * units + j];
                    hn[j] = Math.Tanh(z);
                }

                h = hn;
                outputs.Add(h);
            }

            return returnSequences ? outputs.ToArray() : new[] { h };
        });
        return this;
    }

    /// <summary>Dense on each row (each step of a sequence, or the single vector).</summary>
    public ReferenceNetwork Dense(string name, int features, int units, Activation activation = Activation.Linear)
    {
        int kernel = Offset(name, "kernel"), bias = Offset(name, "bias");
        layers.Add((w, x) => x.Select(row =>
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
                double s = e.Sum();
                return e.Select(v => v / s).ToArray();
            }

            return z.Select(v => Act(activation, v)).ToArray();
        }).ToArray());
        return this;
    }

    /// <summary>Keras RepeatVector(n): the vector (one row) at each of n steps.</summary>
    public ReferenceNetwork RepeatVector(int n)
    {
        layers.Add((w, x) => Enumerable.Range(0, n).Select(_ => x.Single().ToArray()).ToArray());
        return this;
    }

    public ReferenceNetwork Flatten()
    {
        layers.Add((w, x) => new[] { x.SelectMany(r => r).ToArray() });
        return this;
    }

    /// <summary>The outputs of one sample, flattened [steps × features] or [features].</summary>
    public double[] Forward(double[] weights, double[][] sample)
    {
        var x = sample;
        foreach (var layer in layers) x = layer(weights, x);
        return x.SelectMany(r => r).ToArray();
    }

    /// <summary>Mean over samples of the per-sample mean loss.</summary>
    public double Loss(double[] weights, float[,,] x, float[] targets, Loss loss)
    {
        int n = x.GetLength(0);
        double total = 0;
        int perSample = targets.Length / n;
        for (int b = 0; b < n; b++)
        {
            currentSample = b;
            var y = Forward(weights, Sample(x, b));
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
        }

        return total / n;
    }

    public static double[][] Sample(float[,,] x, int b) =>
        Enumerable.Range(0, x.GetLength(1)).Select(t => Enumerable.Range(0, x.GetLength(2)).Select(f => (double)x[b, t, f]).ToArray()).ToArray();
}
