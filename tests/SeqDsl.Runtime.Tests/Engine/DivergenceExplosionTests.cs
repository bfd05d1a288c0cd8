namespace SeqDsl.Runtime.Tests.Engine;

/// <summary>
/// A loss that explodes but stays finite counts as divergence too (FitOptions.DivergenceFactor): the run stops with
/// the batch that crossed the limit and the weights from before, instead of training on towards overflow.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class DivergenceExplosionTests(CpuDeviceFixture fixture)
{
    private static readonly double[,] W = { { 2.0, -1.0 }, { 1.0, 1.5 }, { -1.0, 0.5 } };
    private static readonly double[] B = { 0.5, -0.5 };

    /// <summary>
    /// SGD with a learning rate of 3 on this quadratic loss multiplies the error along the bias direction by about
    /// |1 − 3| = 2 per step: the loss grows about 4× a batch, far past a million times its start within 16 batches,
    /// long before a float overflows.
    /// </summary>
    private static FitOptions Exploding(double factor = 1e6) => new() { Optimizer = Optimizer.Sgd, LearningRate = 3, Shuffle = false, DivergenceFactor = factor };

    [Fact]
    public void AFiniteButExplodingLoss_StopsTraining_WithTheBatch_AndTheWeightsBeforeFit()
    {
        var (x, y) = LinearData.Make(64, 2, W, B, seed: 91);
        using var model = new LastStepDenseModel(fixture.Device, seed: 4);
        var before = model.GetWeights();

        var error = Assert.Throws<TrainingDivergedException>(() => model.Fit(x, y, epochs: 3, batchSize: 4, options: Exploding()));

        Assert.Equal(1, error.Epoch);
        Assert.InRange(error.Batch, 3, 16);
        Assert.True(double.IsFinite(error.Loss), $"the loss {error.Loss} should still be finite");
        Assert.Contains($"epoch 1, batch {error.Batch} of 16: the batch loss exploded to ", error.Message);
        Assert.Contains("FitOptions.DivergenceFactor = 1000000 times the larger of 1 and the first batch's loss", error.Message);
        Assert.Equal(before, model.GetWeights());
    }

    [Fact]
    public void WithTheCheckOff_OnlyNonFiniteLossesStopTraining()
    {
        var (x, y) = LinearData.Make(64, 2, W, B, seed: 91);
        using var model = new LastStepDenseModel(fixture.Device, seed: 4);

        var history = model.Fit(x, y, epochs: 1, batchSize: 4, options: Exploding(factor: 0));

        Assert.True(double.IsFinite(history.Loss[0]));
        Assert.True(history.Loss[0] > 1e6, $"the loss {history.Loss[0]} should have exploded");
    }

    [Fact]
    public void AHealthyRun_WithALossFarBelowTheLimit_IsNotStopped()
    {
        // A start loss far below 1 must not make the limit tiny: the limit is relative to max(1, first batch loss).
        var (x, y) = LinearData.Make(64, 2, W, B, seed: 92, noise: 0.5);
        using var model = new LastStepDenseModel(fixture.Device, seed: 4);
        var weights = new float[9];
        weights[0] = 2; weights[1] = -1; weights[2] = 1; weights[3] = 1.5f; weights[4] = -1; weights[5] = 0.5f; weights[6] = 0.5f; weights[7] = -0.5f; weights[8] = 1;
        model.SetWeights(weights); // already at the optimum: the first batch's loss is the noise alone

        var history = model.Fit(x, y, epochs: 3, batchSize: 4, options: new FitOptions { LearningRate = 0.01, DivergenceFactor = 10 });

        Assert.Equal(3, history.Epochs);
    }

    [Fact]
    public void ANaNFactor_IsRejected()
    {
        var (x, y) = LinearData.Make(8, 2, W, B, seed: 93);
        using var model = new LastStepDenseModel(fixture.Device, seed: 4);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(x, y, options: new FitOptions { DivergenceFactor = double.NaN }));

        Assert.Equal("DivergenceFactor", error.ParamName);
    }
}
