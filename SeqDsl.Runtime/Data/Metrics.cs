using System;

namespace SeqDsl.Data;

/// <summary>
/// Error metrics, accumulated in double. Every sample weighs the same, so the results equal Keras'
/// <c>np.mean(keras.losses.mean_squared_error(y_true, y_pred))</c> (mean over outputs, then over samples).
/// </summary>
public static class Metrics
{
    /// <summary>Mean squared error over every element.</summary>
    /// <param name="yTrue">Targets.</param>
    /// <param name="yPred">Predictions, same length as <paramref name="yTrue"/>.</param>
    /// <returns>The mean of <c>(yTrue - yPred)^2</c>.</returns>
    /// <exception cref="ArgumentException">The arrays are empty or differ in length.</exception>
    public static double Mse(float[] yTrue, float[] yPred) => MeanError(yTrue, yPred, squared: true);

    /// <summary>Mean squared error over every element, [samples, outputs].</summary>
    /// <param name="yTrue">Targets.</param>
    /// <param name="yPred">Predictions, same shape as <paramref name="yTrue"/>.</param>
    /// <returns>The mean of <c>(yTrue - yPred)^2</c>.</returns>
    /// <exception cref="ArgumentException">The arrays are empty or differ in shape.</exception>
    public static double Mse(float[,] yTrue, float[,] yPred) => MeanError(yTrue, yPred, squared: true);

    /// <summary>Mean squared error over every element, [samples, steps, outputs].</summary>
    /// <param name="yTrue">Targets.</param>
    /// <param name="yPred">Predictions, same shape as <paramref name="yTrue"/>.</param>
    /// <returns>The mean of <c>(yTrue - yPred)^2</c>.</returns>
    /// <exception cref="ArgumentException">The arrays are empty or differ in shape.</exception>
    public static double Mse(float[,,] yTrue, float[,,] yPred) => MeanError(yTrue, yPred, squared: true);

    /// <summary>Mean absolute error over every element.</summary>
    /// <param name="yTrue">Targets.</param>
    /// <param name="yPred">Predictions, same length as <paramref name="yTrue"/>.</param>
    /// <returns>The mean of <c>|yTrue - yPred|</c>.</returns>
    /// <exception cref="ArgumentException">The arrays are empty or differ in length.</exception>
    public static double Mae(float[] yTrue, float[] yPred) => MeanError(yTrue, yPred, squared: false);

    /// <summary>Mean absolute error over every element, [samples, outputs].</summary>
    /// <param name="yTrue">Targets.</param>
    /// <param name="yPred">Predictions, same shape as <paramref name="yTrue"/>.</param>
    /// <returns>The mean of <c>|yTrue - yPred|</c>.</returns>
    /// <exception cref="ArgumentException">The arrays are empty or differ in shape.</exception>
    public static double Mae(float[,] yTrue, float[,] yPred) => MeanError(yTrue, yPred, squared: false);

    /// <summary>Mean absolute error over every element, [samples, steps, outputs].</summary>
    /// <param name="yTrue">Targets.</param>
    /// <param name="yPred">Predictions, same shape as <paramref name="yTrue"/>.</param>
    /// <returns>The mean of <c>|yTrue - yPred|</c>.</returns>
    /// <exception cref="ArgumentException">The arrays are empty or differ in shape.</exception>
    public static double Mae(float[,,] yTrue, float[,,] yPred) => MeanError(yTrue, yPred, squared: false);

    /// <summary>
    /// The chapter's <c>last_time_step_mse</c> for seq-to-seq models: the mean squared error of the last step only,
    /// averaged over samples and outputs (<c>mean_squared_error(Y_true[:, -1], Y_pred[:, -1])</c>).
    /// </summary>
    /// <param name="yTrue">Targets, [samples, steps, outputs] with steps of at least 1.</param>
    /// <param name="yPred">Predictions, same shape as <paramref name="yTrue"/>.</param>
    /// <returns>The mean of <c>(yTrue[:, -1, :] - yPred[:, -1, :])^2</c>.</returns>
    /// <exception cref="ArgumentException">The arrays are empty or differ in shape.</exception>
    public static double LastStepMse(float[,,] yTrue, float[,,] yPred)
    {
        CheckPair(yTrue, yPred);
        int samples = yTrue.GetLength(0);
        int last = yTrue.GetLength(1) - 1;
        int outputs = yTrue.GetLength(2);
        double sum = 0.0;
        for (int i = 0; i < samples; i++)
        {
            for (int k = 0; k < outputs; k++)
            {
                double error = (double)yTrue[i, last, k] - yPred[i, last, k];
                sum += error * error;
            }
        }

        return sum / ((double)samples * outputs);
    }

    private static double MeanError(Array yTrue, Array yPred, bool squared)
    {
        CheckPair(yTrue, yPred);
        // Same shape means the row-major runs pair up element by element.
        ReadOnlySpan<float> truth = FlatView.Of(yTrue);
        ReadOnlySpan<float> predicted = FlatView.Of(yPred);
        double sum = 0.0;
        for (int i = 0; i < truth.Length; i++)
        {
            double error = (double)truth[i] - predicted[i];
            sum += squared ? error * error : Math.Abs(error);
        }

        return sum / truth.Length;
    }

    private static void CheckPair(Array yTrue, Array yPred)
    {
        DataChecks.NonEmpty(yTrue, nameof(yTrue), "at least one element");
        DataChecks.SameShape(yTrue, yPred, nameof(yTrue), nameof(yPred));
    }
}
