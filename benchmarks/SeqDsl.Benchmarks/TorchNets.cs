using SeqDsl.Engine;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SeqDsl.Benchmarks;

/// <summary>
/// The TorchSharp side of each workload: the same layers as the SeqDsl model, built from its weights (Keras layouts)
/// so both sides start from the same point. Keras stores kernels [in, gates·units] and orders LSTM gates i, f, c, o
/// (as torch does) and GRU gates z, r, h (torch: r, z, n); torch stores [gates·units, in] and two biases.
/// </summary>
internal sealed class TorchStack : nn.Module<Tensor, Tensor>
{
    private readonly List<Func<Tensor, Tensor>> layers = new();
    private readonly IReadOnlyList<ParameterInfo> infos;
    private readonly float[] weights;

    private TorchStack(string name, IReadOnlyList<ParameterInfo> infos, float[] weights)
        : base(name)
    {
        this.infos = infos;
        this.weights = weights;
    }

    public override Tensor forward(Tensor input)
    {
        var x = input;
        foreach (var layer in layers)
        {
            x = layer(x);
        }

        return x;
    }

    /// <summary>W1/W5: LSTM(20) → LSTM(20) → TimeDistributed(Dense(10)).</summary>
    public static TorchStack SeqToSeqLstm(IReadOnlyList<ParameterInfo> parameters, float[] weights) => new TorchStack("seq2seq_lstm", parameters, weights)
        .Recurrent("lstm", 1, 20, Cell.LSTM, sequences: true)
        .Recurrent("lstm_1", 20, 20, Cell.LSTM, sequences: true)
        .Dense("time_distributed", 20, 10)
        .Done();

    /// <summary>W6: GRU(20) → GRU(20) → TimeDistributed(Dense(10)).</summary>
    public static TorchStack SeqToSeqGru(IReadOnlyList<ParameterInfo> parameters, float[] weights) => new TorchStack("seq2seq_gru", parameters, weights)
        .Recurrent("gru", 1, 20, Cell.GRU, sequences: true)
        .Recurrent("gru_1", 20, 20, Cell.GRU, sequences: true)
        .Dense("time_distributed", 20, 10)
        .Done();

    /// <summary>W7: Conv1D(20, 4, stride 2, valid) → GRU(20) → GRU(20) → TimeDistributed(Dense(10)).</summary>
    public static TorchStack ConvGru(IReadOnlyList<ParameterInfo> parameters, float[] weights)
    {
        var net = new TorchStack("conv_gru", parameters, weights);
        net.layers.Add(x => x.transpose(1, 2)); // [batch, steps, features] → [batch, channels, steps]
        net.Conv("conv1d", 1, 20, 4, 1, relu: false, stride: 2, causal: false);
        net.layers.Add(x => x.transpose(1, 2)); // back to [batch, steps, channels] for the GRUs
        return net
            .Recurrent("gru", 20, 20, Cell.GRU, sequences: true)
            .Recurrent("gru_1", 20, 20, Cell.GRU, sequences: true)
            .Dense("time_distributed", 20, 10)
            .Done();
    }

    /// <summary>W2: SimpleRNN(20) → SimpleRNN(20) → Dense(1).</summary>
    public static TorchStack DeepRnn(IReadOnlyList<ParameterInfo> parameters, float[] weights) => new TorchStack("deep_rnn", parameters, weights)
        .Recurrent("simple_rnn", 1, 20, Cell.SimpleRNN, sequences: true)
        .Recurrent("simple_rnn_1", 20, 20, Cell.SimpleRNN, sequences: false)
        .Dense("dense", 20, 1)
        .Done();

    /// <summary>W3: GRU(128) → GRU(128) → Dense(1).</summary>
    public static TorchStack WideGru(IReadOnlyList<ParameterInfo> parameters, float[] weights) => new TorchStack("wide_gru", parameters, weights)
        .Recurrent("gru", 1, 128, Cell.GRU, sequences: true)
        .Recurrent("gru_1", 128, 128, Cell.GRU, sequences: false)
        .Dense("dense", 128, 1)
        .Done();

    /// <summary>W4: causal Conv1D(20, 2) with dilations 1, 2, 4, 8 twice (ReLU), then Conv1D(10, 1).</summary>
    public static TorchStack SimpleWaveNet(IReadOnlyList<ParameterInfo> parameters, float[] weights)
    {
        var net = new TorchStack("wavenet", parameters, weights);
        net.layers.Add(x => x.transpose(1, 2)); // [batch, steps, features] → [batch, channels, steps]
        int features = 1;
        for (int i = 0; i < 8; i++)
        {
            net.Conv(i == 0 ? "conv1d" : "conv1d_" + i, features, 20, 2, 1 << (i % 4), relu: true);
            features = 20;
        }

        net.Conv("conv1d_8", 20, 10, 1, 1, relu: false);
        net.layers.Add(x => x.transpose(1, 2));
        return net.Done();
    }

