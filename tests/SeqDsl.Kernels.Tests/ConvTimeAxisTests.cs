namespace SeqDsl.Kernels.Tests;

/// <summary>
/// The time axis through window layers: output lengths, target alignment (the seed's <c>Y[:, 3::2]</c> done by the
/// model), clear errors for targets or inputs that fit neither, and causality of causal stacks.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class ConvTimeAxisTests
{
    private readonly SeqDevice device;

    public ConvTimeAxisTests(CpuDeviceFixture fixture) => device = fixture.Device;

    [Fact]
    public void Output_steps_follow_keras_arithmetic()
    {
        using var convGru = new ConvGruForecaster(device);
        Assert.Equal(24, convGru.OutputSteps(50)); // ⌊(50 − 4) / 2⌋ + 1
        Assert.Equal(1, convGru.OutputSteps(4));
        Assert.Equal(2, convGru.OutputSteps(7));
        Assert.Throws<ArgumentOutOfRangeException>(() => convGru.OutputSteps(3));

        using var pooling = new PoolingModel(device);
        Assert.Equal(3, pooling.OutputSteps(11)); // max same ⌈11 / 2⌉ = 6, then average valid ⌊(6 − 2) / 2⌋ + 1 = 3
        Assert.Equal(1, pooling.OutputSteps(3)); // ⌈3 / 2⌉ = 2 steps still fit one window of 2

        using var wave = new SimpleWaveNetForecaster(device);
        Assert.Equal(50, wave.OutputSteps(50)); // causal: the length is kept

        using var vector = new ConvFirstModel(device);
        Assert.Equal(1, vector.OutputSteps(6));
    }

    [Fact]
    public void AlignTargets_is_the_seeds_crop()
    {
        var (_, y) = ConvTrainingTests.Series(5, 1);
        using var model = new ConvGruForecaster(device);
        var aligned = model.AlignTargets(y);
        Assert.Equal(new[] { 5, 24, 10 }, new[] { aligned.GetLength(0), aligned.GetLength(1), aligned.GetLength(2) });
        for (int i = 0; i < 5; i++)
        {
            for (int j = 0; j < 24; j++)
            {
                for (int k = 0; k < 10; k++)
                {
                    Assert.Equal(y[i, 3 + (2 * j), k], aligned[i, j, k]); // Y[:, 3::2]
                }
            }
        }

        using var vector = new ConvFirstModel(device);
        Assert.Throws<InvalidOperationException>(() => vector.AlignTargets(new float[2, 6, 2]));
    }

    [Fact]
    public void Fit_and_Evaluate_align_full_length_targets_themselves()
    {
        var (x, y) = ConvTrainingTests.Series(64, 3);
        using var byHand = new ConvGruForecaster(device, seed: 4);
        using var byModel = new ConvGruForecaster(device, seed: 4);
        var cropped = byHand.AlignTargets(y);
        byHand.Fit(x, cropped, epochs: 1, batchSize: 16);
        byModel.Fit(x, y, epochs: 1, batchSize: 16);
        Assert.Equal(byHand.GetWeights(), byModel.GetWeights());
        Assert.Equal(byHand.Evaluate(x, cropped).Loss, byModel.Evaluate(x, y).Loss);
    }

    [Fact]
    public void Targets_of_neither_length_are_rejected_with_both_shapes()
    {
        var (x, _) = ConvTrainingTests.Series(8, 5);
        using var model = new ConvGruForecaster(device);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(x, new float[8, 30, 10], epochs: 1));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("[8, 24, 10]", e.Message);
        Assert.Contains("[8, 50, 10]", e.Message);
        Assert.Contains("[8, 30, 10]", e.Message);
    }

    [Fact]
    public void Inputs_too_short_for_the_windows_are_rejected()
    {
        using var model = new ConvGruForecaster(device);
        var e = Assert.Throws<ArgumentException>(() => model.Predict(new float[2, 3, 1]));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("at least 4 input steps", e.Message);
        Assert.Equal(1, model.Predict(new float[2, 4, 1]).GetLength(1));
    }

    public static TheoryData<string> CausalModels => new() { "SimpleWaveNet", "GatedWaveNet", "CausalDilated" };

    /// <summary>Changing input step t never changes an output before t, and does change outputs at or after t.</summary>
    [Theory]
    [MemberData(nameof(CausalModels))]
    public void Causal_stacks_never_see_the_future(string name)
    {
        using var model = name switch
        {
            "SimpleWaveNet" => (Engine.ModelBase)new SimpleWaveNetForecaster(device, seed: 6),
            "GatedWaveNet" => new GatedWaveNetModel(device, seed: 7),
            _ => new ConvCausalDilatedModel(device, seed: 8),
        };
        int features = model.Description.InputFeatures;
        var random = new Random(9);
        for (int trial = 0; trial < 5; trial++)
        {
            const int Steps = 20;
            var x = ConvNumericsTests.Random3(random, 2, Steps, features);
            int t = random.Next(1, Steps);
            var changed = (float[,,])x.Clone();
            for (int f = 0; f < features; f++) changed[1, t, f] += 0.5f + (float)random.NextDouble();
            var before = (float[,,])ConvNumericsTests.Predict(model, x);
            var after = (float[,,])ConvNumericsTests.Predict(model, changed);
            int outputs = before.GetLength(2);
            double laterChange = 0;
            for (int s = 0; s < Steps; s++)
            {
                for (int o = 0; o < outputs; o++)
                {
                    Assert.Equal(before[0, s, o], after[0, s, o]); // the other sample is untouched
                    if (s < t)
                    {
                        Assert.Equal(before[1, s, o], after[1, s, o]);
                    }
                    else
                    {
                        laterChange += Math.Abs(before[1, s, o] - after[1, s, o]);
                    }
                }
            }

            Assert.True(laterChange > 0, $"{name}: changing step {t} changed no output at or after it");
        }
    }
}
