using SeqDsl.Engine;
using static SeqDsl.Kernels.Tests.CellTestSupport;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// ReturnState on Bidirectional layers (Keras's <c>[output, forward_h, forward_c, backward_h, backward_c]</c>): a state
/// per direction, named "layer/forward" and "layer/backward", equal to the reference's; the backward direction's final
/// state equals its cell run over the reversed input (the state after input step 0); given states start each direction
/// on its own; training still starts from zeros; wrong states are refused by layer, direction and shape; an encoder's
/// two directions, concatenated, start a decoder twice as wide.
/// </summary>
public partial class ReturnStateTests
{
    private static CellOptions BidirectionalLstm => new(Cell.LSTM, 2, 4) { ReturnSequences = true, Stateful = true };

    private static CellOptions BidirectionalGru => new(Cell.GRU, 8, 3) { ReturnSequences = true, Stateful = true };

    private static ReferenceNetwork BidirectionalReference(ModelDescription description) => new ReferenceNetwork(description)
        .Bidirectional("bidirectional", BidirectionalLstm, MergeMode.Concat)
        .Bidirectional("bidirectional_1", BidirectionalGru, MergeMode.Sum)
        .Recurrent("simple_rnn", new CellOptions(Cell.SimpleRNN, 3, 3) { Stateful = true })
        .Dense("dense", 3, 2);

    private static ReferenceNetwork MergeReference(ModelDescription description) => new ReferenceNetwork(description)
        .Bidirectional("bidirectional", new CellOptions(Cell.SimpleRNN, 2, 3) { ReturnSequences = true, Stateful = true }, MergeMode.Average)
        .Bidirectional("bidirectional_1", new CellOptions(Cell.LSTM, 3, 3) { Stateful = true }, MergeMode.Multiply)
        .Dense("dense", 3, 2);

    private static ReferenceNetwork BidirectionalEncoderReference(ModelDescription description) => new ReferenceNetwork(description)
        .Bidirectional("bidirectional", new CellOptions(Cell.LSTM, 2, 4) { Stateful = true }, MergeMode.Concat)
        .Dense("dense", 8, 2);

    private static ReferenceNetwork WideDecoderReference(ModelDescription description) => new ReferenceNetwork(description)
        .Recurrent("lstm", new CellOptions(Cell.LSTM, 1, 8) { ReturnSequences = true, Stateful = true })
        .Dense("time_distributed", 8, 1);

    [Fact]
    public void Final_states_of_bidirectional_layers_match_the_reference_per_direction()
    {
        var random = new Random(71);
        var x = Inputs(random, 3, 6, 2);
        using (var model = new ReturnStateBidirectionalModel(device, seed: 21))
        {
            var (output, states) = model.PredictWithState(x);
            AssertAgainstReference("concat and sum", model, BidirectionalReference(model.Description), x, Flat(output), states, initial: null);
            Assert.Equal(
                new[] { "bidirectional/forward", "bidirectional/backward", "bidirectional_1/forward", "bidirectional_1/backward", "simple_rnn" },
                states.Select(s => s.Layer));
            Assert.Same(states[1], states["bidirectional/backward"]);
            var whole = Assert.Throws<KeyNotFoundException>(() => states["bidirectional"]);
            Assert.Contains("bidirectional is Bidirectional: ask for 'bidirectional/forward' or 'bidirectional/backward'", whole.Message);
            Assert.NotNull(states["bidirectional/forward"].C);
            Assert.Null(states["bidirectional_1/backward"].C);
            Assert.True(MaxDifference(Flat(states[0].H), Flat(states[1].H)) > 1e-3, "the two directions returned the same state");
        }

        using (var model = new ReturnStateBidirectionalMergeModel(device, seed: 22))
        {
            var (output, states) = model.PredictWithState(x);
            AssertAgainstReference("average and multiply", model, MergeReference(model.Description), x, Flat(output), states, initial: null);
            Assert.Equal(new[] { "bidirectional/forward", "bidirectional/backward", "bidirectional_1/forward", "bidirectional_1/backward" }, states.Select(s => s.Layer));
        }
    }

