namespace SeqDsl.Runtime.Tests.Engine;

[Collection(EngineCollection.Name)]
public sealed class TrainingLoopTests(CpuDeviceFixture fixture)
{
    private static readonly double[,] TrueW = { { 2.0, -1.0 }, { 0.5, 1.5 }, { -0.75, 0.25 } };
    private static readonly double[] TrueB = { 0.5, -0.3 };

    [Fact]
    public void Fit_LearnsKnownLinearRelation_AndLossDecreases()
    {
        var (x, y) = LinearData.Make(256, 4, TrueW, TrueB, seed: 1);
        using var model = new LastStepDenseModel(fixture.Device, seed: 3);

        var history = model.Fit(x, y, epochs: 60, batchSize: 32, options: new FitOptions { LearningRate = 0.05 });

        Assert.Equal(60, history.Epochs);
        Assert.True(history.Loss[^1] < 1e-4, $"final loss {history.Loss[^1]}");
        Assert.True(history.Loss[0] > 100 * history.Loss[^1], $"first {history.Loss[0]}, last {history.Loss[^1]}");
        Assert.Equal(history.Loss, history.LastStepError); // vector output: last-step error is the MSE
        var w = model.GetWeights();
        for (int f = 0; f < 3; f++)
        {
            for (int o = 0; o < 2; o++)
            {
                Assert.InRange(w[f * 2 + o], TrueW[f, o] - 0.02, TrueW[f, o] + 0.02);
            }
        }

        Assert.InRange(w[6], TrueB[0] - 0.02, TrueB[0] + 0.02);
        Assert.InRange(w[7], TrueB[1] - 0.02, TrueB[1] + 0.02);
        Assert.Equal(1f, w[8]); // non-trainable, although its gradient is NaN every batch
        Assert.Equal(history.Loss.ToList().IndexOf(history.Loss.Min()), history.BestEpoch); // without a validation set the training loss is monitored
    }