    private TorchStack Done()
    {
        RegisterComponents();
        return this;
    }

    private float[] Slice(string layer, string name, out ParameterInfo info)
    {
        info = infos.Single(p => p.Layer == layer && p.Name == name);
        return weights.AsSpan(info.Offset, info.Length).ToArray();
    }

    /// <summary>Keras [in, gates·units] with gate blocks reordered by <paramref name="order"/> → torch [gates·units, in].</summary>
    private static float[] TransposeGates(float[] kernel, int rows, int cols, int units, int[] order)
    {
        var result = new float[rows * cols];
        for (int block = 0; block < order.Length; block++)
        {
            for (int j = 0; j < units; j++)
            {
                int keras = order[block] * units + j;
                int torchRow = block * units + j;
                for (int r = 0; r < rows; r++)
                {
                    result[torchRow * rows + r] = kernel[r * cols + keras];
                }
            }
        }

        return result;
    }

    private static float[] ReorderBias(float[] bias, int offset, int units, int[] order)
    {
        var result = new float[order.Length * units];
        for (int block = 0; block < order.Length; block++)
        {
            Array.Copy(bias, offset + order[block] * units, result, block * units, units);
        }

        return result;
    }

    private static void Set(nn.Module module, string name, float[] values)
    {
        var parameter = module.named_parameters().Single(p => p.name == name).parameter;
        using var source = torch.tensor(values, parameter.shape);
        using (torch.no_grad())
        {
            parameter.copy_(source);
        }
    }

    private TorchStack Recurrent(string name, int features, int units, Cell cell, bool sequences)
    {
        int[] order = cell switch
        {
            Cell.LSTM => new[] { 0, 1, 2, 3 }, // i, f, c, o in both
            Cell.GRU => new[] { 1, 0, 2 }, // torch r, z, n ← Keras z, r, h
            _ => new[] { 0 },
        };
        nn.Module module = cell switch
        {
            Cell.LSTM => nn.LSTM(features, units, batchFirst: true),
            Cell.GRU => nn.GRU(features, units, batchFirst: true),
            _ => nn.RNN(features, units, batchFirst: true),
        };
        var kernel = Slice(name, "kernel", out var k);
        var recurrent = Slice(name, "recurrent_kernel", out var r);
        var bias = Slice(name, "bias", out var b);
        Set(module, "weight_ih_l0", TransposeGates(kernel, k.Rows, k.Cols, units, order));
        Set(module, "weight_hh_l0", TransposeGates(recurrent, r.Rows, r.Cols, units, order));
        Set(module, "bias_ih_l0", ReorderBias(bias, 0, units, order));
        // GRU with reset_after keeps a separate recurrent bias (Keras bias row 1); LSTM and SimpleRNN have one bias.
        Set(module, "bias_hh_l0", b.Rows == 2 ? ReorderBias(bias, b.Cols, units, order) : new float[order.Length * units]);
        register_module(name, module);
        Func<Tensor, Tensor> run = module switch
        {
            LSTM lstm => x => lstm.forward(x).Item1,
            GRU gru => x => gru.forward(x).Item1,
            RNN rnn => x => rnn.forward(x, null).Item1,
            _ => throw new InvalidOperationException(),
        };
        layers.Add(sequences ? run : x => run(x).select(1, -1));
        return this;
    }

    private TorchStack Dense(string name, int features, int units)
    {
        var linear = nn.Linear(features, units);
        Set(linear, "weight", TransposeGates(Slice(name, "kernel", out var k), k.Rows, k.Cols, units, new[] { 0 }));
        Set(linear, "bias", Slice(name, "bias", out _));
        register_module(name, linear);
        layers.Add(x => linear.forward(x));
        return this;
    }

    /// <summary>Conv1d from a Keras kernel [taps, features, filters]; causal pads (taps − 1)·dilation steps on the left, otherwise "valid" (no padding).</summary>
    private void Conv(string name, int features, int filters, int taps, int dilation, bool relu, int stride = 1, bool causal = true)
    {
        var conv = nn.Conv1d(features, filters, taps, stride: stride, dilation: dilation);
        var kernel = Slice(name, "kernel", out _); // rows = tap·features + feature, cols = filters
        var w = new float[filters * features * taps];
        for (int f = 0; f < filters; f++)
        {
            for (int c = 0; c < features; c++)
            {
                for (int t = 0; t < taps; t++)
                {
                    w[(f * features + c) * taps + t] = kernel[(t * features + c) * filters + f];
                }
            }
        }

        Set(conv, "weight", w);
        Set(conv, "bias", Slice(name, "bias", out _));
        register_module(name, conv);
        long pad = causal ? (long)(taps - 1) * dilation : 0; // causal: pad on the left only; valid: none
        layers.Add(x =>
        {
            var y = conv.forward(pad > 0 ? nn.functional.pad(x, new[] { pad, 0L }) : x);
            return relu ? nn.functional.relu(y) : y;
        });
    }
}
