using SeqDsl.Samples.Autoencoder;

namespace SeqDsl.Autoencoder.Tests;

public class DetectionTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(100, 5)]
    [InlineData(50, 3)]
    [InlineData(25, 2)]
    [InlineData(90, 4.6)] // NumPy: np.percentile([1,2,3,4,5], 90) == 4.6
    [InlineData(99, 4.96)]
    public void Percentile_interpolates_like_numpy(double percentile, double expected)
    {
        Assert.Equal(expected, Detection.Percentile([5, 3, 1, 4, 2], percentile), 12);
    }

    [Fact]
    public void Percentile_rejects_empty_nan_and_out_of_range()
    {
        Assert.Equal("values", Assert.Throws<ArgumentException>(() => Detection.Percentile([], 50)).ParamName);
        Assert.Contains("values[1]", Assert.Throws<ArgumentException>(() => Detection.Percentile([1, double.NaN], 50)).Message, StringComparison.Ordinal);
        Assert.Equal("percentile", Assert.Throws<ArgumentOutOfRangeException>(() => Detection.Percentile([1], 101)).ParamName);
    }

    [Fact]
    public void Score_counts_flags_above_the_threshold()
    {
        double[] errors = [0.1, 0.9, 0.5, 0.8, 0.2, 0.7];
        bool[] anomalous = [false, true, true, false, false, true];

        var score = Detection.Score(errors, anomalous, threshold: 0.6);

        // Flagged: 0.9 (anomalous), 0.8 (normal), 0.7 (anomalous); missed: 0.5.
        Assert.Equal(new FlagScore(2, 1, 1, 3), score);
        Assert.Equal(2.0 / 3, score.Precision, 12);
        Assert.Equal(2.0 / 3, score.Recall, 12);
        Assert.Equal(0.5, score.ChancePrecision, 12);
    }

    [Fact]
    public void Score_is_strictly_above_and_zero_when_nothing_is_flagged()
    {
        var score = Detection.Score([0.5, 0.5], [true, false], threshold: 0.5);

        Assert.Equal(new FlagScore(0, 0, 1, 1), score);
        Assert.Equal(0, score.Precision);
        Assert.Equal(0, score.Recall);
        Assert.Equal("anomalous", Assert.Throws<ArgumentException>(() => Detection.Score([1], [true, false], 0)).ParamName);
    }

    [Fact]
    public void Series_errors_are_per_series_means_of_squares()
    {
        var actual = new float[2, 2, 1] { { { 1 }, { 2 } }, { { 0 }, { 0 } } };
        var guess = new float[2, 2, 1] { { { 1 }, { 4 } }, { { 1 }, { -1 } } };

        Assert.Equal([2.0, 1.0], Detection.SeriesErrors(actual, guess));
        var bad = Assert.Throws<ArgumentException>(() => Detection.SeriesErrors(actual, new float[2, 3, 1]));
        Assert.Equal("reconstructed", bad.ParamName);
        Assert.Contains("[2, 2, 1]", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mean_reconstruction_repeats_each_series_mean_so_its_error_is_the_variance()
    {
        var x = new float[2, 4, 1] { { { 1 }, { 2 }, { 3 }, { 6 } }, { { -1 }, { -1 }, { -1 }, { -1 } } };

        var mean = Detection.MeanReconstruction(x);

        Assert.All(Enumerable.Range(0, 4), t => Assert.Equal(3f, mean[0, t, 0]));
        Assert.All(Enumerable.Range(0, 4), t => Assert.Equal(-1f, mean[1, t, 0]));
        Assert.Equal([3.5, 0.0], Detection.SeriesErrors(x, mean)); // population variance of 1, 2, 3, 6
    }

    [Fact]
    public void Measure_with_an_identity_reconstruction_beats_the_baseline_but_flags_nothing()
    {
        var (train, valid) = AutoencoderRun.Data(quick: true, seed: 5);
        var result = AutoencoderRun.Measure(TextWriter.Null, train, valid, x => x, seed: 5);

        // Copying the input has zero error everywhere, anomalies included, so the threshold (0) flags nothing: the run
        // must say it beats the baseline yet does no better than chance.
        Assert.Equal(0, result.ValidationMse);
        Assert.True(result.BeatsBaseline);
        Assert.Equal(0, result.Flag.TruePositives + result.Flag.FalsePositives);
        Assert.False(result.BeatsChance);
    }

    [Fact]
    public void Quick_data_has_the_quick_model_length()
    {
        var (train, valid) = AutoencoderRun.Data(quick: true, seed: 42);

        Assert.Equal([AutoencoderRun.QuickTrain, AutoencoderShapes.QuickSteps, 1], new[] { train.GetLength(0), train.GetLength(1), train.GetLength(2) });
        Assert.Equal(AutoencoderRun.QuickValid, valid.GetLength(0));
    }
}
