using SeqDsl.Engine;
using static SeqDsl.Kernels.Tests.CellTestSupport;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// The recurrent options (peephole LSTM, GRU with reset_after = False, layer-normalized cells, GoBackwards,
/// Bidirectional) against the double-precision reference: forward outputs, every parameter tensor's gradient, and the
/// gradient of every non-first recurrent layer's input (existing SimpleRNN/LSTM/GRU stacks included), each within
/// ‖g − g_ref‖ / ‖g_ref‖ ≤ 1e-3 of central finite differences.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class CellNumericsTests
{
    private readonly SeqDevice device;

    public CellNumericsTests(CpuDeviceFixture fixture) => device = fixture.Device;

    public static TheoryData<string> Cases => new() { "PeepholeLstm", "GruResetBefore", "LayerNormRnn", "LayerNormLstm", "LayerNormPeephole", "LayerNormGru", "GoBackwards", "Bidirectional", "BidirectionalSequence", "BidirectionalMultiply", "BidirectionalMultiplySequence", "RecurrentLast", "RecurrentLastSequence",
        "BidirectionalLastConcatSequence", "BidirectionalLastAverage", "BidirectionalLastSumSequence", "BidirectionalLastMultiply", "BidirectionalLastMultiplySequence" };

    /// <summary>(model, index of a recurrent layer that is not the first): its input gradient is checked.</summary>
    public static TheoryData<string, int> InputGradientCases => new()
    {
        { "LstmStack", 1 }, { "GruStack", 1 }, { "SimpleRnnStack", 1 },
        { "PeepholeLstm", 1 }, { "PeepholeLstm", 2 }, { "GruResetBefore", 1 }, { "GruResetBefore", 2 },
        { "LayerNormRnn", 1 }, { "LayerNormRnn", 2 }, { "LayerNormLstm", 1 }, { "LayerNormPeephole", 1 },
        { "LayerNormGru", 1 }, { "LayerNormGru", 2 }, { "LayerNormGru", 3 },
        { "GoBackwards", 1 }, { "GoBackwards", 2 }, { "GoBackwards", 3 },
        { "Bidirectional", 1 }, { "Bidirectional", 2 }, { "BidirectionalSequence", 1 },
        { "BidirectionalMultiply", 1 }, { "BidirectionalMultiply", 2 },
        { "RecurrentLast", 1 }, { "RecurrentLastSequence", 1 },
        { "BidirectionalLastConcatSequence", 1 }, { "BidirectionalLastAverage", 1 }, { "BidirectionalLastSumSequence", 1 },
        { "BidirectionalLastMultiply", 1 }, { "BidirectionalLastMultiplySequence", 1 },
    };

    internal (ModelBase Model, ReferenceNetwork Reference, float[,,] X, Array Y) Build(string name)
    {
        var random = new Random(17);
        ReferenceNetwork R(ModelBase m) => new(m.Description);
        switch (name)
        {
            case "LstmStack":
            {
                var m = new LstmStackModel(device, seed: 4);
                return (m, R(m).Lstm("lstm", 2, 4, true).Lstm("lstm_1", 4, 3, false).Dense("dense", 3, 2), Inputs(random, 3, 5, 2), Vectors(random, 3, 2));
            }

            case "GruStack":
            {
                var m = new GruStackModel(device, seed: 5);
                return (m, R(m).Gru("gru", 2, 5, true).Gru("gru_1", 5, 4, false).Dense("dense", 4, 1), Inputs(random, 3, 5, 2), Vectors(random, 3, 1));
            }

            case "SimpleRnnStack":
            {
                var m = new SimpleRnnStackModel(device, seed: 6);
                return (m, R(m).SimpleRnn("simple_rnn", 2, 4, true).SimpleRnn("simple_rnn_1", 4, 3, true).Dense("time_distributed", 3, 2, Activation.Tanh), Inputs(random, 3, 5, 2), Inputs(random, 3, 5, 2));
            }

            case "PeepholeLstm":
            {
                var m = new PeepholeLstmModel(device, seed: 11);
                var r = R(m).Dense("time_distributed", 2, 3)
                    .Recurrent("lstm", new CellOptions(Cell.LSTM, 3, 4) { Peepholes = true, ReturnSequences = true })
                    .Recurrent("lstm_1", new CellOptions(Cell.LSTM, 4, 3) { Peepholes = true })
                    .Dense("dense", 3, 2);
                return (m, r, Inputs(random, 3, 6, 2), Vectors(random, 3, 2));
            }

            case "GruResetBefore":
            {
                var m = new GruResetBeforeModel(device, seed: 12);
                var r = R(m).Dense("time_distributed", 2, 3)
                    .Recurrent("gru", new CellOptions(Cell.GRU, 3, 5) { ResetAfter = false, ReturnSequences = true })
                    .Recurrent("gru_1", new CellOptions(Cell.GRU, 5, 3) { ResetAfter = false })
                    .Dense("dense", 3, 1);
                return (m, r, Inputs(random, 3, 6, 2), Vectors(random, 3, 1));
            }

            case "LayerNormRnn":
            {
                var m = new LayerNormRnnModel(device, seed: 13);
                var r = R(m).Dense("time_distributed", 2, 3)
                    .Recurrent("simple_rnn", new CellOptions(Cell.SimpleRNN, 3, 5) { LayerNorm = true, ReturnSequences = true })
                    .Recurrent("simple_rnn_1", new CellOptions(Cell.SimpleRNN, 5, 4) { LayerNorm = true, ReturnSequences = true })
                    .Dense("time_distributed_1", 4, 1);
                return (m, r, Inputs(random, 3, 5, 2), Inputs(random, 3, 5, 1));
            }

            case "LayerNormLstm":
            {
                var m = new LayerNormLstmModel(device, seed: 14);
                var r = R(m).Dense("time_distributed", 2, 3)
                    .Recurrent("lstm", new CellOptions(Cell.LSTM, 3, 4) { LayerNorm = true })
                    .Dense("dense", 4, 2);
                return (m, r, Inputs(random, 3, 6, 2), Vectors(random, 3, 2));
            }

            case "LayerNormPeephole":
            {
                var m = new LayerNormPeepholeModel(device, seed: 19);
                var r = R(m)
                    .Recurrent("lstm", new CellOptions(Cell.LSTM, 2, 3) { LayerNorm = true, Peepholes = true, ReturnSequences = true })
                    .Recurrent("lstm_1", new CellOptions(Cell.LSTM, 3, 3) { LayerNorm = true, Peepholes = true })
                    .Dense("dense", 3, 1);
                return (m, r, Inputs(random, 3, 6, 2), Vectors(random, 3, 1));
            }

            case "LayerNormGru":
            {
                var m = new LayerNormGruModel(device, seed: 20);
                var r = R(m).Dense("time_distributed", 2, 3)
                    .Recurrent("gru", new CellOptions(Cell.GRU, 3, 4) { LayerNorm = true, ReturnSequences = true })
                    .Recurrent("gru_1", new CellOptions(Cell.GRU, 4, 3) { LayerNorm = true, ResetAfter = false, ReturnSequences = true })
                    .Recurrent("gru_2", new CellOptions(Cell.GRU, 3, 3) { LayerNorm = true, GoBackwards = true })
                    .Dense("dense", 3, 2);
                return (m, r, Inputs(random, 3, 6, 2), Vectors(random, 3, 2));
            }

            case "RecurrentLast":
            {
                var m = new RecurrentLastModel(device, seed: 21);
                var r = R(m).SimpleRnn("simple_rnn", 1, 4, true).SimpleRnn("simple_rnn_1", 4, 1, false);
                return (m, r, Inputs(random, 3, 6, 1), Vectors(random, 3, 1));
            }

            case "RecurrentLastSequence":
            {
                var m = new RecurrentLastSequenceModel(device, seed: 22);
                var r = R(m).Lstm("lstm", 2, 3, true)
                    .Recurrent("gru", new CellOptions(Cell.GRU, 3, 2) { GoBackwards = true, ReturnSequences = true });
                return (m, r, Inputs(random, 3, 6, 2), Inputs(random, 3, 6, 2));
            }

            // Huber targets spread over [−1.5, 1.5], so some errors pass Huber's δ = 1 and both branches are checked.
            case "BidirectionalLastConcatSequence":
            {
                var m = new BidirectionalLastConcatSequenceModel(device, seed: 23);
                var r = R(m).Dense("time_distributed", 2, 3)
                    .Bidirectional("bidirectional", new CellOptions(Cell.GRU, 3, 2) { ReturnSequences = true }, MergeMode.Concat);
                return (m, r, Inputs(random, 3, 5, 2), Spread(Inputs(random, 3, 5, 4)));
            }

            case "BidirectionalLastAverage":
            {
                var m = new BidirectionalLastAverageModel(device, seed: 24);
                var r = R(m).Lstm("lstm", 2, 3, true)
                    .Bidirectional("bidirectional", new CellOptions(Cell.LSTM, 3, 2), MergeMode.Average);
                return (m, r, Inputs(random, 3, 6, 2), Vectors(random, 3, 2));
            }

            case "BidirectionalLastSumSequence":
            {
                var m = new BidirectionalLastSumSequenceModel(device, seed: 25);
                var r = R(m).Dense("time_distributed", 2, 3)
                    .Bidirectional("bidirectional", new CellOptions(Cell.SimpleRNN, 3, 2) { ReturnSequences = true }, MergeMode.Sum);
                return (m, r, Inputs(random, 3, 5, 2), Inputs(random, 3, 5, 2));
            }

            case "BidirectionalLastMultiply":
            {
                var m = new BidirectionalLastMultiplyModel(device, seed: 26);
                var r = R(m).Gru("gru", 2, 3, true)
                    .Bidirectional("bidirectional", new CellOptions(Cell.LSTM, 3, 2), MergeMode.Multiply);
                return (m, r, Inputs(random, 3, 6, 2), Spread(Vectors(random, 3, 2)));
            }

            case "BidirectionalLastMultiplySequence":
            {
                var m = new BidirectionalLastMultiplySequenceModel(device, seed: 27);
                var r = R(m).Dense("time_distributed", 2, 3)
                    .Bidirectional("bidirectional", new CellOptions(Cell.GRU, 3, 2) { ReturnSequences = true }, MergeMode.Multiply);
                return (m, r, Inputs(random, 3, 5, 2), Spread(Inputs(random, 3, 5, 2)));
            }

            case "GoBackwards":
            {
                var m = new GoBackwardsModel(device, seed: 15);
                var r = R(m).Dense("time_distributed", 2, 3)
                    .Recurrent("lstm", new CellOptions(Cell.LSTM, 3, 4) { GoBackwards = true, ReturnSequences = true })
                    .Recurrent("gru", new CellOptions(Cell.GRU, 4, 3) { GoBackwards = true, ReturnSequences = true })
                    .Recurrent("simple_rnn", new CellOptions(Cell.SimpleRNN, 3, 2) { GoBackwards = true })
                    .Dense("dense", 2, 1);
                return (m, r, Inputs(random, 3, 6, 2), Vectors(random, 3, 1));
            }

            case "Bidirectional":
            {
                var m = new BidirectionalModel(device, seed: 16);
                var r = R(m).Dense("time_distributed", 2, 3)
                    .Bidirectional("bidirectional", new CellOptions(Cell.LSTM, 3, 4) { ReturnSequences = true }, MergeMode.Concat)
                    .Bidirectional("bidirectional_1", new CellOptions(Cell.GRU, 8, 3), MergeMode.Sum)
                    .Dense("dense", 3, 2);
                return (m, r, Inputs(random, 3, 5, 2), Vectors(random, 3, 2));
            }

            case "BidirectionalSequence":
            {
                var m = new BidirectionalSequenceModel(device, seed: 18);
                var r = R(m)
                    .Bidirectional("bidirectional", new CellOptions(Cell.SimpleRNN, 2, 3) { ReturnSequences = true }, MergeMode.Average)
                    .Bidirectional("bidirectional_1", new CellOptions(Cell.GRU, 3, 2) { ReturnSequences = true }, MergeMode.Concat)
                    .Dense("time_distributed", 4, 2);
                return (m, r, Inputs(random, 3, 5, 2), Inputs(random, 3, 5, 2));
            }

            case "BidirectionalMultiply":
            {
                var m = new BidirectionalMultiplyModel(device, seed: 21);
                var r = R(m).Dense("time_distributed", 2, 3)
                    .Bidirectional("bidirectional", new CellOptions(Cell.LSTM, 3, 3) { ReturnSequences = true }, MergeMode.Multiply)
                    .Bidirectional("bidirectional_1", new CellOptions(Cell.GRU, 3, 3), MergeMode.Multiply)
                    .Dense("dense", 3, 2);
                return (m, r, Inputs(random, 3, 5, 2), Vectors(random, 3, 2));
            }

            case "BidirectionalMultiplySequence":
            {
                var m = new BidirectionalMultiplySequenceModel(device, seed: 22);
                var r = R(m)
                    .Bidirectional("bidirectional", new CellOptions(Cell.SimpleRNN, 2, 3) { ReturnSequences = true }, MergeMode.Multiply)
                    .Dense("time_distributed", 3, 2);
                return (m, r, Inputs(random, 3, 5, 2), Inputs(random, 3, 5, 2));
            }

            default:
                throw new ArgumentException(name);
        }
    }

    /// <summary>Targets scaled by 1.5: Huber's δ = 1 then falls inside the errors' range.</summary>
    private static T Spread<T>(T targets)
        where T : class, ICloneable
    {
        var copy = (T)targets.Clone();
        var flat = ((Array)(object)copy).Cast<float>().Select(v => v * 1.5f).ToArray();
        Buffer.BlockCopy(flat, 0, (Array)(object)copy, 0, flat.Length * sizeof(float));
        return copy;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_reference(string name)
    {
        var (model, reference, x, _) = Build(name);
        using (model)
        {
            AssertForward(name, model, reference, x, Predict(model, x));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parameter_gradients_match_finite_differences(string name)
    {
        var (model, reference, x, y) = Build(name);
        using (model)
        {
            AssertLossAndParameterGradients(name, model, reference, x, y);
        }
    }

    /// <summary>
    /// Gates of 192 columns (LSTM(48), reset-before GRU(64)): the thread schedule's forward products run blocks of 64
    /// columns over every k (RecurrentEmitter.ColumnBlock), on ILGPU's CPU accelerator here and in the host code's
    /// translation of the same kernels; both against the double reference. The variants: a bidirectional LSTM(48) and a
    /// GRU(64) going backwards with recurrent dropout. (Too many weights for a finite-difference
    /// check; ScheduleTests compares this model's gradients between the thread and group schedules.)
    /// </summary>
    [Theory]
    [InlineData(KernelSchedule.ThreadPerSequence, false)]
    [InlineData(KernelSchedule.HostCode, false)]
    [InlineData(KernelSchedule.ThreadPerSequence, true)]
    [InlineData(KernelSchedule.HostCode, true)]
    public void Forward_with_gate_columns_in_blocks_matches_reference(KernelSchedule schedule, bool variants)
    {
        var on = device.WithSchedule(schedule);
        using ModelBase model = variants ? new BlockedGateColumnsVariantsModel(on, seed: 22) : new BlockedGateColumnsModel(on, seed: 21);
        var reference = variants
            ? new ReferenceNetwork(model.Description).Bidirectional("bidirectional", new CellOptions(Cell.LSTM, 2, 48) { ReturnSequences = true }, MergeMode.Concat)
                .Recurrent("gru", new CellOptions(Cell.GRU, 96, 64) { GoBackwards = true })
                .Dense("dense", 64, 1)
            : new ReferenceNetwork(model.Description).Lstm("lstm", 2, 48, true)
                .Recurrent("gru", new CellOptions(Cell.GRU, 48, 64) { ResetAfter = false })
                .Dense("dense", 64, 1);
        var x = Inputs(new Random(21), 3, 5, 2);
        AssertForward(model.GetType().Name + " " + schedule, model, reference, x, Predict(model, x));
    }

    [Theory]
    [MemberData(nameof(InputGradientCases))]
    public void Input_gradient_matches_finite_differences(string name, int layer)
    {
        var (model, reference, x, y) = Build(name);
        using (model)
        {
            model.ComputeGradients(TensorData.From(x), TensorData.From(y, "y"));
            AssertInputGradient(name, model, reference, layer, x, y.Cast<float>().ToArray());
        }
    }

    [Fact]
    public void Peephole_weights_are_parameters_initialized_as_keras()
    {
        using var model = new PeepholeLstmModel(device, seed: 3);
        var peepholes = model.Parameters.Where(p => p.Name.EndsWith("_peephole", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, peepholes.Count); // i, f, o for each of the two LSTM layers
        Assert.All(peepholes, p => Assert.Equal((1, p.Layer == "lstm" ? 4 : 3), (p.Rows, p.Cols)));

        // LSTM(4) on 3 features: kernel 3·16 + recurrent 4·16 + bias 16 + peepholes 3·4.
        Assert.Equal(3 * 16 + 4 * 16 + 16 + 3 * 4, model.Parameters.Where(p => p.Layer == "lstm").Sum(p => p.Length));
        Assert.Contains(PeepholeLstmModel.Summary.Split('\n'), line => line.StartsWith(" lstm (LSTM(4))", StringComparison.Ordinal) && line.TrimEnd().EndsWith(" 140", StringComparison.Ordinal));
        Assert.Equal(140, PeepholeLstmModel.Layers.LstmParameters);

        // Keras uses the kernel initializer (Glorot uniform) on a [units] vector: fans units and units.
        var weights = model.GetWeights();
        var input = peepholes.First(p => p.Layer == "lstm");
        var values = weights.Skip(input.Offset).Take(input.Length).ToArray();
        double limit = Math.Sqrt(6.0 / (4 + 4));
        Assert.All(values, v => Assert.InRange(Math.Abs(v), 0, limit));
        Assert.Contains(values, v => v != 0f);
    }

    [Fact]
    public void Layer_norm_gamma_and_beta_start_at_one_and_zero()
    {
        using var model = new LayerNormRnnModel(device, seed: 3);
        var weights = model.GetWeights();
        var gamma = model.Parameters.Single(p => p.Layer == "simple_rnn" && p.Name == "layer_norm_gamma");
        var beta = model.Parameters.Single(p => p.Layer == "simple_rnn" && p.Name == "layer_norm_beta");
        Assert.Equal(5, gamma.Length);
        Assert.All(weights.Skip(gamma.Offset).Take(gamma.Length), v => Assert.Equal(1f, v));
        Assert.All(weights.Skip(beta.Offset).Take(beta.Length), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void GoBackwards_equals_the_forward_layer_on_the_reversed_input()
    {
        // A reversed-input reference: the GoBackwards model's weights in a forward-only reference fed x reversed.
        var (model, _, x, _) = Build("GoBackwards");
        using (model)
        {
            var predicted = Predict(model, x);
            var weights = model.GetWeights().Select(v => (double)v).ToArray();
            var forwardOnly = new ReferenceNetwork(model.Description).Dense("time_distributed", 2, 3)
                .Recurrent("lstm", new CellOptions(Cell.LSTM, 3, 4) { ReturnSequences = true })
                .Recurrent("gru", new CellOptions(Cell.GRU, 4, 3) { ReturnSequences = true })
                .Recurrent("simple_rnn", new CellOptions(Cell.SimpleRNN, 3, 2))
                .Dense("dense", 2, 1);

            // Three reversals: lstm reads x reversed; gru reads lstm's (processing-order) output reversed, i.e. in
            // x's order, so it sees the forward-run lstm on reversed x, reversed again; likewise simple_rnn.
            for (int b = 0; b < x.GetLength(0); b++)
            {
                var sample = ReferenceNetwork.Sample(x, b);
                var reversed = sample.Reverse().ToArray();
                var afterDense = forwardOnly.Through(weights, reversed, 1);
                var lstm = new ReferenceNetwork(model.Description).Recurrent("lstm", new CellOptions(Cell.LSTM, 3, 4) { ReturnSequences = true }).Through(weights, afterDense, 1);
                var gru = new ReferenceNetwork(model.Description).Recurrent("gru", new CellOptions(Cell.GRU, 4, 3) { ReturnSequences = true }).Through(weights, lstm.Reverse().ToArray(), 1);
                double expected = new ReferenceNetwork(model.Description).Recurrent("simple_rnn", new CellOptions(Cell.SimpleRNN, 3, 2)).Dense("dense", 2, 1)
                    .Forward(weights, gru.Reverse().ToArray())[0];
                Assert.True(Math.Abs(expected - predicted[b]) <= 1e-5, $"sample {b}: expected {expected}, got {predicted[b]}");
            }
        }
    }

    [Fact]
    public void Multiply_merge_is_the_forward_run_times_the_backward_run_on_the_reversed_input()
    {
        // A reversed-input reference: each direction's weights in a forward-only cell, the backward one fed x
        // reversed and its outputs reversed back, multiplied step by step, then the TimeDistributed(Dense).
        var (model, _, x, _) = Build("BidirectionalMultiplySequence");
        using (model)
        {
            var predicted = Predict(model, x);
            var weights = model.GetWeights().Select(v => (double)v).ToArray();
            var options = new CellOptions(Cell.SimpleRNN, 2, 3);
            var reference = new ReferenceNetwork(model.Description);
            var dense = new ReferenceNetwork(model.Description).Dense("time_distributed", 3, 2);
            int steps = x.GetLength(1);
            for (int b = 0; b < x.GetLength(0); b++)
            {
                var sample = ReferenceNetwork.Sample(x, b);
                var forward = reference.Direction(weights, "bidirectional", "forward_", options, sample);
                var backward = reference.Direction(weights, "bidirectional", "backward_", options, sample.Reverse().ToArray());
                var merged = Enumerable.Range(0, steps).Select(t => forward[t].Zip(backward[steps - 1 - t], (p, q) => p * q).ToArray()).ToArray();
                var expected = dense.Forward(weights, merged);
                for (int e = 0; e < expected.Length; e++)
                {
                    Assert.True(Math.Abs(expected[e] - predicted[b * expected.Length + e]) <= 1e-5, $"sample {b}, output {e}: expected {expected[e]}, got {predicted[b * expected.Length + e]}");
                }
            }
        }
    }

    /// <summary>Reset-before GRU with GoBackwards and a layer-normalized peephole LSTM.</summary>
    [Fact]
    public void PoCL_agrees_with_the_CPU_accelerator_on_the_new_cells() =>
        AssertPoclAgrees(d => new PoclCellModel(d, seed: 31));

    /// <summary>Layer-normalized GRUs (reset_after both ways, one GoBackwards) and a Multiply-merged Bidirectional GRU.</summary>
    [Fact]
    public void PoCL_agrees_with_the_CPU_accelerator_on_layer_normalized_GRUs_and_the_multiply_merge() =>
        AssertPoclAgrees(d => new PoclGruModel(d, seed: 32));

    /// <summary>A Multiply-merged Bidirectional LSTM as the last layer: the Huber gradient computed inside each direction's BPTT.</summary>
    [Fact]
    public void PoCL_agrees_with_the_CPU_accelerator_on_a_bidirectional_last_layer() =>
        AssertPoclAgrees(d => new PoclBidirectionalLastModel(d, seed: 33));

    /// <summary>Loss, every gradient and the predictions of one model on PoCL and on the CPU accelerator, within 1e-5 relative.</summary>
    private void AssertPoclAgrees(Func<SeqDevice, ModelBase> create)
    {
        var pocl = PoclDevice.OpenOrExplain();
        if (pocl is null)
        {
            return; // only with SEQDSL_REQUIRE_POCL=0 on a machine without PoCL (CI installs it)
        }

        using (pocl)
        {
            var random = new Random(23);
            var x = Inputs(random, 4, 7, 2);
            var y = Vectors(random, 4, 2);

            // PoCL builds each kernel from source, so each test compiles one model.
            using var onCpu = create(device);
            using var onPocl = create(pocl);
            GradientCheck.AssertDevicesAgree(onCpu.GetType().Name, onCpu.ComputeGradients(TensorData.From(x), TensorData.From(y, "y")), onPocl.ComputeGradients(TensorData.From(x), TensorData.From(y, "y")));
            var a = Predict(onCpu, x);
            var b = Predict(onPocl, x);
            for (int i = 0; i < a.Length; i++)
            {
                Assert.True(Math.Abs(a[i] - b[i]) <= 1e-5 * Math.Max(1, Math.Abs(a[i])), $"prediction {i}: {a[i]} vs {b[i]}");
            }
        }
    }
}
