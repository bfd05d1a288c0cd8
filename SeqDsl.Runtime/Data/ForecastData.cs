using System;

namespace SeqDsl.Data;

/// <summary>Ready-made forecasting data sets.</summary>
public static class ForecastData
{
    /// <summary>Series in the chapter 15 data set.</summary>
    public const int Chapter15Samples = 10_000;

    /// <summary>Training series in the chapter 15 split (the first 7,000).</summary>
    public const int Chapter15Train = 7_000;

    /// <summary>Validation series in the chapter 15 split (the next 2,000; the last 1,000 are the test set).</summary>
    public const int Chapter15Valid = 2_000;

    /// <summary>
    /// The chapter 15 data set exactly as the book's notebook makes it:
    /// <c>np.random.seed(seed); series = generate_time_series(10000, steps + ahead)</c>, split 7,000 / 2,000 / 1,000,
    /// inputs <c>series[:, :steps]</c>, targets <c>series[:, steps:, 0]</c> (the notebook's <c>series[:, -1]</c> for
    /// <c>ahead = 1</c> and <c>series[:, -10:, 0]</c> for <c>ahead = 10</c>), plus the seq-to-seq targets
    /// <c>Y[:, t, k] = series[:, t + k + 1, 0]</c>.
    /// </summary>
    /// <param name="seed">The NumPy seed set once before generating (the notebook uses 42).</param>
    /// <param name="steps">Input steps (<c>n_steps</c>, 50 in the book).</param>
    /// <param name="ahead">Values to forecast (1 or 10 in the book).</param>
    /// <returns>The split data set.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> or <paramref name="ahead"/> is below 1, or the seed is out of NumPy's range.</exception>
    public static ForecastSplit Chapter15(int seed = 42, int steps = 50, int ahead = 1)
    {
        DataChecks.Positive(steps, nameof(steps));
        DataChecks.Positive(ahead, nameof(ahead));
        var rng = new NumPyRandom(seed);
        float[,,] series = TimeSeries.Generate(Chapter15Samples, steps + ahead, rng);
        return Split(series, steps, ahead, Chapter15Train, Chapter15Valid);
    }

    /// <summary>
    /// Splits series into consecutive training, validation and test sets (no shuffling): the first
    /// <paramref name="trainCount"/> samples, the next <paramref name="validCount"/>, and the rest.
    /// </summary>
    /// <param name="series">The series, [samples, steps + ahead (or more), 1]; feature 0 holds the targets.</param>
    /// <param name="steps">Input steps taken from the start of each series.</param>
    /// <param name="ahead">Target values taken right after the inputs.</param>
    /// <param name="trainCount">Training samples (1 or more).</param>
    /// <param name="validCount">Validation samples (0 or more); the test set gets what is left.</param>
    /// <returns>The split data set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="series"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
    /// <exception cref="ArgumentException">The series is too short or has fewer samples than the split needs.</exception>
    public static ForecastSplit Split(float[,,] series, int steps, int ahead, int trainCount, int validCount)
    {
        DataChecks.NotNull(series, nameof(series));
        DataChecks.Positive(steps, nameof(steps));
        DataChecks.Positive(ahead, nameof(ahead));
        DataChecks.Positive(trainCount, nameof(trainCount));
        if (validCount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(validCount), validCount, $"validCount must be 0 or more; got {validCount}.");
        }

        int samples = series.GetLength(0);
        if (samples < trainCount + validCount)
        {
            throw new ArgumentException(
                $"series has too few samples for the split: expected at least trainCount + validCount = {trainCount + validCount}, got {DataChecks.Shape(series)}.",
                nameof(series));
        }

        if (series.GetLength(1) < steps + ahead)
        {
            throw new ArgumentException(
                $"series must have at least steps + ahead = {steps + ahead} time steps: expected [samples, >= {steps + ahead}, features], got {DataChecks.Shape(series)}.",
                nameof(series));
        }

        if (series.GetLength(2) < 1)
        {
            throw new ArgumentException(
                $"series needs at least one feature (feature 0 holds the targets): expected [samples, steps, >= 1], got {DataChecks.Shape(series)}.",
                nameof(series));
        }

        // Seq-to-seq targets (the notebook's Y[:7000] etc.) are made by ForecastSplit on first use, each set's rows straight
        // from its own series (the notebook makes Y for every sample first; that whole array would only be garbage here).
        int testCount = samples - trainCount - validCount;
        int validStart = trainCount;
        int testStart = trainCount + validCount;
        return new ForecastSplit(
            series, steps, ahead, validStart, testStart,
            Inputs(series, 0, trainCount, steps), Targets(series, 0, trainCount, steps, ahead),
            Inputs(series, validStart, validCount, steps), Targets(series, validStart, validCount, steps, ahead),
            Inputs(series, testStart, testCount, steps), Targets(series, testStart, testCount, steps, ahead));
    }

    private static float[,,] Inputs(float[,,] series, int start, int count, int steps)
    {
        int features = series.GetLength(2);
        var inputs = new float[count, steps, features];
        for (int i = 0; i < count; i++)
        {
            for (int t = 0; t < steps; t++)
            {
                for (int f = 0; f < features; f++)
                {
                    inputs[i, t, f] = series[start + i, t, f];
                }
            }
        }

        return inputs;
    }

    private static float[,] Targets(float[,,] series, int start, int count, int steps, int ahead)
    {
        var targets = new float[count, ahead];
        for (int i = 0; i < count; i++)
        {
            for (int k = 0; k < ahead; k++)
            {
                targets[i, k] = series[start + i, steps + k, 0];
            }
        }

        return targets;
    }
}
