using SeqDsl.Data;

namespace SeqDsl.Samples.Forecasting;

/// <summary>The two chapter 15 data sets: one value ahead, and ten values ahead (with seq-to-seq targets).</summary>
/// <param name="OneAhead">Targets are the 51st value.</param>
/// <param name="TenAhead">Targets are values 51 … 60; <see cref="ForecastSplit.YTrainSequence"/> holds the seq-to-seq targets.</param>
public sealed record ExperimentData(ForecastSplit OneAhead, ForecastSplit TenAhead)
{
    /// <summary>Training series in quick mode.</summary>
    public const int QuickTrain = 1_000;

    /// <summary>Validation series in quick mode.</summary>
    public const int QuickValid = 300;

    /// <summary>The book's data: 10,000 series, split 7,000 / 2,000 / 1,000, generated as the notebook does.</summary>
    public static ExperimentData Chapter15(int seed) =>
        new(ForecastData.Chapter15(seed, steps: 50, ahead: 1), ForecastData.Chapter15(seed, steps: 50, ahead: 10));

    /// <summary>Same generator, fewer series (1,000 train / 300 valid, no test set), for a run of a minute or two.</summary>
    public static ExperimentData Quick(int seed) => new(Small(seed, ahead: 1), Small(seed, ahead: 10));

    private static ForecastSplit Small(int seed, int ahead)
    {
        // The notebook seeds once per data set, so each data set starts from the same seed.
        float[,,] series = TimeSeries.Generate(QuickTrain + QuickValid, 50 + ahead, new NumPyRandom(seed));
        return ForecastData.Split(series, steps: 50, ahead: ahead, trainCount: QuickTrain, validCount: QuickValid);
    }
}