    [Fact]
    public void The_backward_direction_ends_where_its_cell_run_over_the_reversed_input_ends()
    {
        var random = new Random(72);
        var x = Inputs(random, 3, 5, 2);
        using var model = new ReturnStateBidirectionalModel(device, seed: 23);
        var weights = model.GetWeights().Select(v => (double)v).ToArray();
        foreach (var initial in new[] { null, RandomState(random, model.Description, 3) })
        {
            string from = initial is null ? "from zeros" : "from a given state";
            var (_, states) = model.PredictWithState(x, initial);
            var reference = BidirectionalReference(model.Description);
            SetInitialStates(reference, model.Description, initial, x.GetLength(0)); // layer 0 of the reference starts there too
            double[]? Start(int i, int b) => initial is null ? null : Row(initial[i], b);
            for (int b = 0; b < x.GetLength(0); b++)
            {
                reference.ForSample(b);
                var sample = ReferenceNetwork.Sample(x, b);
                var hidden = reference.Through(weights, sample, 1); // what bidirectional_1 reads
                AssertState($"LSTM forward {from}", states[0], b, reference.FinalState(weights, "bidirectional", "forward_", BidirectionalLstm, sample, Start(0, b)));
                AssertState($"LSTM backward {from}", states[1], b, reference.FinalState(weights, "bidirectional", "backward_", BidirectionalLstm, Reversed(sample), Start(1, b)));
                AssertState($"GRU forward {from}", states[2], b, reference.FinalState(weights, "bidirectional_1", "forward_", BidirectionalGru, hidden, Start(2, b)));
                AssertState($"GRU backward {from}", states[3], b, reference.FinalState(weights, "bidirectional_1", "backward_", BidirectionalGru, Reversed(hidden), Start(3, b)));
            }
        }
    }

    [Fact]
    public void Given_initial_states_start_each_direction_on_its_own()
    {
        var random = new Random(73);
        var x = Inputs(random, 3, 5, 2);
        using (var model = new ReturnStateBidirectionalModel(device, seed: 24))
        {
            var initial = RandomState(random, model.Description, 3);
            var (output, states) = model.PredictWithState(x, initial, batchSize: 2); // two chunks: rows of the state follow their samples
            AssertAgainstReference("concat and sum from a given state", model, BidirectionalReference(model.Description), x, Flat(output), states, initial);
            var (fromZeros, _) = model.PredictWithState(x);
            Assert.True(MaxDifference(Flat(output), Flat(fromZeros)) > 1e-3, "the given initial state changed nothing");
        }

        using (var model = new ReturnStateBidirectionalMergeModel(device, seed: 25))
        {
            var (fromZeros, _) = model.PredictWithState(x);
            var initial = RandomState(random, model.Description, 3);
            foreach (var direction in new[] { "forward", "backward" })
            {
                // Only this direction's states given (the other's zeros): the output changes, exactly as the reference's.
                var one = OnlyDirection(initial, model.Description, direction);
                var (output, states) = model.PredictWithState(x, one);
                AssertAgainstReference($"average and multiply from a given {direction} state", model, MergeReference(model.Description), x, Flat(output), states, one);
                Assert.True(MaxDifference(Flat(output), Flat(fromZeros)) > 1e-3, $"the given {direction} state changed nothing");
            }
        }
    }

    [Fact]
    public void Training_starts_from_zeros_after_a_bidirectional_prediction_from_a_given_state()
    {
        var random = new Random(74);
        var x = Inputs(random, 3, 5, 2);
        var y = Vectors(random, 3, 2);
        using var model = new ReturnStateBidirectionalModel(device, seed: 26);
        model.PredictWithState(x, RandomState(random, model.Description, 3)); // leaves given states in both directions' carry buffers
        var (gradients, loss) = model.ComputeGradients(TensorData.From(x), TensorData.From(y, "y"));
        var reference = BidirectionalReference(model.Description);
        var weights = model.GetWeights().Select(v => (double)v).ToArray();
        var targets = y.Cast<float>().ToArray();
        double referenceLoss = reference.Loss(weights, x, targets, model.Description.Loss);
        GradientCheck.AssertLoss(loss, referenceLoss, "from zeros");
        AssertParameterGradients("ReturnStateBidirectionalModel", model, reference, x, targets, gradients);
    }

