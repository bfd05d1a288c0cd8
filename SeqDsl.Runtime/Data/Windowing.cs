using System;

namespace SeqDsl.Data;

/// <summary>
/// Turns raw series into supervised samples: sliding input windows with the values that follow them as targets,
/// and the seq-to-seq targets of chapter 15 (the next <c>ahead</c> values at every input step).
/// </summary>
public static class Windowing
{
    /// <summary>
    /// Sliding windows over a univariate series, the generalisation of the well-known Keras tutorial helper
    /// <c>create_dataset(dataset, look_back)</c>: sample <c>i</c> has inputs <c>series[i .. i+lookBack-1]</c> and
    /// targets <c>series[i+lookBack .. i+lookBack+horizon-1]</c>.
    /// </summary>
    /// <param name="series">The series, in time order.</param>
    /// <param name="lookBack">Input steps per sample (1 or more).</param>
    /// <param name="horizon">Target values per sample (1 or more).</param>
    /// <returns>
    /// <c>X</c>: [n, lookBack, 1]; <c>Y</c>: [n, horizon]; <c>n = series.Length - lookBack - horizon + 1</c>.
    /// The tutorial's loop (<c>range(len(dataset) - look_back - 1)</c>) stops one window earlier; this keeps every complete window.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="series"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lookBack"/> or <paramref name="horizon"/> is below 1.</exception>
    /// <exception cref="ArgumentException">The series is too short for one window.</exception>
    public static (float[,,] X, float[,] Y) Create(float[] series, int lookBack, int horizon = 1)
    {
        DataChecks.NotNull(series, nameof(series));
        DataChecks.Positive(lookBack, nameof(lookBack));
        DataChecks.Positive(horizon, nameof(horizon));
        int count = WindowCount(series.Length, lookBack, horizon, nameof(series));

        var x = new float[count, lookBack, 1];
        var y = new float[count, horizon];
        for (int i = 0; i < count; i++)
        {
            for (int t = 0; t < lookBack; t++)
            {
                x[i, t, 0] = series[i + t];
            }

            for (int k = 0; k < horizon; k++)
            {
                y[i, k] = series[i + lookBack + k];
            }
        }

        return (x, y);
    }

    /// <summary>
    /// Sliding windows over a multivariate series: every feature is an input, one column is the target.
    /// Sample <c>i</c> has inputs <c>series[i .. i+lookBack-1, :]</c> and targets
    /// <c>series[i+lookBack .. i+lookBack+horizon-1, targetColumn]</c>.
    /// </summary>
    /// <param name="series">The series, [time, features].</param>
    /// <param name="lookBack">Input steps per sample (1 or more).</param>
    /// <param name="targetColumn">The feature to forecast, 0 to features - 1.</param>
    /// <param name="horizon">Target values per sample (1 or more).</param>
    /// <returns><c>X</c>: [n, lookBack, features]; <c>Y</c>: [n, horizon]; <c>n = time - lookBack - horizon + 1</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="series"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is below 1 or <paramref name="targetColumn"/> is not a column.</exception>
    /// <exception cref="ArgumentException">The series has no features or is too short for one window.</exception>
    public static (float[,,] X, float[,] Y) Create(float[,] series, int lookBack, int targetColumn, int horizon = 1)
    {
        DataChecks.NotNull(series, nameof(series));
        DataChecks.Positive(lookBack, nameof(lookBack));
        DataChecks.Positive(horizon, nameof(horizon));
        int time = series.GetLength(0);
        int features = series.GetLength(1);
        if (features == 0)
        {
            throw new ArgumentException(
                $"series must have at least one feature column: expected [time, features >= 1], got {DataChecks.Shape(series)}.",
                nameof(series));
        }

        if (targetColumn < 0 || targetColumn >= features)
        {
            throw new ArgumentOutOfRangeException(nameof(targetColumn), targetColumn,
                $"targetColumn must be between 0 and {features - 1} (series is {DataChecks.Shape(series)}); got {targetColumn}.");
        }

        int count = WindowCount(time, lookBack, horizon, nameof(series));
        var x = new float[count, lookBack, features];
        var y = new float[count, horizon];
        for (int i = 0; i < count; i++)
        {
            for (int t = 0; t < lookBack; t++)
            {
                for (int f = 0; f < features; f++)
                {
                    x[i, t, f] = series[i + t, f];
                }
            }

            for (int k = 0; k < horizon; k++)
            {
                y[i, k] = series[i + lookBack + k, targetColumn];
            }
        }

        return (x, y);
    }

    /// <summary>
    /// The seq-to-seq targets of chapter 15: at every input step <c>t</c> the next <paramref name="ahead"/> values,
    /// <c>Y[i, t, k] = series[i, t + k + 1, feature]</c> for <c>t &lt; steps</c>, <c>k &lt; ahead</c>, as the notebook's
    /// <c>for step_ahead in range(1, ahead + 1): Y[..., step_ahead - 1] = series[..., step_ahead:step_ahead + n_steps, 0]</c>.
    /// </summary>
    /// <param name="series">The series, [samples, time, features] with time of at least <c>steps + ahead</c>.</param>
    /// <param name="steps">Input steps (1 or more).</param>
    /// <param name="ahead">Values forecast at each step (1 or more).</param>
    /// <param name="feature">The feature the targets are taken from.</param>
    /// <returns>The targets, [samples, steps, ahead].</returns>
    /// <exception cref="ArgumentNullException"><paramref name="series"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A count is below 1 or <paramref name="feature"/> is not a feature.</exception>
    /// <exception cref="ArgumentException">The series is shorter than <c>steps + ahead</c>.</exception>
    public static float[,,] SequenceTargets(float[,,] series, int steps, int ahead, int feature = 0)
    {
        DataChecks.NotNull(series, nameof(series));
        DataChecks.Positive(steps, nameof(steps));
        DataChecks.Positive(ahead, nameof(ahead));
        int samples = series.GetLength(0);
        int time = series.GetLength(1);
        int features = series.GetLength(2);
        if (feature < 0 || feature >= features)
        {
            throw new ArgumentOutOfRangeException(nameof(feature), feature,
                $"feature must be between 0 and {features - 1} (series is {DataChecks.Shape(series)}); got {feature}.");
        }

        if (time < steps + ahead)
        {
            throw new ArgumentException(
                $"series must have at least steps + ahead = {steps + ahead} time steps: expected [samples, >= {steps + ahead}, features], got {DataChecks.Shape(series)}.",
                nameof(series));
        }

        return SequenceTargetRows(series, 0, samples, steps, ahead, feature);
    }

    /// <summary>
    /// Rows <paramref name="start"/> … start + count − 1 of <see cref="SequenceTargets"/>, made without the others:
    /// Y[i, t, k] = series[start + i, t + k + 1, feature]. The caller has checked the arguments.
    /// </summary>
    internal static float[,,] SequenceTargetRows(float[,,] series, int start, int count, int steps, int ahead, int feature = 0)
    {
        var targets = new float[count, steps, ahead];
        for (int i = 0; i < count; i++)
        {
            for (int t = 0; t < steps; t++)
            {
                for (int k = 0; k < ahead; k++)
                {
                    targets[i, t, k] = series[start + i, t + k + 1, feature];
                }
            }
        }

        return targets;
    }

    private static int WindowCount(int length, int lookBack, int horizon, string seriesName)
    {
        int count = length - lookBack - horizon + 1;
        if (count <= 0)
        {
            throw new ArgumentException(
                $"{seriesName} is too short for one window: lookBack + horizon = {lookBack + horizon} values are needed, got {length}.",
                seriesName);
        }

        return count;
    }
}
