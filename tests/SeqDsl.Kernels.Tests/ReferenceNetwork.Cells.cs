namespace SeqDsl.Kernels.Tests;

/// <summary>What a reference recurrent layer does: its cell, sizes and options (Keras's names and meanings).</summary>
internal sealed record CellOptions(Cell Kind, int Features, int Units)
{
    public bool ReturnSequences { get; init; }

    public bool GoBackwards { get; init; }

    /// <summary>TF's PeepholeLSTMCell: i and f see c(t−1), o sees c(t).</summary>
    public bool Peepholes { get; init; }

    /// <summary>The seed's LNSimpleRNNCell: LayerNormalization of the pre-activations x·W + h·U + b before the activations (GRU: z and r together, then the candidate).</summary>
    public bool LayerNorm { get; init; }

    public bool ResetAfter { get; init; } = true;

    public double Epsilon { get; init; } = 1e-3;

    /// <summary>Keras dropout: the fraction of x(t) dropped, one mask per sequence (applied only with <see cref="Masks"/>).</summary>
    public double Dropout { get; init; }

    /// <summary>Keras recurrent_dropout: the fraction of h(t−1) dropped where the recurrent matmul reads it.</summary>
    public double RecurrentDropout { get; init; }

    /// <summary>The masks to apply (training, or MC Dropout): the generated kernel's layer name ("Layer1") and seed.</summary>
    public DropoutMasks? Masks { get; init; }

    /// <summary>Starts each sample from <see cref="ReferenceNetwork.InitialStates"/> and records its final state in <see cref="ReferenceNetwork.FinalStates"/>.</summary>
    public bool Stateful { get; init; }
}

/// <summary>
/// The recurrent options in double precision, from Keras's equations: peepholes, reset_after = False, layer
/// normalization in the cell, GoBackwards, Bidirectional merges, stateful layers; and evaluation from an
/// intermediate layer, for input-gradient checks.
/// </summary>
internal sealed partial class ReferenceNetwork
{
    private int currentSample;

    /// <summary>State stateful layers start from: layer name → sample → h (then c for LSTM). Missing: zeros.</summary>
    public Dictionary<string, Dictionary<int, double[]>> InitialStates { get; } = new();

    /// <summary>State stateful layers ended with in the last evaluation, same keys; copy it to <see cref="InitialStates"/> to continue.</summary>
    public Dictionary<string, Dictionary<int, double[]>> FinalStates { get; } = new();

    public ReferenceNetwork Recurrent(string name, CellOptions options)
    {
        layers.Add((w, x) =>
        {
            double[]? initial = null;
            if (options.Stateful && InitialStates.TryGetValue(name, out var saved) && saved.TryGetValue(currentSample, out var state))
            {
                initial = state;
            }

            var (outputs, final) = RunCell(name, "", options, w, x, initial);
            if (options.Stateful)
            {
                if (!FinalStates.ContainsKey(name)) FinalStates[name] = new();
                FinalStates[name][currentSample] = final;
            }

            return options.ReturnSequences ? outputs.ToArray() : new[] { outputs[^1] };
        });
        return this;
    }

    /// <summary>Keras Bidirectional: forward_ cell on x, backward_ cell on x reversed, its outputs reversed back, then merged.</summary>
    /// <remarks>Stateful: each direction carries its own state, keyed "name/forward_" and "name/backward_" in <see cref="InitialStates"/> and <see cref="FinalStates"/>.</remarks>
    public ReferenceNetwork Bidirectional(string name, CellOptions options, MergeMode merge)
    {
        List<double[]> Direction(string prefix, bool reversed, double[] w, double[][] x)
        {
            string key = name + "/" + prefix;
            double[]? initial = null;
            if (options.Stateful && InitialStates.TryGetValue(key, out var saved) && saved.TryGetValue(currentSample, out var state))
            {
                initial = state;
            }

            var (outputs, final) = RunCell(name, prefix, options with { GoBackwards = reversed }, w, x, initial);
            if (options.Stateful)
            {
                if (!FinalStates.ContainsKey(key)) FinalStates[key] = new();
                FinalStates[key][currentSample] = final;
            }

            return outputs;
        }

        layers.Add((w, x) =>
        {
            var forward = Direction("forward_", false, w, x);
            var backward = Direction("backward_", true, w, x);
            int steps = x.Length;
            double[] Merge(double[] a, double[] b) => merge switch
            {
                MergeMode.Concat => a.Concat(b).ToArray(),
                MergeMode.Sum => a.Zip(b, (p, q) => p + q).ToArray(),
                MergeMode.Average => a.Zip(b, (p, q) => (p + q) / 2).ToArray(),
                MergeMode.Multiply => a.Zip(b, (p, q) => p * q).ToArray(),
                _ => throw new ArgumentOutOfRangeException(nameof(merge)),
            };

            return options.ReturnSequences
                ? Enumerable.Range(0, steps).Select(t => Merge(forward[t], backward[steps - 1 - t])).ToArray()
                : new[] { Merge(forward[^1], backward[^1]) };
        });
        return this;
    }