    [Fact]
    public void Wrong_bidirectional_initial_states_are_refused_by_layer_direction_and_shape()
    {
        var x = Inputs(new Random(75), 3, 4, 2);
        using var model = new ReturnStateBidirectionalModel(device, seed: 27);
        var (_, good) = model.PredictWithState(x);
        RecurrentState With(int i, LayerState state) => new(good.Select((g, k) => k == i ? state : g));

        var count = Refused(() => model.PredictWithState(x, new RecurrentState(good.Take(4))));
        Assert.Contains("holds 4 layer state(s), but ReturnStateBidirectionalModel returns 5 state(s), a Bidirectional layer one per direction", count);
        Assert.Contains("bidirectional/forward (forward direction of Bidirectional(LSTM(4))), bidirectional/backward (backward direction of Bidirectional(LSTM(4)))", count);
        Assert.Contains("one LayerState per ReturnState layer and direction (forward, then backward)", count);

        var units = Refused(() => model.PredictWithState(x, With(1, new LayerState(new float[3, 5], new float[3, 5]))));
        Assert.Contains("initialState[1].H for layer bidirectional/backward (backward direction of Bidirectional(LSTM(4))) must be [samples, units] = [3, 4]", units);
        Assert.Contains("got [3, 5]", units);

        var rows = Refused(() => model.PredictWithState(x, With(2, new LayerState(new float[2, 3]))));
        Assert.Contains("initialState[2].H for layer bidirectional_1/forward (forward direction of Bidirectional(GRU(3)", rows);
        Assert.Contains("must be [samples, units] = [3, 3]", rows);
        Assert.Contains("got [2, 3]", rows);

        var missingC = Refused(() => model.PredictWithState(x, With(1, new LayerState(new float[3, 4]))));
        Assert.Contains("initialState[1].C is missing: layer bidirectional/backward (backward direction of Bidirectional(LSTM(4))) is an LSTM", missingC);

        var cellOnGru = Refused(() => model.PredictWithState(x, With(3, new LayerState(new float[3, 3], new float[3, 3]))));
        Assert.Contains("initialState[3].C must be null: layer bidirectional_1/backward (backward direction of Bidirectional(GRU(3)", cellOnGru);

        var badC = Refused(() => model.PredictWithState(x, With(0, new LayerState(new float[3, 4], new float[3, 2]))));
        Assert.Contains("initialState[0].C for layer bidirectional/forward (forward direction of Bidirectional(LSTM(4))) must be [samples, units] = [3, 4]", badC);
        Assert.Contains("got [3, 2]", badC);
    }

    [Fact]
    public void A_bidirectional_encoder_concatenated_state_starts_a_wide_decoder()
    {
        var random = new Random(76);
        var x = Inputs(random, 3, 6, 2);
        var decoderInput = Inputs(random, 3, 4, 1);
        using var encoder = new ReturnStateBidirectionalEncoderModel(device, seed: 28);
        using var decoder = new ReturnStateWideDecoderModel(device, seed: 29);
        var (encoded, encoderStates) = encoder.PredictWithState(x);
        AssertAgainstReference("bidirectional encoder", encoder, BidirectionalEncoderReference(encoder.Description), x, Flat(encoded), encoderStates, initial: null);

        // Keras: state_h = Concatenate()([forward_h, backward_h]), and the same for c.
        var forward = encoderStates["bidirectional/forward"];
        var backward = encoderStates["bidirectional/backward"];
        var joined = LayerState.Concatenate(forward, backward);
        Assert.Equal("bidirectional", joined.Layer);
        Assert.Equal((3, 8), (joined.Samples, joined.Units));
        for (int b = 0; b < 3; b++) for (int u = 0; u < 4; u++)
        {
            Assert.Equal((forward.H[b, u], backward.H[b, u]), (joined.H[b, u], joined.H[b, 4 + u]));
            Assert.Equal((forward.C![b, u], backward.C![b, u]), (joined.C![b, u], joined.C[b, 4 + u]));
        }

        var initial = new RecurrentState(joined);
        var (decoded, decoderStates) = decoder.PredictWithState(decoderInput, initial);
        AssertAgainstReference("wide decoder", decoder, WideDecoderReference(decoder.Description), decoderInput, Flat(decoded), decoderStates, initial);
        var (unconditioned, _) = decoder.PredictWithState(decoderInput);
        Assert.True(MaxDifference(Flat(decoded), Flat(unconditioned)) > 1e-3, "the encoder's state changed nothing");
    }

