using System.Threading;

namespace SeqDsl.Data;

/// <summary>
/// A forecasting data set split into training, validation and test sets, as chapter 15 of Hands-On Machine Learning
/// builds it: inputs are the first <see cref="Steps"/> values of each series, targets the <see cref="Ahead"/> values after them.
/// </summary>
public sealed class ForecastSplit
{
    private readonly int validStart;
    private readonly int testStart;
    private float[,,]? yTrainSequence;
    private float[,,]? yValidSequence;
    private float[,,]? yTestSequence;

    /// <summary>
    /// Splits at <paramref name="validStart"/> and <paramref name="testStart"/>. The seq-to-seq targets, the largest
    /// arrays (Ahead floats per input step: 20 MB for the chapter's 10-ahead set), are built from <paramref name="series"/>
    /// on first use, so that a caller who trains on one set's holds only that one.
    /// </summary>
    internal ForecastSplit(
        float[,,] series, int steps, int ahead, int validStart, int testStart,
        float[,,] xTrain, float[,] yTrain,
        float[,,] xValid, float[,] yValid,
        float[,,] xTest, float[,] yTest)
    {
        Series = series;
        Steps = steps;
        Ahead = ahead;
        this.validStart = validStart;
        this.testStart = testStart;
        XTrain = xTrain;
        YTrain = yTrain;
        XValid = xValid;
        YValid = yValid;
        XTest = xTest;
        YTest = yTest;
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

    /// <summary>Training seq-to-seq targets, [train, Steps, Ahead]: <c>Y[i, t, k] = series[i, t + k + 1]</c> (built on first use, then the same array).</summary>
    public float[,,] YTrainSequence => SequenceTargets(ref yTrainSequence, 0, validStart);

    /// <summary>Validation inputs, [valid, Steps, 1].</summary>
    public float[,,] XValid { get; }

    /// <summary>Validation targets, [valid, Ahead].</summary>
    public float[,] YValid { get; }

    /// <summary>Validation seq-to-seq targets, [valid, Steps, Ahead] (built on first use, then the same array).</summary>
    public float[,,] YValidSequence => SequenceTargets(ref yValidSequence, validStart, testStart);

    /// <summary>Test inputs, [test, Steps, 1].</summary>
    public float[,,] XTest { get; }

    /// <summary>Test targets, [test, Ahead].</summary>
    public float[,] YTest { get; }

    /// <summary>Test seq-to-seq targets, [test, Steps, Ahead] (built on first use, then the same array).</summary>
    public float[,,] YTestSequence => SequenceTargets(ref yTestSequence, testStart, Series.GetLength(0));

    /// <summary>The seq-to-seq targets of samples [<paramref name="start"/>, <paramref name="end"/>), built once (thread-safe: every caller gets the same array).</summary>
    private float[,,] SequenceTargets(ref float[,,]? targets, int start, int end) =>
        LazyInitializer.EnsureInitialized(ref targets, () => Windowing.SequenceTargetRows(Series, start, end - start, Steps, Ahead));
}