    /// <summary>One direction's cell (parameter prefix "forward_" or "backward_") run forward over x alone: h of every step.</summary>
    public List<double[]> Direction(double[] weights, string layer, string prefix, CellOptions options, double[][] x) =>
        RunCell(layer, prefix, options with { GoBackwards = false }, weights, x, null).Outputs;

    /// <summary>One direction's cell (parameter prefix "forward_" or "backward_") run forward over x from <paramref name="initial"/> (zeros when null): its final state, h then c for LSTM.</summary>
    public double[] FinalState(double[] weights, string layer, string prefix, CellOptions options, double[][] x, double[]? initial) =>
        RunCell(layer, prefix, options with { GoBackwards = false }, weights, x, initial).Final;

    /// <summary>Runs one cell over the sequence; returns h of every processed step (in processing order) and the final state (h, then c for LSTM).</summary>
    private (List<double[]> Outputs, double[] Final) RunCell(string layer, string prefix, CellOptions o, double[] w, double[][] x, double[]? initial)
    {
        int u = o.Units, features = o.Features;
        int gates = o.Kind switch { Cell.LSTM => 4, Cell.GRU => 3, _ => 1 };
        int width = gates * u;
        int kernel = Offset(layer, prefix + "kernel"), recurrent = Offset(layer, prefix + "recurrent_kernel"), bias = Offset(layer, prefix + "bias");
        var h = new double[u];
        var c = new double[u];
        if (initial is not null)
        {
            Array.Copy(initial, h, u);
            if (o.Kind == Cell.LSTM) Array.Copy(initial, u, c, 0, u);
        }

        var inputMask = Mask(o, prefix, "input", o.Dropout, features);
        var stateMask = Mask(o, prefix, "state", o.RecurrentDropout, u);

        double[] InputPart(double[] xt, int biasRow)
        {
            xt = xt.Select((v, k) => v * inputMask[k]).ToArray();
            var z = new double[width];
            for (int g = 0; g < width; g++)
            {
                z[g] = w[bias + biasRow * width + g];
                for (int k = 0; k < features; k++) z[g] += xt[k] * w[kernel + k * width + g];
            }

            return z;
        }

        double RecurrentPart(double[] state, int g)
        {
            double sum = 0;
            for (int k = 0; k < u; k++) sum += state[k] * stateMask[k] * w[recurrent + k * width + g];
            return sum;
        }

        // LayerNormalization of z, scaled and shifted by gamma and beta from column `column` on.
        double[] Normalize(double[] z, int column = 0)
        {
            int gamma = Offset(layer, prefix + "layer_norm_gamma") + column, beta = Offset(layer, prefix + "layer_norm_beta") + column;
            double mean = z.Average();
            double variance = z.Select(v => (v - mean) * (v - mean)).Average();
            double sigma = Math.Sqrt(variance + o.Epsilon);
            return z.Select((v, g) => w[gamma + g] * (v - mean) / sigma + w[beta + g]).ToArray();
        }

        double Sigmoid(double v) => Act(Activation.Sigmoid, v);

        var outputs = new List<double[]>();
        int steps = x.Length;
        for (int t = 0; t < steps; t++)
        {
            var xt = x[o.GoBackwards ? steps - 1 - t : t];
            var hn = new double[u];
            switch (o.Kind)
            {
                case Cell.SimpleRNN:
                {
                    var z = InputPart(xt, 0);
                    for (int g = 0; g < width; g++) z[g] += RecurrentPart(h, g);
                    if (o.LayerNorm) z = Normalize(z);
                    for (int j = 0; j < u; j++) hn[j] = Math.Tanh(z[j]);
                    break;
                }

                case Cell.LSTM:
                {
                    var z = InputPart(xt, 0);
                    for (int g = 0; g < width; g++) z[g] += RecurrentPart(h, g);
                    if (o.LayerNorm) z = Normalize(z);
                    for (int j = 0; j < u; j++)
                    {
                        double pi = 0, pf = 0, po = 0;
                        if (o.Peepholes)
                        {
                            pi = w[Offset(layer, prefix + "input_gate_peephole") + j];
                            pf = w[Offset(layer, prefix + "forget_gate_peephole") + j];
                            po = w[Offset(layer, prefix + "output_gate_peephole") + j];
                        }

                        double i = Sigmoid(z[j] + pi * c[j]);
                        double f = Sigmoid(z[u + j] + pf * c[j]);
                        double candidate = Math.Tanh(z[2 * u + j]);
                        c[j] = f * c[j] + i * candidate;
                        double gate = Sigmoid(z[3 * u + j] + po * c[j]);
                        hn[j] = gate * Math.Tanh(c[j]);
                    }

                    break;
                }

                default:
                {
                    // Keras reset_after = True: bias [2, 3u], h̃ = tanh(x·W_h + b_h + r ⊙ (h·U_h + b'_h)); reset_after =
                    // False: one bias, h̃ = tanh(x·W_h + (r ⊙ h)·U_h + b_h). With LayerNorm the z and r pre-activations
                    // are normalized together (gamma and beta columns [0, 2u)), then the candidate's on its own ([2u, 3u)).
                    var zx = InputPart(xt, 0);
                    var zh = new double[width];
                    if (o.ResetAfter)
                    {
                        for (int g = 0; g < width; g++) zh[g] = w[bias + width + g] + RecurrentPart(h, g);
                    }

                    var zr = new double[2 * u];
                    for (int g = 0; g < 2 * u; g++) zr[g] = zx[g] + (o.ResetAfter ? zh[g] : RecurrentPart(h, g));
                    if (o.LayerNorm) zr = Normalize(zr, 0);
                    var update = zr.Take(u).Select(Sigmoid).ToArray();
                    var reset = zr.Skip(u).Select(Sigmoid).ToArray();
                    var resetState = h.Select((v, k) => reset[k] * v).ToArray();
                    var candidate = new double[u];
                    for (int j = 0; j < u; j++)
                    {
                        candidate[j] = zx[2 * u + j] + (o.ResetAfter ? reset[j] * zh[2 * u + j] : RecurrentPart(resetState, 2 * u + j));
                    }

                    if (o.LayerNorm) candidate = Normalize(candidate, 2 * u);
                    for (int j = 0; j < u; j++)
                    {
                        double hh = Math.Tanh(candidate[j]);
                        hn[j] = update[j] * h[j] + (1 - update[j]) * hh;
                    }

                    break;
                }
            }

            h = hn;
            outputs.Add(h);
        }

        return (outputs, o.Kind == Cell.LSTM ? h.Concat(c).ToArray() : h.ToArray());
    }