    [Fact]
    public void Concatenate_joins_directions_side_by_side_and_refuses_mismatched_states()
    {
        var forward = new LayerState("encoder/forward", new float[,] { { 1, 2 } }, new float[,] { { 3, 4 } });
        var backward = new LayerState("encoder/backward", new float[,] { { 5 } }, new float[,] { { 6 } });
        var joined = LayerState.Concatenate(forward, backward);
        Assert.Equal("encoder", joined.Layer);
        Assert.Equal(new float[,] { { 1, 2, 5 } }, joined.H);
        Assert.Equal(new float[,] { { 3, 4, 6 } }, joined.C!);
        Assert.Equal(string.Empty, LayerState.Concatenate(new LayerState(new float[1, 2]), new LayerState(new float[1, 2])).Layer);
        Assert.Null(LayerState.Concatenate(new LayerState(new float[1, 2]), new LayerState(new float[1, 2])).C);

        var rows = Assert.Throws<ArgumentException>(() => LayerState.Concatenate(forward, new LayerState(new float[2, 1], new float[2, 1])));
        Assert.Contains("the state of encoder/forward has 1 rows, a state built by hand has 2", rows.Message);
        var cell = Assert.Throws<ArgumentException>(() => LayerState.Concatenate(forward, new LayerState("gru", new float[1, 1])));
        Assert.Contains("both have a cell state C (LSTM) or both have none: the state of encoder/forward has one, the state of gru has none", cell.Message);
        Assert.Throws<ArgumentNullException>(() => LayerState.Concatenate(forward, null!));
    }

    [Fact]
    public void PoCL_agrees_with_the_CPU_accelerator_on_bidirectional_states()
    {
        var pocl = PoclDevice.OpenOrExplain();
        if (pocl is null)
        {
            return; // only with SEQDSL_REQUIRE_POCL=0 on a machine without PoCL (CI installs it)
        }

        using (pocl)
        {
            var random = new Random(77);
            var x = Inputs(random, 4, 6, 2);
            using (var onCpu = new ReturnStateBidirectionalModel(device, seed: 30))
            using (var onPocl = new ReturnStateBidirectionalModel(pocl, seed: 30))
            {
                var initial = RandomState(random, onCpu.Description, 4);
                var (a, statesCpu) = onCpu.PredictWithState(x, initial);
                var (b, statesPocl) = onPocl.PredictWithState(x, initial);
                Assert.True(MaxDifference(Flat(a), Flat(b)) <= Tolerance, $"concat and sum: outputs differ by {MaxDifference(Flat(a), Flat(b)):E2}");
                AssertSameStates("concat and sum, PoCL vs CPU", statesCpu, statesPocl);
            }

            using (var onCpu = new ReturnStateBidirectionalMergeModel(device, seed: 31))
            using (var onPocl = new ReturnStateBidirectionalMergeModel(pocl, seed: 31))
            {
                var initial = RandomState(random, onCpu.Description, 4);
                var (a, statesCpu) = onCpu.PredictWithState(x, initial);
                var (b, statesPocl) = onPocl.PredictWithState(x, initial);
                Assert.True(MaxDifference(Flat(a), Flat(b)) <= Tolerance, $"average and multiply: outputs differ by {MaxDifference(Flat(a), Flat(b)):E2}");
                AssertSameStates("average and multiply, PoCL vs CPU", statesCpu, statesPocl);
            }
        }
    }

    /// <summary>Gives the reference the same initial states as the model (none when null).</summary>
    private static void SetInitialStates(ReferenceNetwork reference, ModelDescription description, RecurrentState? initial, int samples)
    {
        if (initial is null)
        {
            return;
        }

        var layers = description.ReturnedStates;
        for (int i = 0; i < layers.Count; i++)
        {
            reference.InitialStates[ReferenceKey(layers[i])] = Enumerable.Range(0, samples).ToDictionary(b => b, b => Row(initial[i], b));
        }
    }

    /// <summary><paramref name="initial"/> with the states of every direction but <paramref name="direction"/> set to zeros.</summary>
    private static RecurrentState OnlyDirection(RecurrentState initial, ModelDescription description, string direction) =>
        new(initial.Select((s, i) => description.ReturnedStates[i].Direction == direction
            ? s
            : new LayerState(new float[s.Samples, s.Units], s.C is null ? null : new float[s.Samples, s.Units])));

    private static double[][] Reversed(double[][] sequence) => sequence.Reverse().ToArray();

    private static void AssertState(string name, LayerState state, int b, double[] expected)
    {
        var got = Row(state, b);
        Assert.Equal(expected.Length, got.Length);
        for (int u = 0; u < got.Length; u++)
        {
            Assert.True(Math.Abs(expected[u] - got[u]) <= Tolerance, $"{name}: {state.Layer} sample {b}, state value {u}: expected {expected[u]}, got {got[u]}");
        }
    }
}
