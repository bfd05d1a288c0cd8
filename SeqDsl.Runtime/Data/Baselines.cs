using System;

namespace SeqDsl.Data;

/// <summary>
/// Forecasts that need no model, the yardsticks a trained model must beat (chapter 15's "naive forecasting").
/// </summary>
public static class Baselines
{
    /// <summary>Predicts that the next value equals the last input value: the notebook's <c>y_pred = X_valid[:, -1]</c>.</summary>
    /// <param name="x">The inputs, [samples, steps, features] with steps of at least 1.</param>
    /// <returns>The predictions, [samples, 1]: the last step's value of feature 0.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="x"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> has no steps or no features.</exception>
    public static float[,] NaiveLastValue(float[,,] x) => NaiveRepeat(x, 1);

    /// <summary>
    /// Predicts that each of the next <paramref name="ahead"/> values equals the last input value:
    /// the notebook's <c>np.tile(X_valid[:, -1], 10)</c> for multi-step targets.
    /// </summary>
    /// <param name="x">The inputs, [samples, steps, features] with steps of at least 1.</param>
    /// <param name="ahead">Values to predict per sample (1 or more).</param>
    /// <returns>The predictions, [samples, ahead], every column the last step's value of feature 0.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="x"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ahead"/> is below 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> has no steps or no features.</exception>
    public static float[,] NaiveRepeat(float[,,] x, int ahead)
    {
        DataChecks.NotNull(x, nameof(x));
        DataChecks.Positive(ahead, nameof(ahead));
        int samples = x.GetLength(0);
        int steps = x.GetLength(1);
        if (steps == 0 || x.GetLength(2) == 0)
        {
            throw new ArgumentException(
                $"x must have at least one step and one feature: expected [samples, steps >= 1, features >= 1], got {DataChecks.Shape(x)}.",
                nameof(x));
        }

        var predictions = new float[samples, ahead];
        for (int i = 0; i < samples; i++)
        {
            float last = x[i, steps - 1, 0];
            for (int k = 0; k < ahead; k++)
            {
                predictions[i, k] = last;
            }
        }

        return predictions;
    }
}
