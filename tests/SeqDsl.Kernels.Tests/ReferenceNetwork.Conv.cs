namespace SeqDsl.Kernels.Tests;

/// <summary>
/// Reference convolution, pooling and WaveNet layers, from Keras's definitions: output lengths valid ⌊(n − span)/s⌋ + 1,
/// same and causal ⌈n/s⌉; causal pads span − 1 zeros on the left; same pads ⌊total/2⌋ on the left and the rest on the
/// right (TensorFlow's rule); pooling ignores padded steps.
/// </summary>
internal sealed partial class ReferenceNetwork
{
    /// <summary>(output steps, left padding) of a window layer over <paramref name="n"/> steps.</summary>
    public static (int Steps, int PadLeft) Window(int n, int kernelSize, int strides, int dilation, Padding padding)
    {
        int span = ((kernelSize - 1) * dilation) + 1;
        if (padding == Padding.Valid)
        {
            return ((int)Math.Floor((n - span) / (double)strides) + 1, 0);
        }

        int steps = (int)Math.Ceiling(n / (double)strides);
        int total = Math.Max(((steps - 1) * strides) + span - n, 0);
        return (steps, padding == Padding.Causal ? span - 1 : total / 2);
    }

    public ReferenceNetwork Conv1D(string name, int features, int filters, int kernelSize, int strides = 1, int dilation = 1, Padding padding = Padding.Valid, Activation activation = Activation.Linear, bool useBias = true)
    {
        int kernel = Offset(name, "kernel");
        int bias = useBias ? Offset(name, "bias") : -1;
        layers.Add((w, x) => ConvolveSteps(w, x, kernel, bias, features, filters, kernelSize, strides, dilation, padding, activation));
        return this;
    }

    private static double[][] ConvolveSteps(double[] w, double[][] x, int kernel, int bias, int features, int filters, int kernelSize, int strides, int dilation, Padding padding, Activation activation)
    {
        var (steps, padLeft) = Window(x.Length, kernelSize, strides, dilation, padding);
        var y = new double[steps][];
        for (int o = 0; o < steps; o++)
        {
            y[o] = new double[filters];
            for (int u = 0; u < filters; u++)
            {
                double z = bias >= 0 ? w[bias + u] : 0;
                for (int k = 0; k < kernelSize; k++)
                {
                    int t = (o * strides) + (k * dilation) - padLeft;
                    if (t < 0 || t >= x.Length)
                    {
                        continue; // zero padding
                    }

                    for (int c = 0; c < features; c++) z += x[t][c] * w[kernel + (((k * features) + c) * filters) + u];
                }

                y[o][u] = Act(activation, z);
            }
        }

        return y;
    }

    public ReferenceNetwork Pooling(bool max, int poolSize, int strides, Padding padding = Padding.Valid)
    {
        layers.Add((w, x) =>
        {
            var (steps, padLeft) = Window(x.Length, poolSize, strides, 1, padding);
            int features = x[0].Length;
            var y = new double[steps][];
            for (int o = 0; o < steps; o++)
            {
                var inside = Enumerable.Range((o * strides) - padLeft, poolSize).Where(t => t >= 0 && t < x.Length).ToArray();
                y[o] = Enumerable.Range(0, features).Select(c => max ? inside.Max(t => x[t][c]) : inside.Average(t => x[t][c])).ToArray();
            }

            return y;
        });
        return this;
    }

    public ReferenceNetwork GlobalPooling(bool max)
    {
        layers.Add((w, x) => new[] { Enumerable.Range(0, x[0].Length).Select(c => max ? x.Max(r => r[c]) : x.Average(r => r[c])).ToArray() });
        return this;
    }

    /// <summary>
    /// The original WaveNet (seed 004, with the gate tanh(a)·σ(b)): causal input conv; per block z ← z + s, skip += s with
    /// s = 1×1(tanh(a)·σ(b)) and [a, b] = dilated causal conv(z); then ReLU, 1×1 conv, ReLU, optional 1×1 head.
    /// </summary>
    public ReferenceNetwork GatedWaveNet(string name, int features, int filters, int layersPerBlock, int blocks, int kernelSize, int outputs)
    {
        layers.Add((w, x) =>
        {
            int n = x.Length;
            var z = ConvolveSteps(w, x, Offset(name, "input_conv_kernel"), Offset(name, "input_conv_bias"), features, filters, kernelSize, 1, 1, Padding.Causal, Activation.Linear);
            var skip = new double[n][];
            for (int t = 0; t < n; t++) skip[t] = new double[filters];
            for (int block = 0; block < blocks; block++)
            {
                for (int i = 0; i < layersPerBlock; i++)
                {
                    string p = $"block{block}_layer{i}_";
                    var a = ConvolveSteps(w, z, Offset(name, p + "dilated_kernel"), Offset(name, p + "dilated_bias"), filters, 2 * filters, kernelSize, 1, 1 << i, Padding.Causal, Activation.Linear);
                    var gated = a.Select(r => Enumerable.Range(0, filters).Select(j => Math.Tanh(r[j]) * Act(Activation.Sigmoid, r[filters + j])).ToArray()).ToArray();
                    var s = ConvolveSteps(w, gated, Offset(name, p + "residual_kernel"), Offset(name, p + "residual_bias"), filters, filters, 1, 1, 1, Padding.Causal, Activation.Linear);
                    for (int t = 0; t < n; t++)
                    {
                        for (int u = 0; u < filters; u++)
                        {
                            z[t][u] += s[t][u];
                            skip[t][u] += s[t][u];
                        }
                    }
                }
            }

            var relu = skip.Select(r => r.Select(v => Math.Max(0, v)).ToArray()).ToArray();
            var h = ConvolveSteps(w, relu, Offset(name, "post_kernel"), Offset(name, "post_bias"), filters, filters, 1, 1, 1, Padding.Valid, Activation.ReLU);
            return outputs > 0 ? ConvolveSteps(w, h, Offset(name, "head_kernel"), Offset(name, "head_bias"), filters, outputs, 1, 1, 1, Padding.Valid, Activation.Linear) : h;
        });
        return this;
    }
}
