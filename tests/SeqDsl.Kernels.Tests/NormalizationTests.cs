using SeqDsl.Engine;

namespace SeqDsl.Kernels.Tests;

/// <summary>LayerNormalization and BatchNormalization: forward, gradients, running statistics, train vs inference.</summary>
[Collection(CpuDeviceCollection.Name)]
public class NormalizationTests
{
    private readonly SeqDevice device;

    public NormalizationTests(CpuDeviceFixture fixture) => device = fixture.Device;

    internal static LayerReference Reference(NormalizedModel model, bool training) =>
        new LayerReference(model.Description, training)
            .Dense("time_distributed", 3, 4, Activation.Tanh)
            .LayerNormalization("layer_normalization")
            .Dense("time_distributed_1", 4, 3, Activation.Tanh)
            .BatchNormalization("batch_normalization")
            .Dense("time_distributed_2", 3, 2);

    /// <summary>Non-trivial γ and β (they start at 1 and 0, which would hide a swapped or missing term).</summary>
    private static void Perturb(ModelBase model, int seed)
    {
        var random = new Random(seed);
        var weights = model.GetWeights();
        foreach (var p in model.Description.Parameters.Where(p => p.Name is "gamma" or "beta"))
        {
            for (int i = 0; i < p.Length; i++) weights[p.Offset + i] += (float)(random.NextDouble() - 0.5);
        }

        model.SetWeights(weights);
    }

    [Fact]
    public void Normalized_model_forward_matches_reference_in_inference_mode()
    {
        using var model = new NormalizedModel(device, seed: 1);
        Perturb(model, 1);
        LayerChecks.ForwardMatches(model, Reference(model, training: false), LayerChecks.Inputs(new Random(1), 4, 5, 3));
    }

    [Fact]
    public void Normalized_model_gradients_match_finite_differences()
    {
        var random = new Random(2);
        using var model = new NormalizedModel(device, seed: 2);
        Perturb(model, 2);
        var x = LayerChecks.Inputs(random, 4, 5, 3);
        var y = LayerChecks.Targets(random, Loss.Huber, 4, 5, 2, sequence: true);
        LayerChecks.GradientsMatch(model, Reference(model, training: true), x, y);
    }

    [Fact]
    public void Batch_norm_as_first_layer_matches_reference_in_both_modes()
    {
        var random = new Random(3);
        using var model = new BatchNormFirstModel(device, seed: 3);
        Perturb(model, 3);
        var x = LayerChecks.Inputs(random, 5, 4, 2);
        var y = LayerChecks.Targets(random, Loss.Mse, 5, 4, 3, sequence: true);
        LayerReference Reference(bool training) => new LayerReference(model.Description, training).BatchNormalization("batch_normalization").Dense("time_distributed", 2, 3);
        LayerChecks.GradientsMatch(model, Reference(training: true), x, y);
        LayerChecks.ForwardMatches(model, Reference(training: false), x);
    }

    [Fact]
    public void Batch_norm_updates_running_statistics_in_training_and_uses_them_at_inference()
    {
        var random = new Random(4);
        using var model = new BatchNormFirstModel(device, seed: 4);
        var x = LayerChecks.Inputs(random, 6, 3, 2);
        for (int i = 0; i < 6; i++) for (int t = 0; t < 3; t++) { x[i, t, 0] = x[i, t, 0] * 3 + 5; x[i, t, 1] -= 2; }

        var y = LayerChecks.Targets(random, Loss.Mse, 6, 3, 3, sequence: true);
        int mean = model.Parameters.Single(p => p.Name == "moving_mean").Offset;
        int variance = model.Parameters.Single(p => p.Name == "moving_variance").Offset;
        var before = model.GetWeights();
        Assert.Equal(new[] { 0f, 0f, 1f, 1f }, new[] { before[mean], before[mean + 1], before[variance], before[variance + 1] });

        // Inference leaves the statistics alone.
        model.Predict(x);
        Assert.Equal(before, model.GetWeights());

        // One training forward: m ← 0.9·m + 0.1·μ_batch, v ← 0.9·v + 0.1·σ²_batch (Momentum = 0.9 in this model).
        model.ComputeGradients(TensorData.From(x), TensorData.From(y, "y"));
        var after = model.GetWeights();
        for (int f = 0; f < 2; f++)
        {
            var values = Enumerable.Range(0, 6).SelectMany(i => Enumerable.Range(0, 3).Select(t => (double)x[i, t, f])).ToArray();
            double mu = values.Average();
            double sigma2 = values.Select(v => (v - mu) * (v - mu)).Average();
            Assert.Equal(0.1 * mu, after[mean + f], 4);
            Assert.Equal(0.9 + 0.1 * sigma2, after[variance + f], 4);
        }

        // Training (batch statistics) and inference (running statistics) now give different outputs for the same x.
        var weights = after.Select(v => (double)v).ToArray();
        LayerReference Reference(bool training) => new LayerReference(model.Description, training).BatchNormalization("batch_normalization").Dense("time_distributed", 2, 3);
        LayerChecks.ForwardMatches(model, Reference(training: false), x);
        var train = Reference(training: true).Forward(weights, x);
        var infer = Reference(training: false).Forward(weights, x);
        Assert.True(Math.Abs(train[0][0] - infer[0][0]) > 0.1, "batch and running statistics should normalize differently here");
    }

