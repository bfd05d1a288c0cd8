using System;
using System.Collections.Generic;

namespace SeqDsl.Data;

/// <summary>
/// Standardises each feature to zero mean and unit variance using the training mean and the population standard
/// deviation (scikit-learn's <c>StandardScaler</c>). A constant feature is only centred.
/// </summary>
public sealed class StandardScaler : FeatureScaler
{
    private double[] _mean = Array.Empty<double>();
    private double[] _standardDeviation = Array.Empty<double>();

    /// <summary>Creates an unfitted scaler.</summary>
    public StandardScaler()
    {
    }

    /// <summary>Each feature's mean in the training data (empty before fitting).</summary>
    public IReadOnlyList<double> Mean => _mean;

    /// <summary>Each feature's population standard deviation in the training data (empty before fitting).</summary>
    public IReadOnlyList<double> StandardDeviation => _standardDeviation;

    private protected override void ComputeParameters(ReadOnlySpan<float> data, int features, double[] center, double[] scale)
    {
        var count = new long[features];
        var mean = new double[features];
        var sumSquares = new double[features];
        // Welford's update: one pass, no cancellation when the mean is large compared with the spread.
        for (int i = 0; i < data.Length; i++)
        {
            int f = i % features;
            count[f]++;
            double delta = data[i] - mean[f];
            mean[f] += delta / count[f];
            sumSquares[f] += delta * (data[i] - mean[f]);
        }

        var deviation = new double[features];
        for (int f = 0; f < features; f++)
        {
            deviation[f] = Math.Sqrt(sumSquares[f] / count[f]);
            center[f] = mean[f];
            scale[f] = deviation[f] > 0.0 ? deviation[f] : 1.0;
        }

        _mean = mean;
        _standardDeviation = deviation;
    }
}
