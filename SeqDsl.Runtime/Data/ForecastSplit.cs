namespace SeqDsl.Data;

/// <summary>
/// A forecasting data set split into training, validation and test sets, as chapter 15 of Hands-On Machine Learning
/// builds it: inputs are the first <see cref="Steps"/> values of each series, targets the <see cref="Ahead"/> values after them.
/// </summary>
public sealed class ForecastSplit
{
    internal ForecastSplit(
        float[,,] series, int steps, int ahead,
        float[,,] xTrain, float[,] yTrain, float[,,] yTrainSequence,
        float[,,] xValid, float[,] yValid, float[,,] yValidSequence,
        float[,,] xTest, float[,] yTest, float[,,] yTestSequence)
    {
        Series = series;
        Steps = steps;
        Ahead = ahead;
        XTrain = xTrain;
        YTrain = yTrain;
        YTrainSequence = yTrainSequence;
        XValid = xValid;
        YValid = yValid;
        YValidSequence = yValidSequence;
        XTest = xTest;
        YTest = yTest;
        YTestSequence = yTestSequence;
    }

    /// <summary>Every generated series, [samples, Steps + Ahead, 1], before the split.</summary>
    public float[,,] Series { get; }

    /// <summary>Input steps per sample (<c>n_steps</c>).</summary>
    public int Steps { get; }

    /// <summary>Values to forecast after the inputs.</summary>
    public int Ahead { get; }

    /// <summary>Training inputs, [train, Steps, 1] (<c>series[:7000, :n_steps]</c>).</summary>
    public float[,,] XTrain { get; }

    /// <summary>Training targets, [train, Ahead] (<c>series[:7000, -1]</c> for one step, <c>series[:7000, -10:, 0]</c> for ten).</summary>
    public float[,] YTrain { get; }

    /// <summary>Training seq-to-seq targets, [train, Steps, Ahead]: <c>Y[i, t, k] = series[i, t + k + 1]</c>.</summary>
    public float[,,] YTrainSequence { get; }

    /// <summary>Validation inputs, [valid, Steps, 1].</summary>
    public float[,,] XValid { get; }

    /// <summary>Validation targets, [valid, Ahead].</summary>
    public float[,] YValid { get; }

    /// <summary>Validation seq-to-seq targets, [valid, Steps, Ahead].</summary>
    public float[,,] YValidSequence { get; }

    /// <summary>Test inputs, [test, Steps, 1].</summary>
    public float[,,] XTest { get; }

    /// <summary>Test targets, [test, Ahead].</summary>
    public float[,] YTest { get; }

    /// <summary>Test seq-to-seq targets, [test, Steps, Ahead].</summary>
    public float[,,] YTestSequence { get; }
}
