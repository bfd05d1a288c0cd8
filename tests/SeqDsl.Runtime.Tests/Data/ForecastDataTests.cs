using SeqDsl.Data;

namespace SeqDsl.Runtime.Tests.Data;

public class ForecastDataTests
{
    // Generating 10,000 series is the slow part; the split is the same for every test that uses the defaults.
    private static readonly Lazy<ForecastSplit> OneStep = new(() => ForecastData.Chapter15(seed: 42, steps: 50, ahead: 1));

    [Fact]
    public void Chapter15_Seed42_NaiveBaselineValidationMse_MatchesTheBook()
    {
        ForecastSplit data = OneStep.Value;

        double mse = Metrics.Mse(data.YValid, Baselines.NaiveLastValue(data.XValid));

        // The notebook's np.mean(keras.losses.mean_squared_error(y_valid, X_valid[:, -1])) prints 0.020211367.
        Assert.InRange(mse, 0.020211367 - 5e-7, 0.020211367 + 5e-7);
    }

    [Fact]
    public void Chapter15_Seed42_TenStepNaiveValidationMse_MatchesTheBook()
    {
        ForecastSplit data = ForecastData.Chapter15(seed: 42, steps: 50, ahead: 10);

        double mse = Metrics.Mse(data.YValid, Baselines.NaiveRepeat(data.XValid, 10));

        // The notebook's np.mean(keras.metrics.mean_squared_error(Y_valid, np.tile(X_valid[:, -1], 10))) prints 0.25697407.
        Assert.InRange(mse, 0.25697407 - 5e-7, 0.25697407 + 5e-7);
    }

    [Fact]
    public void Chapter15_OneStepAhead_HasTheNotebookShapes()
    {
        ForecastSplit data = OneStep.Value;

        Assert.Equal(new[] { 10_000, 51, 1 }, Dims(data.Series));
        Assert.Equal(new[] { 7_000, 50, 1 }, Dims(data.XTrain));
        Assert.Equal(new[] { 7_000, 1 }, Dims(data.YTrain));
        Assert.Equal(new[] { 2_000, 50, 1 }, Dims(data.XValid));
        Assert.Equal(new[] { 2_000, 1 }, Dims(data.YValid));
        Assert.Equal(new[] { 1_000, 50, 1 }, Dims(data.XTest));
        Assert.Equal(new[] { 1_000, 1 }, Dims(data.YTest));
        Assert.Equal(new[] { 7_000, 50, 1 }, Dims(data.YTrainSequence));
    }

    [Fact]
    public void Chapter15_OneStepAhead_SplitsConsecutiveRowsOfTheSeries()
    {
        ForecastSplit data = OneStep.Value;

        // y = series[:, -1]; X = series[:, :50]; valid starts at row 7000, test at row 9000.
        foreach (int row in new[] { 0, 6_999 })
        {
            Assert.Equal(data.Series[row, 50, 0], data.YTrain[row, 0]);
            Assert.Equal(data.Series[row, 17, 0], data.XTrain[row, 17, 0]);
        }

        Assert.Equal(data.Series[7_000, 50, 0], data.YValid[0, 0]);
        Assert.Equal(data.Series[8_999, 0, 0], data.XValid[1_999, 0, 0]);
        Assert.Equal(data.Series[9_000, 49, 0], data.XTest[0, 49, 0]);
        Assert.Equal(data.Series[9_999, 50, 0], data.YTest[999, 0]);
    }

    [Fact]
    public void Chapter15_TenAhead_TargetsAreTheLastTenValues_AndSequenceTargetsFollowEveryStep()
    {
        ForecastSplit data = ForecastData.Chapter15(seed: 42, steps: 50, ahead: 10);

        Assert.Equal(new[] { 10_000, 60, 1 }, Dims(data.Series));
        Assert.Equal(new[] { 2_000, 10 }, Dims(data.YValid));
        Assert.Equal(new[] { 7_000, 50, 10 }, Dims(data.YTrainSequence));
        Assert.Equal(new[] { 2_000, 50, 10 }, Dims(data.YValidSequence));
        Assert.Equal(new[] { 1_000, 50, 10 }, Dims(data.YTestSequence));
        for (int k = 0; k < 10; k++)
        {
            // Y_valid = series[7000:9000, -10:, 0]
            Assert.Equal(data.Series[7_123, 50 + k, 0], data.YValid[123, k]);
        }

        // Y[i, t, k] = series[i, t + k + 1, 0], checked against the raw series on every set.
        foreach ((float[,,] targets, int offset) in new[] { (data.YTrainSequence, 0), (data.YValidSequence, 7_000), (data.YTestSequence, 9_000) })
        {
            int samples = targets.GetLength(0);
            for (int i = 0; i < samples; i += 97)
            {
                for (int t = 0; t < 50; t++)
                {
                    for (int k = 0; k < 10; k++)
                    {
                        Assert.Equal(data.Series[offset + i, t + k + 1, 0], targets[i, t, k]);
                    }
                }
            }
        }

        // The last step's seq-to-seq targets are exactly the vector targets.
        for (int k = 0; k < 10; k++)
        {
            Assert.Equal(data.YValid[5, k], data.YValidSequence[5, 49, k]);
        }
    }

