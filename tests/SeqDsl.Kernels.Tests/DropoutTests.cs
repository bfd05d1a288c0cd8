using SeqDsl.Engine;
using SeqDsl.Kernels;

namespace SeqDsl.Kernels.Tests;

/// <summary>Dropout (seeded, inverted, off at inference), its gradient with a fixed mask, the kernel RNG, and MC Dropout.</summary>
[Collection(CpuDeviceCollection.Name)]
public class DropoutTests
{
    private readonly SeqDevice device;

    public DropoutTests(CpuDeviceFixture fixture) => device = fixture.Device;

    [Fact]
    public void Kernel_random_is_uniform_deterministic_and_seed_dependent()
    {
        const int Draws = 200_000;
        int kept = 0;
        double sum = 0;
        for (int i = 0; i < Draws; i++)
        {
            float u = KernelRandom.Uniform(7, i / 100, i % 100 / 10, i % 10);
            Assert.InRange(u, 0f, 0.99999995f);
            sum += u;
            kept += KernelRandom.Keep(0.3f, 7, i / 100, i % 100 / 10, i % 10) ? 1 : 0;
        }

        Assert.InRange(sum / Draws, 0.497, 0.503);
        Assert.InRange(kept / (double)Draws, 0.697, 0.703);
        Assert.Equal(KernelRandom.Uniform(3, 1, 2, 4), KernelRandom.Uniform(3, 1, 2, 4));
        int differ = Enumerable.Range(0, 100).Count(i => KernelRandom.Uniform(1, i, 0, 0) != KernelRandom.Uniform(2, i, 0, 0));
        Assert.True(differ > 95, $"seeds 1 and 2 agree on {100 - differ} of 100 draws");
        Assert.NotEqual(KernelRandom.Uniform(1, 2, 0, 0), KernelRandom.Uniform(1, 0, 2, 0));
        Assert.Equal(0f, KernelRandom.DropoutScale(0.3f, 7, 0, 0, FirstDropped(0.3f)));
        Assert.Equal(1f / 0.7f, KernelRandom.DropoutScale(0.3f, 7, 0, 0, FirstKept(0.3f)));
    }

    private static int FirstDropped(float rate) => Enumerable.Range(0, 1000).First(u => !KernelRandom.Keep(rate, 7, 0, 0, u));

    private static int FirstKept(float rate) => Enumerable.Range(0, 1000).First(u => KernelRandom.Keep(rate, 7, 0, 0, u));

    [Fact]
    public void Dropout_is_the_identity_at_inference()
    {
        using var model = new DropoutDenseModel(device, seed: 3);
        var x = LayerChecks.Inputs(new Random(1), 4, 5, 3);
        LayerChecks.ForwardMatches(model, Reference(model, training: false), x);
    }

    [Fact]
    public void Dropout_gradients_match_finite_differences_with_the_seeded_mask()
    {
        var random = new Random(2);
        using var model = new DropoutDenseModel(device, seed: 4);
        var x = LayerChecks.Inputs(random, 4, 5, 3);
        var y = LayerChecks.Targets(random, Loss.Mse, 4, 5, 2, sequence: true);
        LayerChecks.GradientsMatch(model, Reference(model, training: true), x, y);

        // The mask matters: the training loss differs from the loss without dropout.
        var weights = model.GetWeights().Select(v => (double)v).ToArray();
        double withMask = Reference(model, training: true).Loss(weights, x, LayerChecks.Flatten(y), Loss.Mse, 2, false);
        double without = Reference(model, training: false).Loss(weights, x, LayerChecks.Flatten(y), Loss.Mse, 2, false);
        Assert.True(Math.Abs(withMask - without) > 1e-4, $"dropout changed nothing: {withMask} vs {without}");
    }

    [Fact]
    public void Dropout_as_last_layer_takes_the_loss_gradient_from_the_loss_kernel()
    {
        var random = new Random(3);
        using var model = new LayerNormFirstModel(device, seed: 5);
        var x = LayerChecks.Inputs(random, 3, 4, 3);
        var y = LayerChecks.Targets(random, Loss.Mae, 3, 4, 3, sequence: true);
        var reference = new LayerReference(model.Description, training: true).LayerNormalization("layer_normalization").Dense("time_distributed", 3, 3, Activation.Tanh).Dropout(0.25);
        LayerChecks.GradientsMatch(model, reference, x, y);
        LayerChecks.ForwardMatches(model, new LayerReference(model.Description, training: false).LayerNormalization("layer_normalization").Dense("time_distributed", 3, 3, Activation.Tanh).Dropout(0.25), x);
    }

    [Fact]
    public void Same_seed_gives_the_same_weights_after_training_with_dropout()
    {
        var random = new Random(4);
        var x = LayerChecks.Inputs(random, 40, 5, 3);
        var y = (float[,,])LayerChecks.Targets(random, Loss.Mse, 40, 5, 2, sequence: true);
        float[] Train(int seed)
        {
            using var model = new DropoutDenseModel(device, seed: seed);
            model.Fit(x, y, epochs: 2, batchSize: 8);
            return model.GetWeights();
        }

        var a = Train(9);
        Assert.Equal(a, Train(9));

        // Another seed draws other masks (and other initial weights): the runs differ.
        Assert.NotEqual(a, Train(10));
    }

    [Fact]
    public void MC_dropout_spreads_predictions_around_the_deterministic_one()
    {
        var random = new Random(5);
        var x = LayerChecks.Inputs(random, 12, 6, 1);
        using var model = new McDropoutModel(device, seed: 6);
        var deterministic = model.Predict(x);
        var (mean, std) = model.PredictWithUncertainty(x, samples: 400);
        Assert.Equal(deterministic.GetLength(0), mean.GetLength(0));
        double meanError = 0, spread = 0, scale = 0;
        for (int i = 0; i < 12; i++)
        {
            Assert.True(std[i, 0] > 0, $"sample {i}: standard deviation {std[i, 0]}");
            meanError += Math.Abs(mean[i, 0] - deterministic[i, 0]);
            spread += std[i, 0];
            scale += Math.Abs(deterministic[i, 0]);
        }

        // Inverted dropout keeps the expected pre-activation of the next (linear) layer: the mean converges to the
        // deterministic prediction with error ~ std/√samples.
        Assert.True(meanError / 12 < 0.25 * spread / 12 + 1e-3, $"mean error {meanError / 12:E3} vs mean std {spread / 12:E3}");

        // Reproducible: the passes' seeds derive from the model's seed.
        var (mean2, std2) = model.PredictWithUncertainty(x, samples: 400);
        Assert.Equal(LayerChecks.Flatten(mean), LayerChecks.Flatten(mean2));
        Assert.Equal(LayerChecks.Flatten(std), LayerChecks.Flatten(std2));
    }

    [Fact]
    public void MC_dropout_without_dropout_has_zero_spread()
    {
        var x = LayerChecks.Inputs(new Random(6), 7, 6, 1);
        using var model = new NoDropoutModel(device, seed: 6);
        var (mean, std) = model.PredictWithUncertainty(x, samples: 20);
        Assert.All(LayerChecks.Flatten(std), s => Assert.Equal(0f, s));
        Assert.Equal(LayerChecks.Flatten(model.Predict(x)), LayerChecks.Flatten(mean));
        Assert.Throws<ArgumentOutOfRangeException>("samples", () => model.PredictWithUncertainty(x, samples: 0));
    }

    private static LayerReference Reference(DropoutDenseModel model, bool training) =>
        new LayerReference(model.Description, training).Dense("time_distributed", 3, 5, Activation.Tanh).Dropout(0.4).Dense("time_distributed_1", 5, 2);
}
