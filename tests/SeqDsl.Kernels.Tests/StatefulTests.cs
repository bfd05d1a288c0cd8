using SeqDsl.Engine;
using static SeqDsl.Kernels.Tests.CellTestSupport;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// Stateful recurrent layers (seed 002): the state is carried from batch to batch until ResetStates(), so one long
/// sequence equals the same sequence cut into consecutive batches, and a one-step-at-a-time generation loop needs no
/// prefix recomputation. Gradients with a carried state are checked against the reference started from that state.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class StatefulTests
{
    private const int Batch = 3;

    private readonly SeqDevice device;

    public StatefulTests(CpuDeviceFixture fixture) => device = fixture.Device;

    [Fact]
    public void One_long_sequence_equals_consecutive_stateful_batches()
    {
        var x = Inputs(new Random(41), Batch, 12, 2);
        using var model = new StatefulModel(device, seed: 5);
        var whole = Predict(model, x, Batch); // [3, 12, 2], starting from zeros

        model.ResetStates();
        var pieces = new[] { (0, 5), (5, 4), (9, 3) }.Select(c => (c.Item1, c.Item2, Predict(model, Slice(x, c.Item1, c.Item2), Batch))).ToList();
        foreach (var (from, count, piece) in pieces)
        {
            for (int b = 0; b < Batch; b++) for (int t = 0; t < count; t++) for (int f = 0; f < 2; f++)
            {
                float expected = whole[(b * 12 + from + t) * 2 + f], got = piece[(b * count + t) * 2 + f];
                Assert.True(Math.Abs(expected - got) <= 1e-5, $"sample {b}, step {from + t}, output {f}: whole {expected}, in pieces {got}");
            }
        }
    }

    [Fact]
    public void Generation_loop_feeds_one_step_at_a_time_without_the_prefix()
    {
        var x = Inputs(new Random(42), Batch, 10, 2);
        using var model = new StatefulModel(device, seed: 6);
        var whole = Predict(model, x, Batch);
        model.ResetStates();
        for (int t = 0; t < 10; t++)
        {
            var step = Predict(model, Slice(x, t, 1), Batch); // [3, 1, 2]: only the new step goes in
            for (int b = 0; b < Batch; b++) for (int f = 0; f < 2; f++)
            {
                Assert.True(Math.Abs(whole[(b * 10 + t) * 2 + f] - step[b * 2 + f]) <= 1e-5, $"sample {b}, step {t}: {whole[(b * 10 + t) * 2 + f]} vs {step[b * 2 + f]}");
            }
        }
    }

    [Fact]
    public void Generation_loop_feeds_each_prediction_back_as_the_next_input()
    {
        const int Prefix = 5, Generated = 6;
        var prefix = Inputs(new Random(47), 2, Prefix, 1);
        using var model = new StatefulVectorModel(device, seed: 8);
        var all = new float[2, Prefix + Generated, 1];
        for (int b = 0; b < 2; b++) for (int t = 0; t < Prefix; t++) all[b, t, 0] = prefix[b, t, 0];

        var next = Predict(model, prefix, 2); // one forecast per sequence after the prefix
        for (int k = 0; k < Generated; k++)
        {
            var feed = new float[2, 1, 1];
            for (int b = 0; b < 2; b++) feed[b, 0, 0] = all[b, Prefix + k, 0] = next[b];
            next = Predict(model, feed, 2); // only the new step: the state holds the prefix
        }

        model.ResetStates();
        var recomputed = Predict(model, all, 2); // the whole generated sequence from a zero state
        for (int b = 0; b < 2; b++)
        {
            Assert.True(Math.Abs(recomputed[b] - next[b]) <= 1e-5, $"sample {b}: generated {next[b]}, recomputed {recomputed[b]}");
        }
    }

    [Fact]
    public void Vector_output_of_the_last_piece_equals_the_whole_sequence()
    {
        var x = Inputs(new Random(43), 2, 9, 1);
        using var model = new StatefulVectorModel(device, seed: 7);
        var whole = Predict(model, x, 2);
        model.ResetStates();
        Predict(model, Slice(x, 0, 4), 2);
        var last = Predict(model, Slice(x, 4, 5), 2);
        for (int b = 0; b < 2; b++)
        {
            Assert.True(Math.Abs(whole[b] - last[b]) <= 1e-5, $"sample {b}: {whole[b]} vs {last[b]}");
        }
    }

    [Fact]
    public void State_persists_until_ResetStates()
    {
        var x = Inputs(new Random(44), Batch, 4, 2);
        using var model = new StatefulModel(device, seed: 8);
        var first = Predict(model, x, Batch);
        var carried = Predict(model, x, Batch);
        Assert.True(first.Zip(carried).Max(p => Math.Abs(p.First - p.Second)) > 1e-3, "the second call started from zeros again");
        model.ResetStates();
        var reset = Predict(model, x, Batch);
        Assert.Equal(first, reset);
    }

    [Fact]
    public void Gradients_with_a_carried_state_match_finite_differences()
    {
        var random = new Random(45);
        var x = Inputs(random, Batch, 10, 2);
        var first = Slice(x, 0, 6);
        var second = Slice(x, 6, 4);
        var y = Inputs(random, Batch, 4, 2);
        using var model = new StatefulModel(device, seed: 9);
        var reference = new ReferenceNetwork(model.Description)
            .Recurrent("lstm", new CellOptions(Cell.LSTM, 2, 4) { ReturnSequences = true, Stateful = true })
            .Recurrent("gru", new CellOptions(Cell.GRU, 4, 3) { ReturnSequences = true, ResetAfter = false, Stateful = true })
            .Dense("time_distributed", 3, 2);

        // The first batch moves the model's state; the reference runs it too and keeps its final states.
        model.ComputeGradients(TensorData.From(first), TensorData.From(Inputs(random, Batch, 6, 2), "y"));
        var weights = model.GetWeights().Select(v => (double)v).ToArray();
        for (int b = 0; b < Batch; b++)
        {
            reference.ForSample(b).Forward(weights, ReferenceNetwork.Sample(first, b));
        }

        foreach (var (layer, states) in reference.FinalStates)
        {
            reference.InitialStates[layer] = new Dictionary<int, double[]>(states);
        }

        var (gradients, loss) = model.ComputeGradients(TensorData.From(second), TensorData.From(y, "y"));
        var targets = y.Cast<float>().ToArray();
        double referenceLoss = reference.Loss(weights, second, targets, model.Description.Loss);
        GradientCheck.AssertLoss(loss, referenceLoss, "from the carried state");
        AssertParameterGradients("StatefulModel", model, reference, second, targets, gradients);
        AssertInputGradient("StatefulModel", model, reference, 1, second, targets);
    }

    /// <summary>
    /// Keras's stateful Bidirectional: each direction carries its own state, so the backward direction, which ended at
    /// the first step of the previous batch, starts this batch's last step from there. The second batch's outputs,
    /// loss, parameter gradients and input gradient against the reference started from both directions' carried states.
    /// </summary>
    [Fact]
    public void Bidirectional_directions_each_carry_their_own_state()
    {
        var random = new Random(48);
        var first = Inputs(random, Batch, 5, 2);
        var second = Inputs(random, Batch, 4, 2);
        var y = Inputs(random, Batch, 4, 2);
        using var model = new StatefulBidirectionalModel(device, seed: 11);
        var reference = new ReferenceNetwork(model.Description).Dense("time_distributed", 2, 3)
            .Bidirectional("bidirectional", new CellOptions(Cell.LSTM, 3, 3) { ReturnSequences = true, Stateful = true }, MergeMode.Concat)
            .Bidirectional("bidirectional_1", new CellOptions(Cell.GRU, 6, 3) { ReturnSequences = true, Stateful = true }, MergeMode.Multiply)
            .Dense("time_distributed_1", 3, 2);

        var fromZero = Predict(model, first, Batch);
        AssertForward("StatefulBidirectional, first batch", model, reference, first, fromZero);
        var keys = reference.FinalStates.Keys.ToList();
        Assert.Equal(4, keys.Count); // two layers, two directions each
        foreach (var key in keys)
        {
            reference.InitialStates[key] = new Dictionary<int, double[]>(reference.FinalStates[key]);
        }

        var weights = model.GetWeights().Select(v => (double)v).ToArray();
        var (gradients, loss) = model.ComputeGradients(TensorData.From(second), TensorData.From(y, "y"));
        var targets = y.Cast<float>().ToArray();
        double referenceLoss = reference.Loss(weights, second, targets, model.Description.Loss);
        GradientCheck.AssertLoss(loss, referenceLoss, "from the carried states");
        AssertParameterGradients("StatefulBidirectional", model, reference, second, targets, gradients);
        AssertInputGradient("StatefulBidirectional", model, reference, 1, second, targets);
        AssertInputGradient("StatefulBidirectional", model, reference, 2, second, targets);

        // The carried state matters (a zero start differs), and ResetStates forgets it.
        model.ResetStates();
        Assert.Equal(fromZero, Predict(model, first, Batch));
        var carried = Predict(model, first, Batch);
        Assert.True(fromZero.Zip(carried).Max(p => Math.Abs(p.First - p.Second)) > 1e-3, "the second call started from zeros again");
    }

    [Fact]
    public void Fit_keeps_the_order_of_a_stateful_model()
    {
        var random = new Random(46);
        var x = Inputs(random, 2 * Batch, 8, 2);
        var y = Inputs(random, 2 * Batch, 8, 2);
        using var shuffled = new StatefulModel(device, seed: 10);
        using var ordered = new StatefulModel(device, seed: 10);
        var history = shuffled.Fit(x, y, epochs: 2, batchSize: Batch, options: new FitOptions { Shuffle = true });
        ordered.Fit(x, y, epochs: 2, batchSize: Batch, options: new FitOptions { Shuffle = false });
        Assert.True(history.Loss.All(double.IsFinite));
        Assert.Equal(ordered.GetWeights(), shuffled.GetWeights());
        Assert.Throws<ArgumentOutOfRangeException>(() => ordered.Fit(x, y, epochs: 1, batchSize: 2));
        var four = new float[4, 8, 2];
        Array.Copy(x, four, four.Length);
        var fourTargets = new float[4, 8, 2];
        Array.Copy(y, fourTargets, fourTargets.Length);
        var partial = Assert.Throws<ArgumentException>(() => ordered.Fit(four, fourTargets, epochs: 1, batchSize: Batch));
        Assert.Equal("x", partial.ParamName);
    }
}