    [Fact]
    public void Chapter15_BuildsEachSetsSequenceTargetsOnFirstUse_AndKeepsThem()
    {
        // The three seq-to-seq target arrays are 20 MB for ten ahead; a caller that trains on one set holds only that one.
        // A small split first, so that initializing the code that builds them is not counted below. The runtime can still
        // allocate a little on this thread meanwhile (7.9 KB once in CI), hence the slack: far below the 2 MB that building
        // another set's targets would add.
        Assert.NotNull(ForecastData.Chapter15(seed: 1, steps: 5, ahead: 2).YTrainSequence);
        long before = GC.GetAllocatedBytesForCurrentThread();
        ForecastSplit data = ForecastData.Chapter15(seed: 42, steps: 50, ahead: 10);
        long split = GC.GetAllocatedBytesForCurrentThread() - before;
        long trainTargets = 7_000L * 50 * 10 * sizeof(float);
        Assert.True(split < trainTargets, $"Chapter15 allocated {split:N0} bytes; the training set's sequence targets alone are {trainTargets:N0}");

        before = GC.GetAllocatedBytesForCurrentThread();
        float[,,] train = data.YTrainSequence;
        long first = GC.GetAllocatedBytesForCurrentThread() - before;
        const long RuntimeSlack = 64 * 1024;
        Assert.InRange(first, trainTargets, trainTargets + RuntimeSlack);
        Assert.Same(train, data.YTrainSequence);
        Assert.Same(data.YTestSequence, data.YTestSequence);
        Assert.Equal(data.Series[9_999, 50, 0], data.YTestSequence[999, 49, 0]);
    }

    [Fact]
    public void Chapter15_SameSeed_IsReproducible_OtherSeed_Differs()
    {
        ForecastSplit again = ForecastData.Chapter15(seed: 42);
        ForecastSplit other = ForecastData.Chapter15(seed: 43);

        Assert.Equal(OneStep.Value.Series, again.Series);
        Assert.NotEqual(OneStep.Value.Series[0, 0, 0], other.Series[0, 0, 0]);
    }

    [Fact]
    public void Split_TooFewSamples_NamesTheNeededCount()
    {
        var series = new float[10, 6, 1];

        var error = Assert.Throws<ArgumentException>(() => ForecastData.Split(series, steps: 5, ahead: 1, trainCount: 8, validCount: 3));

        Assert.Equal("series", error.ParamName);
        Assert.Contains("11", error.Message);
        Assert.Contains("[10, 6, 1]", error.Message);
    }

    [Fact]
    public void Split_SeriesShorterThanStepsPlusAhead_Throws()
    {
        var series = new float[10, 6, 1];

        var error = Assert.Throws<ArgumentException>(() => ForecastData.Split(series, steps: 5, ahead: 2, trainCount: 5, validCount: 3));

        Assert.Contains("steps + ahead = 7", error.Message);
    }

    [Fact]
    public void Split_SeriesWithoutFeatures_NamesTheShape()
    {
        var series = new float[10, 8, 0];

        var error = Assert.Throws<ArgumentException>(() => ForecastData.Split(series, steps: 5, ahead: 2, trainCount: 5, validCount: 3));

        Assert.Contains("series needs at least one feature (feature 0 holds the targets): expected [samples, steps, >= 1], got [10, 8, 0]", error.Message);
    }

    [Fact]
    public void Split_SmallSeries_TestSetGetsTheRemainingRows()
    {
        var series = new float[6, 4, 1];
        for (int i = 0; i < 6; i++)
        {
            for (int t = 0; t < 4; t++)
            {
                series[i, t, 0] = i * 10 + t;
            }
        }

        ForecastSplit data = ForecastData.Split(series, steps: 3, ahead: 1, trainCount: 3, validCount: 2);

        Assert.Equal(new[] { 1, 3, 1 }, Dims(data.XTest));
        Assert.Equal(52f, data.XTest[0, 2, 0]);
        Assert.Equal(53f, data.YTest[0, 0]);
        Assert.Equal(33f, data.YValid[0, 0]);
        Assert.Equal(new float[,] { { 3f }, { 13f }, { 23f } }, data.YTrain);
    }

    private static int[] Dims(Array array) => Enumerable.Range(0, array.Rank).Select(array.GetLength).ToArray();
}
