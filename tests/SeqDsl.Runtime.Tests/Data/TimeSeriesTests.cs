using SeqDsl.Data;

namespace SeqDsl.Runtime.Tests.Data;

public class TimeSeriesTests
{
    [Fact]
    public void Generate_HasBatchStepsOneShape()
    {
        float[,,] series = TimeSeries.Generate(3, 7, new NumPyRandom(1));

        Assert.Equal(3, series.GetLength(0));
        Assert.Equal(7, series.GetLength(1));
        Assert.Equal(1, series.GetLength(2));
    }

    [Fact]
    public void Generate_DrawsWaveParametersFirstThenNoiseRowMajor()
    {
        const int batch = 4, steps = 6;
        float[,,] series = TimeSeries.Generate(batch, steps, new NumPyRandom(42));

        // Rebuild from the raw draws in the order rand(4, batch, 1) then rand(batch, steps) consume them.
        double[] draws = new NumPyRandom(42).Rand(4 * batch + batch * steps);
        for (int b = 0; b < batch; b++)
        {
            double freq1 = draws[b], freq2 = draws[batch + b], offset1 = draws[2 * batch + b], offset2 = draws[3 * batch + b];
            for (int t = 0; t < steps; t++)
            {
                double time = t == steps - 1 ? 1.0 : t * (1.0 / (steps - 1));
                double noise = draws[4 * batch + b * steps + t];
                double expected = 0.5 * Math.Sin((time - offset1) * (freq1 * 10 + 10))
                    + 0.2 * Math.Sin((time - offset2) * (freq2 * 20 + 20))
                    + 0.1 * (noise - 0.5);
                Assert.Equal((float)expected, series[b, t, 0]);
            }
        }
    }

    [Fact]
    public void Generate_ConsumesExactlyParametersPlusNoiseDraws()
    {
        var rng = new NumPyRandom(5);
        TimeSeries.Generate(3, 10, rng);

        var reference = new NumPyRandom(5);
        reference.Rand(4 * 3 + 3 * 10);

        Assert.Equal(reference.NextDouble(), rng.NextDouble());
    }

    [Fact]
    public void Generate_LargeBatch_HasTheStatisticsOfTwoRandomSinesPlusNoise()
    {
        float[,,] series = TimeSeries.Generate(2_000, 50, new NumPyRandom(42));

        double sum = 0, squares = 0, maxAbs = 0;
        foreach (float v in series)
        {
            sum += v;
            squares += (double)v * v;
            maxAbs = Math.Max(maxAbs, Math.Abs(v));
        }

        double mean = sum / series.Length;
        double variance = squares / series.Length - mean * mean;
        // Random phases: each sine has mean 0 and variance a^2 / 2; the noise is U(-0.05, 0.05) with variance 0.01 / 12.
        double expectedVariance = 0.5 * 0.5 / 2 + 0.2 * 0.2 / 2 + 0.01 / 12;
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(variance, expectedVariance * 0.93, expectedVariance * 1.07);
        Assert.True(maxAbs <= 0.75f, $"|value| must be at most 0.5 + 0.2 + 0.05; got {maxAbs}.");
        Assert.True(maxAbs > 0.6, $"the two waves should nearly reach their joint amplitude somewhere; max |value| was {maxAbs}.");
    }

    [Fact]
    public void Generate_SingleStep_UsesTimeZero()
    {
        // np.linspace(0, 1, 1) is [0.0].
        float[,,] series = TimeSeries.Generate(1, 1, new NumPyRandom(3));

        double[] d = new NumPyRandom(3).Rand(5);
        double expected = 0.5 * Math.Sin((0 - d[2]) * (d[0] * 10 + 10)) + 0.2 * Math.Sin((0 - d[3]) * (d[1] * 20 + 20)) + 0.1 * (d[4] - 0.5);
        Assert.Equal((float)expected, series[0, 0, 0]);
    }

    [Theory]
    [InlineData(0, 5, "batchSize")]
    [InlineData(5, 0, "steps")]
    public void Generate_NonPositiveCounts_NameTheArgument(int batch, int steps, string name)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TimeSeries.Generate(batch, steps, new NumPyRandom(1)));

        Assert.Equal(name, error.ParamName);
    }

    [Fact]
    public void Generate_NullGenerator_Throws()
    {
        var error = Assert.Throws<ArgumentNullException>(() => TimeSeries.Generate(1, 1, null!));

        Assert.Equal("rng", error.ParamName);
    }

    [Fact]
    public void Linspace_MatchesNumPyRounding()
    {
        double[] time = TimeSeries.Linspace(0.0, 1.0, 51);

        Assert.Equal(0.0, time[0]);
        Assert.Equal(1.0, time[50]);
        // NumPy multiplies by the step rather than dividing by 50: np.linspace(0, 1, 51)[35] is 0.7000000000000001, not 0.7.
        Assert.Equal(0.7000000000000001, time[35]);
        Assert.NotEqual(0.7, time[35]);
        Assert.Equal(51, time.Length);
    }
}
