using SeqDsl.Data;

namespace SeqDsl.Runtime.Tests.Data;

public class BaselinesAndMetricsTests
{
    [Fact]
    public void NaiveLastValue_PredictsTheLastStepOfFeatureZero()
    {
        var x = new float[,,] { { { 1, 9 }, { 2, 9 }, { 3, 9 } }, { { 4, 9 }, { 5, 9 }, { 6, 9 } } };

        float[,] predictions = Baselines.NaiveLastValue(x);

        Assert.Equal(new float[,] { { 3 }, { 6 } }, predictions);
    }

    [Fact]
    public void NaiveRepeat_TilesTheLastValue()
    {
        var x = new float[,,] { { { 1 }, { 2 } } };

        Assert.Equal(new float[,] { { 2, 2, 2 } }, Baselines.NaiveRepeat(x, 3));
    }

    [Fact]
    public void NaiveLastValue_NoSteps_ReportsTheShape()
    {
        var error = Assert.Throws<ArgumentException>(() => Baselines.NaiveLastValue(new float[4, 0, 1]));

        Assert.Equal("x", error.ParamName);
        Assert.Contains("[4, 0, 1]", error.Message);
    }

    [Fact]
    public void Mse_AndMae_AverageOverEveryElement()
    {
        var truth = new float[,] { { 1, 2 }, { 3, 4 } };
        var predicted = new float[,] { { 1, 4 }, { 0, 4 } };

        Assert.Equal((0 + 4 + 9 + 0) / 4.0, Metrics.Mse(truth, predicted));
        Assert.Equal((0 + 2 + 3 + 0) / 4.0, Metrics.Mae(truth, predicted));
        Assert.Equal(2.5, Metrics.Mae(new float[] { 0, 0 }, new float[] { 2, -3 }));
        Assert.Equal(6.5, Metrics.Mse(new float[] { 0, 0 }, new float[] { 2, -3 }));
    }

    [Fact]
    public void Mse_ThreeDimensional_MatchesTheFlatComputation()
    {
        float[,,] truth = TimeSeries.Generate(4, 5, new NumPyRandom(1));
        float[,,] predicted = TimeSeries.Generate(4, 5, new NumPyRandom(2));

        double expected = 0;
        for (int i = 0; i < 4; i++)
        {
            for (int t = 0; t < 5; t++)
            {
                double e = (double)truth[i, t, 0] - predicted[i, t, 0];
                expected += e * e;
            }
        }

        Assert.Equal(expected / 20, Metrics.Mse(truth, predicted), 12);
        Assert.True(Metrics.Mae(truth, predicted) > 0);
    }

    [Fact]
    public void LastStepMse_IgnoresEveryEarlierStep()
    {
        // Step 0 is wildly wrong; only step 1 (the last) counts: squared errors 1, 0, 0, 9 over 2 samples x 2 outputs.
        var truth = new float[,,] { { { 0, 0 }, { 1, 1 } }, { { 0, 0 }, { 2, 2 } } };
        var predicted = new float[,,] { { { 100, 100 }, { 2, 1 } }, { { -100, 100 }, { 2, 5 } } };

        double mse = Metrics.LastStepMse(truth, predicted);

        Assert.Equal((1.0 + 0 + 0 + 9) / 4, mse);
    }

    [Fact]
    public void Metrics_ShapeMismatch_ReportsBothShapes()
    {
        var error = Assert.Throws<ArgumentException>(() => Metrics.Mse(new float[3, 2], new float[3, 1]));

        Assert.Equal("yPred", error.ParamName);
        Assert.Contains("expected [3, 2], got [3, 1]", error.Message);
    }

    [Fact]
    public void Metrics_EmptyTargets_Throw()
    {
        var error = Assert.Throws<ArgumentException>(() => Metrics.Mae(Array.Empty<float>(), Array.Empty<float>()));

        Assert.Equal("yTrue", error.ParamName);
    }
}
