using SeqDsl.Engine;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// The CharRnn sample's stack as a whole model (issue 8): Embedding → LSTM → LSTM → TimeDistributed(Dense, Softmax)
/// under sparse categorical cross-entropy, its forward pass and every parameter tensor's gradient against the
/// double-precision <see cref="LayerReference"/> (‖g − g_ref‖ / ‖g_ref‖ ≤ 1e-3 by central differences). The gradient
/// flows from the fused softmax loss through both LSTMs' BPTT into the embedding table.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class CharRnnStackTests
{
    private const int Vocabulary = 7;
    private const int EmbeddingWidth = 4;
    private const int Units = 5;

    private readonly SeqDevice device;

    public CharRnnStackTests(CpuDeviceFixture fixture) => device = fixture.Device;

    private static LayerReference Reference(ModelDescription description, bool training) =>
        new LayerReference(description, training)
            .Embedding("embedding", EmbeddingWidth)
            .Recurrent("lstm", new CellOptions(Cell.LSTM, EmbeddingWidth, Units) { ReturnSequences = true })
            .Recurrent("lstm_1", new CellOptions(Cell.LSTM, Units, Units) { ReturnSequences = true })
            .Dense("time_distributed", Units, Vocabulary, Activation.Softmax);

    private static float[,,] TokenIds(Random random, int n, int steps)
    {
        var x = new float[n, steps, 1];
        for (int i = 0; i < n; i++) for (int t = 0; t < steps; t++) x[i, t, 0] = random.Next(Vocabulary);
        return x;
    }

    /// <summary>The model takes any window length (no InputSteps): the forward pass is checked at two.</summary>
    [Theory]
    [InlineData(6)]
    [InlineData(3)]
    public void Forward_matches_reference(int steps)
    {
        using var model = new SmallCharModel(device, seed: 21);
        var x = TokenIds(new Random(21 + steps), 4, steps);
        LayerChecks.ForwardMatches(model, Reference(model.Description, training: false), x);

        // Each step's output is a distribution over the vocabulary.
        var predicted = LayerChecks.Flatten(LayerChecks.Predict(model, x));
        Assert.Equal(4 * steps * Vocabulary, predicted.Length);
        for (int r = 0; r < 4 * steps; r++)
        {
            Assert.Equal(1.0, predicted.Skip(r * Vocabulary).Take(Vocabulary).Sum(v => (double)v), 5);
        }
    }

    /// <summary>
    /// At the initial weights, and at weights spread over ±0.6: Keras's embeddings start within ±0.05, which leaves the
    /// LSTMs near their linear regime and the softmax near uniform; spread weights saturate gates and sharpen the output.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Gradients_match_finite_differences(bool spread)
    {
        using var model = new SmallCharModel(device, seed: 22);
        var random = new Random(22);
        if (spread)
        {
            model.SetWeights(model.GetWeights().Select(_ => (float)((random.NextDouble() - 0.5) * 1.2)).ToArray());
        }

        var x = TokenIds(random, 4, 6);
        var y = LayerChecks.Targets(random, Loss.SparseCategoricalCrossEntropy, 4, 6, Vocabulary, sequence: true);
        Assert.Equal(
            new[] { "embedding/embeddings", "lstm/kernel", "lstm/recurrent_kernel", "lstm/bias", "lstm_1/kernel", "lstm_1/recurrent_kernel", "lstm_1/bias", "time_distributed/kernel", "time_distributed/bias" },
            model.Description.Parameters.Select(p => p.Layer + "/" + p.Name));
        LayerChecks.ForwardMatches(model, Reference(model.Description, training: false), x);
        LayerChecks.GradientsMatch(model, Reference(model.Description, training: true), x, y, probabilities: true);
    }

    /// <summary>
    /// Sparse labels follow the predictions' shape rule (OutputShape) with one class index per step: [samples, steps,
    /// Vocabulary] predictions take [samples, steps, 1] targets, and targets of the predictions' own width are refused
    /// with the shape they must have.
    /// </summary>
    [Fact]
    public void Sparse_targets_have_the_predictions_shape_with_one_class_index_per_step()
    {
        using var model = new SmallCharModel(device, seed: 23);
        var x = TokenIds(new Random(6), 3, 4);
        var predictions = model.Predict(x);
        Assert.Equal(new[] { 3, 4, Vocabulary }, new[] { predictions.GetLength(0), predictions.GetLength(1), predictions.GetLength(2) });

        model.Evaluate(x, TokenIds(new Random(7), 3, 4));
        var error = Assert.Throws<ArgumentException>(() => model.Evaluate(x, new float[3, 4, Vocabulary]));
        Assert.Equal("y", error.ParamName);
        Assert.Contains("expected shape [3, 4, 1] (samples, output steps, 1 class index), got [3, 4, 7]", error.Message);
    }
}
