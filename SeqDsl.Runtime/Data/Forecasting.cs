using System;

namespace SeqDsl.Data;

/// <summary>Multi-step forecasting with any one-step model.</summary>
public static class Forecasting
{
    /// <summary>
    /// Forecasts <paramref name="steps"/> values by calling a one-step model repeatedly and appending each prediction
    /// to its input, chapter 15's iterative 10-step forecast:
    /// <code>
    /// for step_ahead in range(10):
    ///     y_pred_one = model.predict(X)[:, np.newaxis, :]
    ///     X = np.concatenate([X, y_pred_one], axis=1)
    /// </code>
    /// </summary>
    /// <param name="predictOneStep">
    /// The model: takes inputs [samples, length, 1] and returns the next value of each sample, [samples, 1].
    /// It may be given the same array again; it must not keep or change it.
    /// </param>
    /// <param name="x">The known history, [samples, steps, 1] with at least one step (univariate: a prediction can only be fed back as the single feature).</param>
    /// <param name="steps">How many values to forecast (1 or more).</param>
    /// <param name="window">Whether the model sees the growing sequence (default, as the notebook) or a sliding window of the original length.</param>
    /// <returns>The forecasts, [samples, steps]; column <c>s</c> is the value <c>s + 1</c> steps after the history.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predictOneStep"/> or <paramref name="x"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is below 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="x"/> is not univariate or has no steps.</exception>
    /// <exception cref="InvalidOperationException">The model returned null or an array that is not [samples, 1].</exception>
    public static float[,] Iterative(
        Func<float[,,], float[,]> predictOneStep, float[,,] x, int steps, ForecastWindow window = ForecastWindow.Growing)
    {
        DataChecks.NotNull(predictOneStep, nameof(predictOneStep));
        DataChecks.NotNull(x, nameof(x));
        DataChecks.Positive(steps, nameof(steps));
        int samples = x.GetLength(0);
        int history = x.GetLength(1);
        if (history == 0 || x.GetLength(2) != 1)
        {
            throw new ArgumentException(
                $"x must be a univariate history: expected [samples, steps >= 1, 1], got {DataChecks.Shape(x)}.", nameof(x));
        }

        // The full sequence: history then forecasts, so either window is a slice of it.
        var sequence = new float[samples, history + steps];
        for (int i = 0; i < samples; i++)
        {
            for (int t = 0; t < history; t++)
            {
                sequence[i, t] = x[i, t, 0];
            }
        }

        var forecasts = new float[samples, steps];
        for (int s = 0; s < steps; s++)
        {
            int end = history + s;
            int start = window == ForecastWindow.Sliding ? s : 0;
            float[,,] input = s == 0 ? x : Slice(sequence, start, end);
            float[,] predicted = predictOneStep(input);
            CheckPrediction(predicted, samples, s);
            for (int i = 0; i < samples; i++)
            {
                sequence[i, end] = predicted[i, 0];
                forecasts[i, s] = predicted[i, 0];
            }
        }

        return forecasts;
    }

    private static float[,,] Slice(float[,] sequence, int start, int end)
    {
        int samples = sequence.GetLength(0);
        var input = new float[samples, end - start, 1];
        for (int i = 0; i < samples; i++)
        {
            for (int t = start; t < end; t++)
            {
                input[i, t - start, 0] = sequence[i, t];
            }
        }

        return input;
    }

    private static void CheckPrediction(float[,]? predicted, int samples, int step)
    {
        if (predicted is null)
        {
            throw new InvalidOperationException(
                $"predictOneStep returned null at forecast step {step}; expected an array of shape [{samples}, 1].");
        }

        if (predicted.GetLength(0) != samples || predicted.GetLength(1) != 1)
        {
            throw new InvalidOperationException(
                $"predictOneStep returned the wrong shape at forecast step {step}: expected [{samples}, 1], got {DataChecks.Shape(predicted)}.");
        }
    }
}
