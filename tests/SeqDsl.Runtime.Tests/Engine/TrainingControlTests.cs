namespace SeqDsl.Runtime.Tests.Engine;

/// <summary>Early stopping, cancellation and divergence: what the weights are when training ends abnormally.</summary>
[Collection(EngineCollection.Name)]
public sealed class TrainingControlTests(CpuDeviceFixture fixture)
{
    private static readonly double[,] W = { { 2.0, -1.0 }, { 1.0, 1.5 }, { -1.0, 0.5 } };
    private static readonly double[] B = { 0.5, -0.5 };

    [Fact]
    public void EarlyStopping_StopsAfterPatience_AndRestoresBestWeights()
    {
        // Training pulls the weights towards W; validation wants half of W, so its loss falls, then rises.
        var (x, y) = LinearData.Make(128, 2, W, B, seed: 31);
        var half = new double[3, 2];
        for (int f = 0; f < 3; f++)
        {
            for (int o = 0; o < 2; o++)
            {
                half[f, o] = W[f, o] / 2;
            }
        }

        var (vx, vy) = LinearData.Make(64, 2, half, new[] { 0.25, -0.25 }, seed: 32);
        using var model = new LastStepDenseModel(fixture.Device, seed: 4);
        model.SetWeights(new float[9] { 0, 0, 0, 0, 0, 0, 0, 0, 1 });
        float[]? bestSeen = null;
        double bestLoss = double.PositiveInfinity;

        var history = model.Fit(x, y, epochs: 200, batchSize: 16, validation: (vx, vy), options: new FitOptions
        {
            Optimizer = Optimizer.Sgd,
            LearningRate = 0.02,
            EarlyStopping = new EarlyStopping(Patience: 3),
            OnEpochEnd = p =>
            {
                if (p.ValidationLoss < bestLoss)
                {
                    bestLoss = p.ValidationLoss.Value;
                    bestSeen = model.GetWeights();
                }
            },
        });

        Assert.True(history.StoppedEarly);
        Assert.True(history.Epochs < 200);
        Assert.True(history.BestEpoch > 0, "the validation loss must first improve");
        Assert.Equal(history.BestEpoch + 1 + 3, history.Epochs);
        Assert.Equal(history.ValidationLoss.Min(), history.ValidationLoss[history.BestEpoch]);
        Assert.Equal(bestSeen, model.GetWeights());
        Assert.Equal(history.ValidationLoss[history.BestEpoch], model.Evaluate(vx, vy, batchSize: 16).Loss);
    }

    [Fact]
    public void EarlyStopping_WithoutRestore_KeepsLastWeights()
    {
        var (x, y) = LinearData.Make(64, 2, W, B, seed: 33);
        using var model = new LastStepDenseModel(fixture.Device, seed: 4);
        float[]? last = null;

        // A huge MinDelta means no epoch after the first counts as an improvement.
        var history = model.Fit(x, y, epochs: 10, batchSize: 16, options: new FitOptions
        {
            EarlyStopping = new EarlyStopping(Patience: 2, MinDelta: 1e6, RestoreBestWeights: false),
            OnEpochEnd = _ => last = model.GetWeights(),
        });

        Assert.True(history.StoppedEarly);
        Assert.Equal(3, history.Epochs);
        Assert.Equal(0, history.BestEpoch);
        Assert.Equal(last, model.GetWeights());
    }

    [Fact]
    public void Cancellation_MidEpoch_ThrowsWithHistory_AndKeepsLastCompletedEpochWeights()
    {
        var (x, y) = LinearData.Make(96, 2, W, B, seed: 34);
        using var model = new LastStepDenseModel(fixture.Device, seed: 4);
        using var cancellation = new CancellationTokenSource();
        var epochEnds = new List<float[]>();

        var error = Assert.Throws<TrainingCancelledException>(() => model.Fit(x, y, epochs: 5, batchSize: 8, options: new FitOptions
        {
            LearningRate = 0.05,
            CancellationToken = cancellation.Token,
            ProgressInterval = 1,
            OnEpochEnd = _ => epochEnds.Add(model.GetWeights()),
            OnBatchEnd = p =>
            {
                if (p.Epoch == 3 && p.Batch == 4)
                {
                    cancellation.Cancel();
                }
            },
        }));

        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.Equal(2, error.History.Epochs);
        Assert.Equal(2, epochEnds.Count);
        Assert.Equal(epochEnds[1], model.GetWeights());
        Assert.Contains("epoch 2", error.Message);
    }

    [Fact]
    public void Divergence_HugeLearningRate_ThrowsAndRestoresWeightsBeforeFit()
    {
        var (x, y) = LinearData.Make(64, 2, W, B, seed: 35);
        using var model = new LastStepDenseModel(fixture.Device, seed: 4);
        var before = model.GetWeights();

        var error = Assert.Throws<TrainingDivergedException>(() =>
            model.Fit(x, y, epochs: 3, batchSize: 4, options: new FitOptions { Optimizer = Optimizer.Sgd, LearningRate = 1e6 }));

        Assert.Equal(1, error.Epoch);
        Assert.InRange(error.Batch, 2, 16);
        Assert.False(double.IsFinite(error.Loss));
        Assert.Contains($"epoch 1, batch {error.Batch} of 16", error.Message);
        Assert.Contains("before Fit", error.Message);
        var after = model.GetWeights();
        Assert.All(after, w => Assert.True(float.IsFinite(w)));
        Assert.Equal(before, after);
    }

    [Fact]
    public void Divergence_InALaterEpoch_RestoresTheLastGoodEpoch()
    {
        var (x, y) = LinearData.Make(40, 2, W, B, seed: 36);
        using var model = new LastStepDenseModel(fixture.Device, seed: 4);
        float[]? endOfEpoch2 = null;

        var error = Assert.Throws<TrainingDivergedException>(() => model.Fit(x, y, epochs: 5, batchSize: 8, options: new FitOptions
        {
            LearningRate = 0.01,
            OnEpochEnd = p =>
            {
                if (p.Epoch == 2)
                {
                    endOfEpoch2 = model.GetWeights();
                    model.CreatedProgram!.Poisoned = true; // every prediction of epoch 3 is NaN
                }
            },
        }));

        Assert.Equal(3, error.Epoch);
        Assert.Equal(1, error.Batch);
        Assert.True(double.IsNaN(error.Loss));
        Assert.Equal(2, error.History.Epochs);
        Assert.Contains("restored to the end of epoch 2", error.Message);
        Assert.Equal(endOfEpoch2, model.GetWeights());
    }

    [Fact]
    public void ValidateInputsOff_NaNInput_IsCaughtAsDivergence_WithFiniteWeights()
    {
        var (x, y) = LinearData.Make(16, 2, W, B, seed: 37);
        x[5, 1, 2] = float.NaN;
        using var model = new LastStepDenseModel(fixture.Device, seed: 4);
        var before = model.GetWeights();

        var error = Assert.Throws<TrainingDivergedException>(() =>
            model.Fit(x, y, epochs: 1, batchSize: 4, options: new FitOptions { ValidateInputs = false, Shuffle = false }));

        Assert.Equal(2, error.Batch); // sample 5 is in the second unshuffled batch
        Assert.Equal(before, model.GetWeights());
    }
}