    [Fact]
    public void Running_statistics_are_non_trainable_and_follow_the_data_during_fit()
    {
        using var model = new NormalizedModel(device, seed: 5);
        Assert.Contains("Non-trainable params: 6", NormalizedModel.Summary);
        Assert.False(model.Parameters.Single(p => p.Name == "moving_mean").Trainable);
        Assert.False(model.Parameters.Single(p => p.Name == "moving_variance").Trainable);

        var random = new Random(5);
        var x = LayerChecks.Inputs(random, 64, 5, 3);
        var y = (float[,,])LayerChecks.Targets(random, Loss.Huber, 64, 5, 2, sequence: true);
        model.Fit(x, y, epochs: 3, batchSize: 16);
        var weights = model.GetWeights();
        int mean = model.Parameters.Single(p => p.Name == "moving_mean").Offset;
        int variance = model.Parameters.Single(p => p.Name == "moving_variance").Offset;

        // 12 batches moved the statistics by 1 − 0.99^12 ≈ 11% of the way toward the batch statistics (positive
        // variances, a mean far below 1), which an optimizer step on a zero gradient could not have done.
        for (int f = 0; f < 3; f++)
        {
            Assert.InRange(weights[variance + f], 0.85f, 0.999f);
            Assert.NotEqual(0f, weights[mean + f]);
        }
    }

    [Fact]
    public void MC_dropout_keeps_batch_norm_in_inference_mode()
    {
        using var model = new NormalizedModel(device, seed: 7);
        Perturb(model, 7);
        var x = LayerChecks.Inputs(new Random(7), 5, 4, 3);
        var before = model.GetWeights();
        var (mean, std) = model.PredictWithUncertainty(x, samples: 5);

        // Batch statistics would move the running statistics and make the outputs depend on the batch.
        Assert.Equal(before, model.GetWeights());
        Assert.All(LayerChecks.Flatten(std), s => Assert.Equal(0f, s));
        Assert.Equal(LayerChecks.Flatten(model.Predict(x)), LayerChecks.Flatten(mean));
    }

    [Fact]
    public void Layer_norm_normalizes_each_row()
    {
        var random = new Random(6);
        using var model = new LayerNormFirstModel(device, seed: 6);
        var x = LayerChecks.Inputs(random, 3, 4, 3);
        LayerChecks.ForwardMatches(model, new LayerReference(model.Description, training: false).LayerNormalization("layer_normalization").Dense("time_distributed", 3, 3, Activation.Tanh).Dropout(0.25), x);

        // A shifted and scaled input row normalizes to the same row (up to ε): the output does not change much.
        var shifted = (float[,,])x.Clone();
        for (int i = 0; i < 3; i++) for (int t = 0; t < 4; t++) for (int f = 0; f < 3; f++) shifted[i, t, f] = x[i, t, f] * 4 + 7;
        var a = LayerChecks.Flatten(model.Predict(x));
        var b = LayerChecks.Flatten(model.Predict(shifted));
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) < 0.02, $"output {i}: {a[i]} vs {b[i]}");
    }
}