    [Fact]
    public void Fit_WithSameSeed_GivesBitIdenticalWeights_AndOtherSeedDiffers()
    {
        var (x, y) = LinearData.Make(100, 3, TrueW, TrueB, seed: 2, noise: 0.1);
        float[] Train(int seed)
        {
            using var model = new LastStepDenseModel(fixture.Device, seed);
            model.Fit(x, y, epochs: 3, batchSize: 16, options: new FitOptions { LearningRate = 0.01 });
            return model.GetWeights();
        }

        var first = Train(11);
        var second = Train(11);
        var other = Train(12);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Fit_ShuffleDependsOnSeed_AndShuffleOffDoesNot()
    {
        var (x, y) = LinearData.Make(64, 2, TrueW, TrueB, seed: 3, noise: 0.2);
        float[] Train(int seed, bool shuffle)
        {
            using var model = new LastStepDenseModel(fixture.Device, seed);
            model.SetWeights(new float[9] { 0, 0, 0, 0, 0, 0, 0, 0, 1 }); // same start, so only the batch order can differ
            model.Fit(x, y, epochs: 1, batchSize: 8, options: new FitOptions { Shuffle = shuffle, LearningRate = 0.01 });
            return model.GetWeights();
        }

        Assert.Equal(Train(0, shuffle: false), Train(1, shuffle: false));
        Assert.NotEqual(Train(0, shuffle: true), Train(1, shuffle: true));
        Assert.NotEqual(Train(0, shuffle: false), Train(0, shuffle: true));
    }

    [Fact]
    public void Fit_ValidationFigures_EqualEvaluate()
    {
        var (x, y) = LinearData.Make(90, 3, TrueW, TrueB, seed: 4, noise: 0.05);
        var (vx, vy) = LinearData.Make(37, 3, TrueW, TrueB, seed: 5, noise: 0.05);
        using var model = new LastStepDenseModel(fixture.Device, seed: 1);

        var history = model.Fit(x, y, epochs: 2, batchSize: 16, validation: (vx, vy));
        var evaluation = model.Evaluate(vx, vy, batchSize: 16);
        var evaluationOtherChunks = model.Evaluate(vx, vy, batchSize: 5);

        Assert.Equal(2, history.ValidationLoss.Count);
        Assert.Equal(history.ValidationLoss[^1], evaluation.Loss);
        Assert.Equal(history.ValidationLastStepError[^1], evaluation.LastStepError);
        Assert.Equal(evaluation.Loss, evaluationOtherChunks.Loss);
        Assert.Equal(37, evaluation.Samples);
    }

    [Fact]
    public void Evaluate_MatchesHostMse()
    {
        var (x, y) = LinearData.Make(23, 2, TrueW, TrueB, seed: 6, noise: 0.3);
        using var model = new LastStepDenseModel(fixture.Device, seed: 9);
        var p = LinearData.ToDouble(model.GetWeights());
        double sum = 0;
        for (int s = 0; s < 23; s++)
        {
            double sample = 0;
            for (int o = 0; o < 2; o++)
            {
                double d = LinearData.Predict(p, x, s, o, 3, 2) - y[s, o];
                sample += d * d;
            }

            sum += sample / 2;
        }

        var evaluation = model.Evaluate(x, y, batchSize: 4);

        Assert.Equal(sum / 23, evaluation.Loss, 1e-5);
    }

    [Fact]
    public void Predict_AnySampleCount_InChunks_MatchesHostReference()
    {
        var (x, _) = LinearData.Make(37, 5, TrueW, TrueB, seed: 7);
        using var model = new LastStepDenseModel(fixture.Device, seed: 2);
        var p = LinearData.ToDouble(model.GetWeights());

        var predicted = model.Predict(x, batchSize: 8);
        var single = model.Predict(x, batchSize: 1000);

        Assert.Equal(37, predicted.GetLength(0));
        Assert.Equal(2, predicted.GetLength(1));
        for (int s = 0; s < 37; s++)
        {
            for (int o = 0; o < 2; o++)
            {
                Assert.Equal(LinearData.Predict(p, x, s, o, 3, 2), predicted[s, o], 1e-5);
                Assert.Equal(predicted[s, o], single[s, o]);
            }
        }
    }

    [Fact]
    public void OnBatchEnd_IsCalledEveryIntervalAndAtEpochEnd_WithRunningLoss()
    {
        var (x, y) = LinearData.Make(100, 2, TrueW, TrueB, seed: 8);
        using var model = new LastStepDenseModel(fixture.Device, seed: 2);
        var batchCalls = new List<TrainingProgress>();
        var epochCalls = new List<TrainingProgress>();

        var history = model.Fit(x, y, epochs: 2, batchSize: 16, options: new FitOptions
        {
            ProgressInterval = 3,
            OnBatchEnd = batchCalls.Add,
            OnEpochEnd = epochCalls.Add,
        });

        // 100 samples / 16 = 7 batches: calls after batches 3, 6 and 7 of each epoch.
        Assert.Equal(new[] { 3, 6, 7, 3, 6, 7 }, batchCalls.Select(c => c.Batch));
        Assert.All(batchCalls, c => Assert.Equal(7, c.Batches));
        Assert.Equal(new[] { 1, 1, 1, 2, 2, 2 }, batchCalls.Select(c => c.Epoch));
        Assert.Equal(history.Loss[0], batchCalls[2].Loss, 12);
        Assert.Equal(history.Loss[1], epochCalls[1].Loss);
        Assert.Equal(2, epochCalls.Count);
        Assert.All(batchCalls, c => Assert.True(double.IsFinite(c.Loss) && c.Loss > 0));
    }

    [Fact]
    public void Fit_PartialLastBatch_AndBatchLargerThanData_Work()
    {
        var (x, y) = LinearData.Make(10, 2, TrueW, TrueB, seed: 9);
        using var model = new LastStepDenseModel(fixture.Device, seed: 2);

        var history = model.Fit(x, y, epochs: 2, batchSize: 64);

        Assert.Equal(2, history.Epochs);
        Assert.True(history.Loss.All(double.IsFinite));
    }

    [Fact]
    public void Predict_WhenTheDeviceRunsOutOfMemory_HalvesTheChunkAndStillAnswers()
    {
        var (x, _) = LinearData.Make(50, 3, TrueW, TrueB, seed: 10);
        using var model = new LastStepDenseModel(fixture.Device, seed: 2);
        var expected = model.Predict(x, batchSize: 64);
        model.CreatedProgram!.OutOfMemoryAbove = 12;
        model.CreatedProgram.ForwardBatches.Clear();

        var predicted = model.Predict(x, batchSize: 50);

        Assert.Equal(expected, predicted);
        // 50 fails, 25 fails, then chunks of 12 (the last one partial).
        Assert.Equal(new[] { 12, 12, 12, 12, 2 }, model.CreatedProgram.ForwardBatches);
    }
}
