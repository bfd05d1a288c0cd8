using System;
using System.Collections.Generic;

namespace SeqDsl.Data;

/// <summary>
/// Rescales each feature linearly so its training minimum maps to <see cref="RangeMin"/> and its training maximum to
/// <see cref="RangeMax"/> (scikit-learn's <c>MinMaxScaler</c>). A constant feature maps to <see cref="RangeMin"/>.
/// </summary>
public sealed class MinMaxScaler : FeatureScaler
{
    private double[] _dataMin = Array.Empty<double>();
    private double[] _dataMax = Array.Empty<double>();

    /// <summary>Creates a scaler onto [<paramref name="rangeMin"/>, <paramref name="rangeMax"/>], [0, 1] by default.</summary>
    /// <param name="rangeMin">Where each feature's training minimum lands.</param>
    /// <param name="rangeMax">Where each feature's training maximum lands; must be above <paramref name="rangeMin"/>.</param>
    /// <exception cref="ArgumentException">The range is empty, reversed or not finite.</exception>
    public MinMaxScaler(double rangeMin = 0.0, double rangeMax = 1.0)
    {
        if (!double.IsFinite(rangeMin) || !double.IsFinite(rangeMax) || !(rangeMin < rangeMax))
        {
            throw new ArgumentException(
                $"The feature range must be finite with rangeMin < rangeMax; got [{rangeMin}, {rangeMax}].", nameof(rangeMax));
        }

        RangeMin = rangeMin;
        RangeMax = rangeMax;
    }

    /// <summary>The value each feature's training minimum is mapped to.</summary>
    public double RangeMin { get; }

    /// <summary>The value each feature's training maximum is mapped to.</summary>
    public double RangeMax { get; }

    /// <summary>Each feature's minimum in the training data (empty before fitting).</summary>
    public IReadOnlyList<double> DataMin => _dataMin;

    /// <summary>Each feature's maximum in the training data (empty before fitting).</summary>
    public IReadOnlyList<double> DataMax => _dataMax;

    private protected override double Offset => RangeMin;

    private protected override void ComputeParameters(ReadOnlySpan<float> data, int features, double[] center, double[] scale)
    {
        var min = new double[features];
        var max = new double[features];
        for (int f = 0; f < features; f++)
        {
            min[f] = double.PositiveInfinity;
            max[f] = double.NegativeInfinity;
        }

        for (int i = 0; i < data.Length; i++)
        {
            int f = i % features;
            min[f] = Math.Min(min[f], data[i]);
            max[f] = Math.Max(max[f], data[i]);
        }

        for (int f = 0; f < features; f++)
        {
            // A constant feature would divide by zero; like scikit-learn, treat its range as 1.
            double dataRange = max[f] > min[f] ? max[f] - min[f] : 1.0;
            center[f] = min[f];
            scale[f] = dataRange / (RangeMax - RangeMin);
        }

        _dataMin = min;
        _dataMax = max;
    }
}
