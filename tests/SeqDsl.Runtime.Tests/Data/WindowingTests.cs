using SeqDsl.Data;

namespace SeqDsl.Runtime.Tests.Data;

public class WindowingTests
{
    [Fact]
    public void Create_LookBack3_ReturnsEveryCompleteWindowWithTheNextValue()
    {
        float[] series = { 10, 11, 12, 13, 14, 15 };

        (float[,,] x, float[,] y) = Windowing.Create(series, lookBack: 3);

        Assert.Equal(new[] { 3, 3, 1 }, new[] { x.GetLength(0), x.GetLength(1), x.GetLength(2) });
        Assert.Equal(new[] { 3, 1 }, new[] { y.GetLength(0), y.GetLength(1) });
        for (int i = 0; i < 3; i++)
        {
            for (int t = 0; t < 3; t++)
            {
                Assert.Equal(series[i + t], x[i, t, 0]);
            }

            Assert.Equal(series[i + 3], y[i, 0]);
        }
    }

    [Fact]
    public void Create_Horizon2_TargetsAreTheTwoFollowingValues()
    {
        float[] series = { 0, 1, 2, 3, 4, 5, 6 };

        (float[,,] x, float[,] y) = Windowing.Create(series, lookBack: 2, horizon: 2);

        Assert.Equal(4, x.GetLength(0));
        Assert.Equal(new float[,] { { 2, 3 }, { 3, 4 }, { 4, 5 }, { 5, 6 } }, y);
        Assert.Equal(3f, x[3, 0, 0]);
        Assert.Equal(4f, x[3, 1, 0]);
    }

    [Fact]
    public void Create_SeriesTooShort_SaysHowManyValuesAreNeeded()
    {
        var error = Assert.Throws<ArgumentException>(() => Windowing.Create(new float[] { 1, 2, 3 }, lookBack: 3));

        Assert.Equal("series", error.ParamName);
        Assert.Contains("4 values are needed, got 3", error.Message);
    }

    [Fact]
    public void Create_ZeroLookBack_NamesTheArgument()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Windowing.Create(new float[] { 1, 2, 3 }, lookBack: 0));

        Assert.Equal("lookBack", error.ParamName);
    }

    [Fact]
    public void CreateMultivariate_KeepsEveryFeatureAsInput_AndTargetsTheChosenColumn()
    {
        // Column 0 counts up, column 1 counts down, so every value says where it came from.
        var series = new float[6, 2];
        for (int t = 0; t < 6; t++)
        {
            series[t, 0] = t;
            series[t, 1] = 100 - t;
        }

        (float[,,] x, float[,] y) = Windowing.Create(series, lookBack: 2, targetColumn: 1, horizon: 3);

        Assert.Equal(new[] { 2, 2, 2 }, new[] { x.GetLength(0), x.GetLength(1), x.GetLength(2) });
        Assert.Equal(new float[,] { { 98, 97, 96 }, { 97, 96, 95 } }, y);
        Assert.Equal(1f, x[1, 0, 0]);
        Assert.Equal(98f, x[1, 1, 1]);
    }

    [Fact]
    public void CreateMultivariate_TargetColumnOutOfRange_ListsTheValidRange()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Windowing.Create(new float[10, 3], lookBack: 2, targetColumn: 3));

        Assert.Equal("targetColumn", error.ParamName);
        Assert.Contains("between 0 and 2", error.Message);
        Assert.Contains("[10, 3]", error.Message);
    }

    [Fact]
    public void SequenceTargets_AreTheNextValuesAtEveryStep()
    {
        float[,,] series = TimeSeries.Generate(5, 20, new NumPyRandom(9));

        float[,,] targets = Windowing.SequenceTargets(series, steps: 12, ahead: 8);

        Assert.Equal(new[] { 5, 12, 8 }, new[] { targets.GetLength(0), targets.GetLength(1), targets.GetLength(2) });
        for (int i = 0; i < 5; i++)
        {
            for (int t = 0; t < 12; t++)
            {
                for (int k = 0; k < 8; k++)
                {
                    Assert.Equal(series[i, t + k + 1, 0], targets[i, t, k]);
                }
            }
        }
    }

    [Fact]
    public void SequenceTargets_UseTheChosenFeature()
    {
        var series = new float[1, 4, 2];
        for (int t = 0; t < 4; t++)
        {
            series[0, t, 0] = t;
            series[0, t, 1] = -t;
        }

        float[,,] targets = Windowing.SequenceTargets(series, steps: 2, ahead: 2, feature: 1);

        Assert.Equal(new float[,,] { { { -1, -2 }, { -2, -3 } } }, targets);
    }

    [Fact]
    public void SequenceTargets_SeriesShorterThanStepsPlusAhead_ReportsBothShapes()
    {
        var error = Assert.Throws<ArgumentException>(() => Windowing.SequenceTargets(new float[3, 59, 1], steps: 50, ahead: 10));

        Assert.Equal("series", error.ParamName);
        Assert.Contains(">= 60", error.Message);
        Assert.Contains("[3, 59, 1]", error.Message);
    }
}