    /// <summary>Sets the sample whose carried state stateful layers use (the Loss loop sets it itself).</summary>
    public ReferenceNetwork ForSample(int sample)
    {
        currentSample = sample;
        return this;
    }

    /// <summary>The output of the first <paramref name="count"/> layers for one sample.</summary>
    public double[][] Through(double[] weights, double[][] sample, int count)
    {
        var x = sample;
        for (int i = 0; i < count; i++) x = layers[i](weights, x);
        return x;
    }

    /// <summary>The loss of one sample (mean over its outputs) when layer <paramref name="first"/> receives <paramref name="input"/>.</summary>
    public double SampleLossFrom(double[] weights, int first, double[][] input, float[] targets, int sample, int perSample, Loss loss)
    {
        var x = input;
        for (int i = first; i < layers.Count; i++) x = layers[i](weights, x);
        var y = x.SelectMany(r => r).ToArray();
        double s = 0;
        for (int e = 0; e < perSample; e++)
        {
            double d = y[e] - targets[sample * perSample + e];
            s += loss switch
            {
                SeqDsl.Loss.Mae => Math.Abs(d),
                SeqDsl.Loss.Huber => Math.Abs(d) <= 1 ? 0.5 * d * d : Math.Abs(d) - 0.5,
                _ => d * d,
            };
        }

        return s / perSample;
    }
}
