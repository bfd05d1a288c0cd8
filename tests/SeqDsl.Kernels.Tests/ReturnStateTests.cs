using SeqDsl.Engine;
using static SeqDsl.Kernels.Tests.CellTestSupport;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// ReturnState (Keras return_state / initial_state, the seed's <c>output, hc_states = lstm(input_seq, hc_states)</c>):
/// the final states PredictWithState returns equal the plain C# reference's for SimpleRNN, LSTM and GRU, forwards and
/// with GoBackwards; a given initial state is where the reference starts too; a sequence cut in two continues exactly
/// from the first half's state; an encoder's state starts a decoder; wrong states are refused by name and shape.
/// The reference records final states and reads initial states of layers it runs with <c>Stateful = true</c>, which is
/// all that flag changes there.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public partial class ReturnStateTests
{
    private const double Tolerance = 1e-5;

    private readonly SeqDevice device;

    public ReturnStateTests(CpuDeviceFixture fixture) => device = fixture.Device;

    private static ReferenceNetwork StackReference(ModelDescription description) => new ReferenceNetwork(description)
        .Dense("time_distributed", 2, 3)
        .Recurrent("lstm", new CellOptions(Cell.LSTM, 3, 4) { ReturnSequences = true, Stateful = true })
        .Recurrent("gru", new CellOptions(Cell.GRU, 4, 3) { ReturnSequences = true, Stateful = true })
        .Recurrent("simple_rnn", new CellOptions(Cell.SimpleRNN, 3, 3) { ReturnSequences = true, Stateful = true })
        .Dense("time_distributed_1", 3, 2);

    private static ReferenceNetwork BackwardsReference(ModelDescription description) => new ReferenceNetwork(description)
        .Recurrent("gru", new CellOptions(Cell.GRU, 2, 3) { ReturnSequences = true, GoBackwards = true, ResetAfter = false, Stateful = true })
        .Recurrent("lstm", new CellOptions(Cell.LSTM, 3, 4) { ReturnSequences = true, GoBackwards = true, Stateful = true })
        .Recurrent("simple_rnn", new CellOptions(Cell.SimpleRNN, 4, 3) { GoBackwards = true, Stateful = true })
        .Dense("dense", 3, 2);

    private static ReferenceNetwork DecoderReference(ModelDescription description) => new ReferenceNetwork(description)
        .Recurrent("lstm", new CellOptions(Cell.LSTM, 1, 4) { ReturnSequences = true, Stateful = true })
        .Dense("time_distributed", 4, 1);

    [Fact]
    public void Final_states_of_forward_cells_match_the_reference()
    {
        var x = Inputs(new Random(61), 3, 7, 2);
        using var model = new ReturnStateStackModel(device, seed: 3);
        var (output, states) = model.PredictWithState(x);
        AssertAgainstReference("stack", model, StackReference(model.Description), x, Flat(output), states, initial: null);
        Assert.Equal(new[] { "lstm", "gru", "simple_rnn" }, states.Select(s => s.Layer));
        Assert.Same(states[1], states["gru"]);
    }

    [Fact]
    public void Final_states_with_GoBackwards_match_the_reference()
    {
        var x = Inputs(new Random(62), 3, 6, 2);
        using var model = new ReturnStateBackwardsModel(device, seed: 4);
        var (output, states) = model.PredictWithState(x);
        AssertAgainstReference("backwards", model, BackwardsReference(model.Description), x, Flat(output), states, initial: null);
    }

    [Fact]
    public void A_given_initial_state_is_where_every_cell_starts()
    {
        var random = new Random(63);
        var x = Inputs(random, 3, 5, 2);
        using (var model = new ReturnStateStackModel(device, seed: 5))
        {
            var initial = RandomState(random, model.Description, 3);
            var (output, states) = model.PredictWithState(x, initial);
            AssertAgainstReference("stack from a given state", model, StackReference(model.Description), x, Flat(output), states, initial);
            var (fromZeros, _) = model.PredictWithState(x);
            Assert.True(MaxDifference(Flat(output), Flat(fromZeros)) > 1e-3, "the given initial state changed nothing");
        }

        using (var model = new ReturnStateBackwardsModel(device, seed: 6))
        {
            var initial = RandomState(random, model.Description, 3);
            var (output, states) = model.PredictWithState(x, initial, batchSize: 2); // two chunks: rows of the state follow their samples
            AssertAgainstReference("backwards from a given state", model, BackwardsReference(model.Description), x, Flat(output), states, initial);
        }
    }

    [Fact]
    public void A_sequence_cut_in_two_continues_from_the_first_half_state()
    {
        var x = Inputs(new Random(64), 3, 9, 2);
        using var model = new ReturnStateStackModel(device, seed: 7);
        var (whole, wholeStates) = model.PredictWithState(x);
        var (_, half) = model.PredictWithState(Slice(x, 0, 4), batchSize: 2);
        var (rest, restStates) = model.PredictWithState(Slice(x, 4, 5), half, batchSize: 2);
        for (int b = 0; b < 3; b++) for (int t = 0; t < 5; t++) for (int f = 0; f < 2; f++)
        {
            Assert.True(Math.Abs(whole[b, 4 + t, f] - rest[b, t, f]) <= Tolerance, $"sample {b}, step {4 + t}, output {f}: whole {whole[b, 4 + t, f]}, continued {rest[b, t, f]}");
        }

        AssertSameStates("continued", wholeStates, restStates);
    }

    [Fact]
    public void A_backwards_layer_continues_from_the_state_of_the_later_half()
    {
        // GoBackwards reads the last steps first: the later half runs first, its state starts the earlier half.
        var x = Inputs(new Random(65), 2, 8, 2);
        using var model = new ReturnStateEncoderModel(device, seed: 8);
        var (whole, wholeStates) = model.PredictWithState(x);
        var (_, later) = model.PredictWithState(Slice(x, 5, 3));
        var (rest, restStates) = model.PredictWithState(Slice(x, 0, 5), later);
        Assert.True(MaxDifference(Flat(whole), Flat(rest)) <= Tolerance, $"output differs by {MaxDifference(Flat(whole), Flat(rest)):E2}");
        AssertSameStates("continued backwards", wholeStates, restStates);
    }

    [Fact]
    public void An_encoder_state_starts_the_decoder()
    {
        var random = new Random(66);
        var x = Inputs(random, 3, 6, 2);
        var decoderInput = Inputs(random, 3, 4, 1);
        using var encoder = new ReturnStateEncoderModel(device, seed: 9);
        using var decoder = new ReturnStateDecoderModel(device, seed: 10);
        var (_, encoded) = encoder.PredictWithState(x);
        var (decoded, decoderStates) = decoder.PredictWithState(decoderInput, encoded);
        AssertAgainstReference("decoder", decoder, DecoderReference(decoder.Description), decoderInput, Flat(decoded), decoderStates, encoded);
        var (unconditioned, _) = decoder.PredictWithState(decoderInput);
        Assert.True(MaxDifference(Flat(decoded), Flat(unconditioned)) > 1e-3, "the encoder's state changed nothing");
        Assert.Equal(Flat(decoder.Predict(decoderInput)), Flat(unconditioned)); // Predict starts from zeros
    }

    [Fact]
    public void Training_starts_from_zeros_after_a_prediction_from_a_given_state()
    {
        var random = new Random(67);
        var x = Inputs(random, 3, 5, 2);
        var y = Inputs(random, 3, 5, 2);
        using var model = new ReturnStateStackModel(device, seed: 11);
        model.PredictWithState(x, RandomState(random, model.Description, 3)); // leaves a given state in the carry buffers
        var (gradients, loss) = model.ComputeGradients(TensorData.From(x), TensorData.From(y, "y"));
        var reference = StackReference(model.Description);
        var weights = model.GetWeights().Select(v => (double)v).ToArray();
        var targets = y.Cast<float>().ToArray();
        double referenceLoss = reference.Loss(weights, x, targets, model.Description.Loss);
        GradientCheck.AssertLoss(loss, referenceLoss, "from zeros");
        AssertParameterGradients("ReturnStateStackModel", model, reference, x, targets, gradients);
    }

    [Fact]
    public void Wrong_initial_states_are_refused_by_layer_and_shape()
    {
        var x = Inputs(new Random(68), 3, 4, 2);
        using var model = new ReturnStateStackModel(device, seed: 12);
        var (_, good) = model.PredictWithState(x);
        LayerState Replace(int i) => good[i];

        var count = Refused(() => model.PredictWithState(x, new RecurrentState(good[0], good[1])));
        Assert.Contains("holds 2 layer state(s)", count);
        Assert.Contains("3 ReturnState layer(s): lstm (LSTM(4)), gru (GRU(3)), simple_rnn (SimpleRNN(3))", count);

        var rows = Refused(() => model.PredictWithState(x, new RecurrentState(new LayerState(new float[2, 4], new float[2, 4]), Replace(1), Replace(2))));
        Assert.Contains("initialState[0].H for layer lstm (LSTM(4)) must be [samples, units] = [3, 4]", rows);
        Assert.Contains("got [2, 4]", rows);

        var units = Refused(() => model.PredictWithState(x, new RecurrentState(Replace(0), new LayerState(new float[3, 5]), Replace(2))));
        Assert.Contains("initialState[1].H for layer gru (GRU(3)) must be [samples, units] = [3, 3]", units);
        Assert.Contains("got [3, 5]", units);

        var missingC = Refused(() => model.PredictWithState(x, new RecurrentState(new LayerState(new float[3, 4]), Replace(1), Replace(2))));
        Assert.Contains("initialState[0].C is missing: layer lstm (LSTM(4)) is an LSTM", missingC);

        var cellOnGru = Refused(() => model.PredictWithState(x, new RecurrentState(Replace(0), new LayerState(new float[3, 3], new float[3, 3]), Replace(2))));
        Assert.Contains("initialState[1].C must be null: layer gru (GRU(3)) has no cell state", cellOnGru);

        var badC = Refused(() => model.PredictWithState(x, new RecurrentState(new LayerState(new float[3, 4], new float[3, 3]), Replace(1), Replace(2))));
        Assert.Contains("initialState[0].C for layer lstm (LSTM(4)) must be [samples, units] = [3, 4]", badC);
        Assert.Contains("got [3, 3]", badC);

        var nan = new float[3, 3];
        nan[2, 1] = float.NaN;
        var notFinite = Refused(() => model.PredictWithState(x, new RecurrentState(Replace(0), Replace(1), new LayerState(nan))));
        Assert.Contains("initialState[2].H[2, 1] for layer simple_rnn (SimpleRNN(3)) is NaN", notFinite);

        Assert.Null(typeof(LstmSequenceModel).GetMethod("PredictWithState")); // only models with a ReturnState layer have it
    }

    [Fact]
    public void PoCL_agrees_with_the_CPU_accelerator_on_returned_states()
    {
        var pocl = PoclDevice.OpenOrExplain();
        if (pocl is null)
        {
            return; // only with SEQDSL_REQUIRE_POCL=0 on a machine without PoCL (CI installs it)
        }

        using (pocl)
        {
            var random = new Random(69);
            var x = Inputs(random, 4, 6, 2);
            using var onCpu = new ReturnStateBackwardsModel(device, seed: 13);
            using var onPocl = new ReturnStateBackwardsModel(pocl, seed: 13);
            var initial = RandomState(random, onCpu.Description, 4);
            var (a, statesCpu) = onCpu.PredictWithState(x, initial);
            var (b, statesPocl) = onPocl.PredictWithState(x, initial);
            Assert.True(MaxDifference(Flat(a), Flat(b)) <= Tolerance, $"outputs differ by {MaxDifference(Flat(a), Flat(b)):E2}");
            AssertSameStates("PoCL vs CPU", statesCpu, statesPocl);
        }
    }

    /// <summary>Outputs and final states of every sample against the reference started from <paramref name="initial"/> (zeros when null).</summary>
    private static void AssertAgainstReference(string name, ModelBase model, ReferenceNetwork reference, float[,,] x, float[] output, RecurrentState states, RecurrentState? initial)
    {
        var layers = model.Description.ReturnedStates;
        Assert.Equal(layers.Count, states.Count);
        if (initial is not null)
        {
            for (int i = 0; i < layers.Count; i++)
            {
                reference.InitialStates[ReferenceKey(layers[i])] = Enumerable.Range(0, x.GetLength(0)).ToDictionary(b => b, b => Row(initial[i], b));
            }
        }

        AssertForward(name, model, reference, x, output); // also records the reference's final states
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            Assert.Equal(layer.HasCellState, states[i].C is not null);
            for (int b = 0; b < x.GetLength(0); b++)
            {
                var expected = reference.FinalStates[ReferenceKey(layer)][b];
                var got = Row(states[i], b);
                Assert.Equal(expected.Length, got.Length);
                for (int u = 0; u < got.Length; u++)
                {
                    Assert.True(Math.Abs(expected[u] - got[u]) <= Tolerance, $"{name}: {layer} sample {b}, {(u < layer.Units ? "h" : "c")}[{u % layer.Units}]: expected {expected[u]}, got {got[u]}");
                }
            }
        }
    }

    /// <summary>Where the reference keeps a state: the layer's name, or for a Bidirectional direction "name/forward_" / "name/backward_" (its parameter prefix).</summary>
    private static string ReferenceKey(ReturnedStateInfo state) => state.Direction is null ? state.Layer : state.Layer + "/" + state.Direction + "_";

    private static void AssertSameStates(string name, RecurrentState expected, RecurrentState got)
    {
        Assert.Equal(expected.Count, got.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            for (int b = 0; b < expected[i].Samples; b++)
            {
                var e = Row(expected[i], b);
                var g = Row(got[i], b);
                for (int u = 0; u < e.Length; u++)
                {
                    Assert.True(Math.Abs(e[u] - g[u]) <= Tolerance, $"{name}: {expected[i].Layer} sample {b}, state value {u}: {e[u]} vs {g[u]}");
                }
            }
        }
    }

    /// <summary>One sample's state as the reference keeps it: h, then c for LSTM.</summary>
    private static double[] Row(LayerState state, int b)
    {
        var row = Enumerable.Range(0, state.Units).Select(u => (double)state.H[b, u]);
        if (state.C is { } c)
        {
            row = row.Concat(Enumerable.Range(0, state.Units).Select(u => (double)c[b, u]));
        }

        return row.ToArray();
    }

    private static RecurrentState RandomState(Random random, ModelDescription description, int samples) =>
        new(description.ReturnedStates.Select(l => new LayerState(Vectors(random, samples, l.Units), l.HasCellState ? Vectors(random, samples, l.Units) : null)));

    private static string Refused(Action call)
    {
        var e = Assert.Throws<ArgumentException>(call);
        Assert.Equal("initialState", e.ParamName);
        return e.Message;
    }

    private static float[] Flat(Array a) => a.Cast<float>().ToArray();

    private static double MaxDifference(float[] a, float[] b) => a.Zip(b).Max(p => (double)Math.Abs(p.First - p.Second));
}
