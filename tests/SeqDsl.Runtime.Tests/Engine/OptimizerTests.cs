namespace SeqDsl.Runtime.Tests.Engine;

/// <summary>The optimizer kernels against C# references computed in double from the same gradients.</summary>
[Collection(EngineCollection.Name)]
public sealed class OptimizerTests(CpuDeviceFixture fixture)
{
    private static readonly double[,] W = { { 1.0, -2.0 }, { 0.5, 0.25 }, { -1.5, 1.0 } };
    private static readonly double[] B = { 0.1, 0.2 };
    private static readonly float[] Start = { 0.3f, -0.2f, 0.1f, 0.4f, -0.5f, 0.25f, 0.05f, -0.1f, 1f };

    [Fact]
    public void Adam_MatchesReference_OverSeveralStepsWithPartialBatch()
    {
        var (x, y) = LinearData.Make(10, 3, W, B, seed: 21);
        using var model = new LastStepDenseModel(fixture.Device, seed: 0);
        model.SetWeights(Start);
        const double lr = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-7;

        model.Fit(x, y, epochs: 2, batchSize: 6, options: new FitOptions { Optimizer = Optimizer.Adam, LearningRate = lr, Shuffle = false });

        var p = LinearData.ToDouble(Start);
        var m = new double[p.Length];
        var v = new double[p.Length];
        int t = 0;
        for (int epoch = 0; epoch < 2; epoch++)
        {
            foreach (var rows in LinearData.Batches(10, 6))
            {
                var g = LinearData.Gradient(p, x, y, rows, 3, 2);
                t++;
                double alpha = lr * Math.Sqrt(1 - Math.Pow(beta2, t)) / (1 - Math.Pow(beta1, t));
                for (int i = 0; i < 8; i++)
                {
                    m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                    v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                    p[i] -= alpha * m[i] / (Math.Sqrt(v[i]) + eps);
                }
            }
        }

        var actual = model.GetWeights();
        LinearData.AssertClose(p, actual, 2e-6, "Adam after 4 steps");
        Assert.Equal(1f, actual[8]);
        // The steps moved the weights by far more than the tolerance, so the comparison is meaningful.
        Assert.True(Math.Abs(actual[0] - Start[0]) > 0.02);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sgd_WithMomentum_MatchesReference(bool nesterov)
    {
        var (x, y) = LinearData.Make(12, 2, W, B, seed: 22);
        using var model = new LastStepDenseModel(fixture.Device, seed: 0);
        model.SetWeights(Start);
        const double lr = 0.1, momentum = 0.9;

        model.Fit(x, y, epochs: 3, batchSize: 5, options: new FitOptions { Optimizer = Optimizer.Sgd, LearningRate = lr, Momentum = momentum, Nesterov = nesterov, Shuffle = false });

        var p = LinearData.ToDouble(Start);
        var velocity = new double[p.Length];
        for (int epoch = 0; epoch < 3; epoch++)
        {
            foreach (var rows in LinearData.Batches(12, 5))
            {
                var g = LinearData.Gradient(p, x, y, rows, 3, 2);
                for (int i = 0; i < 8; i++)
                {
                    velocity[i] = momentum * velocity[i] - lr * g[i];
                    p[i] += nesterov ? momentum * velocity[i] - lr * g[i] : velocity[i];
                }
            }
        }

        var actual = model.GetWeights();
        LinearData.AssertClose(p, actual, 1e-5, nesterov ? "Nesterov SGD" : "momentum SGD");
        Assert.Equal(1f, actual[8]);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(1000.0)]
    public void ClipNorm_ScalesGradientsToTheGlobalNorm_OnlyWhenAbove(double clipNorm)
    {
        var (x, y) = LinearData.Make(8, 2, W, B, seed: 23);
        using var model = new LastStepDenseModel(fixture.Device, seed: 0);
        model.SetWeights(Start);
        const double lr = 0.5;

        model.Fit(x, y, epochs: 1, batchSize: 8, options: new FitOptions { Optimizer = Optimizer.Sgd, LearningRate = lr, ClipNorm = clipNorm });

        var p = LinearData.ToDouble(Start);
        var g = LinearData.Gradient(p, x, y, Enumerable.Range(0, 8).ToArray(), 3, 2);
        double norm = Math.Sqrt(g.Take(8).Sum(v => v * v)); // the NaN non-trainable gradient is excluded
        double scale = norm > clipNorm ? clipNorm / norm : 1;
        Assert.True(clipNorm < 1 ? scale < 0.1 : scale == 1, $"norm {norm}: the case must exercise {(clipNorm < 1 ? "clipping" : "no clipping")}");
        for (int i = 0; i < 8; i++)
        {
            p[i] -= lr * g[i] * scale;
        }

        var actual = model.GetWeights();
        LinearData.AssertClose(p, actual, 1e-6, $"SGD step clipped at {clipNorm}");
        double stepNorm = Math.Sqrt(Enumerable.Range(0, 8).Sum(i => Math.Pow(actual[i] - Start[i], 2)));
        Assert.Equal(lr * Math.Min(norm, clipNorm), stepNorm, 4);
    }
}
