using SeqDsl.Data;

namespace SeqDsl.Runtime.Tests.Data;

public class ScalerTests
{
    [Fact]
    public void MinMax_MapsTrainingRangeOntoZeroOne_AndRoundTrips()
    {
        float[] train = { 2, 4, 10 };
        var scaler = new MinMaxScaler();

        scaler.Fit(train);
        float[] scaled = scaler.Transform(train);

        Assert.Equal(new[] { 0f, 0.25f, 1f }, scaled);
        Assert.Equal(train, scaler.InverseTransform(scaled));
    }

    [Fact]
    public void MinMax_UsesOnlyTheTrainingStatistics()
    {
        var scaler = new MinMaxScaler(-1, 1);
        scaler.Fit(new float[] { 0, 10 });

        // Validation data outside the training range lands outside [-1, 1]: nothing was refitted on it.
        float[] validation = scaler.Transform(new float[] { 20, -5 });

        Assert.Equal(new[] { 3f, -2f }, validation);
        Assert.Equal(new[] { 0.0 }, scaler.DataMin);
        Assert.Equal(new[] { 10.0 }, scaler.DataMax);
    }

    [Fact]
    public void MinMax_ConstantFeature_MapsToRangeMin()
    {
        var scaler = new MinMaxScaler(0.5, 2);
        scaler.Fit(new float[] { 3, 3 });

        Assert.Equal(new[] { 0.5f }, scaler.Transform(new float[] { 3 }));
    }

    [Fact]
    public void MinMax_ReversedRange_Throws()
    {
        Assert.Throws<ArgumentException>(() => new MinMaxScaler(1, 0));
    }

    [Fact]
    public void Standard_ColumnsGetZeroMeanUnitVariance_PerFeature()
    {
        var train = new float[,] { { 1, 100 }, { 2, 200 }, { 3, 300 }, { 4, 400 } };
        var scaler = new StandardScaler();

        float[,] scaled = scaler.Fit(train).Transform(train);

        Assert.Equal(new[] { 2.5, 250.0 }, scaler.Mean);
        Assert.Equal(Math.Sqrt(1.25), scaler.StandardDeviation[0], 12);
        for (int f = 0; f < 2; f++)
        {
            double mean = 0, squares = 0;
            for (int r = 0; r < 4; r++)
            {
                mean += scaled[r, f] / 4.0;
                squares += scaled[r, f] * (double)scaled[r, f] / 4.0;
            }

            Assert.Equal(0.0, mean, 6);
            Assert.Equal(1.0, squares - mean * mean, 5);
        }
    }

    [Fact]
    public void Standard_ThreeDimensional_FitsOverSamplesAndSteps_AndRoundTrips()
    {
        float[,,] train = TimeSeries.Generate(200, 30, new NumPyRandom(4));
        float[,,] valid = TimeSeries.Generate(50, 30, new NumPyRandom(5));
        var scaler = new StandardScaler();

        scaler.Fit(train);
        float[,,] restored = scaler.InverseTransform(scaler.Transform(valid));

        Assert.Equal(1, scaler.FeatureCount);
        for (int i = 0; i < 50; i++)
        {
            for (int t = 0; t < 30; t++)
            {
                Assert.InRange(restored[i, t, 0], valid[i, t, 0] - 1e-6f, valid[i, t, 0] + 1e-6f);
            }
        }

        // Fitting the validation set would give other statistics; the scaler kept the training ones.
        var validOnly = new StandardScaler();
        validOnly.Fit(valid);
        Assert.NotEqual(validOnly.Mean[0], scaler.Mean[0]);
        Assert.NotEqual(validOnly.Transform(valid)[0, 0, 0], scaler.Transform(valid)[0, 0, 0]);
    }

    [Fact]
    public void Standard_ConstantFeature_IsOnlyCentred()
    {
        var scaler = new StandardScaler();
        scaler.Fit(new float[] { 5, 5, 5 });

        Assert.Equal(new[] { 0f, 2f }, scaler.Transform(new float[] { 5, 7 }));
    }

    [Fact]
    public void Transform_DoesNotModifyTheInput()
    {
        var data = new float[] { 1, 2, 3 };
        var scaler = new MinMaxScaler();
        scaler.Fit(data);

        scaler.Transform(data);

        Assert.Equal(new float[] { 1, 2, 3 }, data);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Fit_EmptyData_SaysItIsEmpty(bool standard)
    {
        FeatureScaler scaler = standard ? new StandardScaler() : new MinMaxScaler();

        var error = Assert.Throws<ArgumentException>(() => scaler.Fit(new float[0, 3]));

        Assert.Equal("data", error.ParamName);
        Assert.Contains("empty data", error.Message);
        Assert.Contains("[0, 3]", error.Message);
        Assert.False(scaler.IsFitted);
    }

    [Fact]
    public void Fit_NonFiniteValue_ReportsItsIndex()
    {
        var data = new float[,] { { 1, 2 }, { 3, float.NaN } };

        var error = Assert.Throws<ArgumentException>(() => new StandardScaler().Fit(data));

        Assert.Contains("at index [1, 1]", error.Message);
    }

    [Fact]
    public void Transform_BeforeFit_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new MinMaxScaler().Transform(new float[] { 1 }));

        Assert.Contains("not fitted", error.Message);
    }

    [Fact]
    public void Transform_WrongFeatureCount_ReportsBothCounts()
    {
        var scaler = new StandardScaler();
        scaler.Fit(new float[,] { { 1, 2 }, { 3, 4 } });

        var error = Assert.Throws<ArgumentException>(() => scaler.Transform(new float[,,] { { { 1, 2, 3 } } }));

        Assert.Contains("fitted on 2 feature(s)", error.Message);
        Assert.Contains("[1, 1, 3] has 3", error.Message);
    }
}
