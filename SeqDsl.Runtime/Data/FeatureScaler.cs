using System;

namespace SeqDsl.Data;

/// <summary>
/// A per-feature affine rescaling learnt from training data: <c>scaled = (x - center) / scale + offset</c>.
/// The last axis of the data is the feature axis (float[] is one feature; float[,] is [rows, features];
/// float[,,] is [samples, steps, features]). Fit on the training set only, then transform every set with it,
/// so no statistic of the validation or test data leaks into training.
/// </summary>
public abstract class FeatureScaler
{
    private double[]? _center;
    private double[]? _scale;

    private protected FeatureScaler()
    {
    }

    /// <summary>True once <c>Fit</c> has run.</summary>
    public bool IsFitted => _center is not null;

    /// <summary>Features the scaler was fitted on (0 before fitting).</summary>
    public int FeatureCount => _center?.Length ?? 0;

    /// <summary>The value added after dividing by the scale (the lower end of a min-max range; 0 for standardisation).</summary>
    private protected virtual double Offset => 0.0;

    /// <summary>Learns the statistics of a single feature.</summary>
    /// <param name="data">The training values; at least one, all finite.</param>
    /// <returns>This scaler, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="data"/> is empty or holds a non-finite value.</exception>
    public FeatureScaler Fit(float[] data) => FitFlat(data, 1);

    /// <summary>Learns the statistics of every column of [rows, features].</summary>
    /// <param name="data">The training values; at least one row and one column, all finite.</param>
    /// <returns>This scaler, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="data"/> is empty or holds a non-finite value.</exception>
    public FeatureScaler Fit(float[,] data) => FitFlat(data, data?.GetLength(1) ?? 0);

    /// <summary>Learns the statistics of every feature of [samples, steps, features], over all samples and steps.</summary>
    /// <param name="data">The training values; not empty, all finite.</param>
    /// <returns>This scaler, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="data"/> is empty or holds a non-finite value.</exception>
    public FeatureScaler Fit(float[,,] data) => FitFlat(data, data?.GetLength(2) ?? 0);

    /// <summary>Scales a single feature.</summary>
    /// <param name="data">Values of the one feature the scaler was fitted on.</param>
    /// <returns>A new array with the scaled values.</returns>
    /// <exception cref="InvalidOperationException">The scaler is not fitted.</exception>
    /// <exception cref="ArgumentException">The scaler was fitted on more than one feature.</exception>
    public float[] Transform(float[] data) => (float[])Apply(data, 1, inverse: false);

    /// <summary>Scales every column of [rows, features].</summary>
    /// <param name="data">Values with the fitted number of features.</param>
    /// <returns>A new array with the scaled values.</returns>
    /// <exception cref="InvalidOperationException">The scaler is not fitted.</exception>
    /// <exception cref="ArgumentException">The feature count differs from the fitted one.</exception>
    public float[,] Transform(float[,] data) => (float[,])Apply(data, data?.GetLength(1) ?? 0, inverse: false);

    /// <summary>Scales every feature of [samples, steps, features].</summary>
    /// <param name="data">Values with the fitted number of features.</param>
    /// <returns>A new array with the scaled values.</returns>
    /// <exception cref="InvalidOperationException">The scaler is not fitted.</exception>
    /// <exception cref="ArgumentException">The feature count differs from the fitted one.</exception>
    public float[,,] Transform(float[,,] data) => (float[,,])Apply(data, data?.GetLength(2) ?? 0, inverse: false);

    /// <summary>Maps scaled values of a single feature back to the original units (for example, a model's predictions).</summary>
    /// <param name="data">Scaled values.</param>
    /// <returns>A new array in the original units.</returns>
    /// <exception cref="InvalidOperationException">The scaler is not fitted.</exception>
    /// <exception cref="ArgumentException">The scaler was fitted on more than one feature.</exception>
    public float[] InverseTransform(float[] data) => (float[])Apply(data, 1, inverse: true);

    /// <summary>Maps scaled [rows, features] back to the original units.</summary>
    /// <param name="data">Scaled values with the fitted number of features.</param>
    /// <returns>A new array in the original units.</returns>
    /// <exception cref="InvalidOperationException">The scaler is not fitted.</exception>
    /// <exception cref="ArgumentException">The feature count differs from the fitted one.</exception>
    public float[,] InverseTransform(float[,] data) => (float[,])Apply(data, data?.GetLength(1) ?? 0, inverse: true);

    /// <summary>Maps scaled [samples, steps, features] back to the original units.</summary>
    /// <param name="data">Scaled values with the fitted number of features.</param>
    /// <returns>A new array in the original units.</returns>
    /// <exception cref="InvalidOperationException">The scaler is not fitted.</exception>
    /// <exception cref="ArgumentException">The feature count differs from the fitted one.</exception>
    public float[,,] InverseTransform(float[,,] data) => (float[,,])Apply(data, data?.GetLength(2) ?? 0, inverse: true);

    /// <summary>Computes each feature's center and scale from row-major data whose last axis has <paramref name="features"/> entries.</summary>
    private protected abstract void ComputeParameters(ReadOnlySpan<float> data, int features, double[] center, double[] scale);

    private FeatureScaler FitFlat(Array data, int features)
    {
        DataChecks.NotNull(data, nameof(data));
        if (data.Length == 0)
        {
            throw new ArgumentException(
                $"Cannot fit {GetType().Name} on empty data: expected at least one value per feature, got {DataChecks.Shape(data)}.",
                nameof(data));
        }

        ReadOnlySpan<float> values = FlatView.Of(data);
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new ArgumentException(
                    $"Cannot fit {GetType().Name}: data {DataChecks.Shape(data)} holds {values[i]} at index {Subscript(data, i)}; every value must be finite.",
                    nameof(data));
            }
        }

        var center = new double[features];
        var scale = new double[features];
        ComputeParameters(values, features, center, scale);
        _center = center;
        _scale = scale;
        return this;
    }

    private Array Apply(Array data, int features, bool inverse)
    {
        DataChecks.NotNull(data, nameof(data));
        if (_center is null || _scale is null)
        {
            throw new InvalidOperationException(
                $"{GetType().Name} is not fitted: call Fit on the training data before Transform or InverseTransform.");
        }

        if (features != _center.Length)
        {
            throw new ArgumentException(
                $"{GetType().Name} was fitted on {_center.Length} feature(s) but data {DataChecks.Shape(data)} has {features} (the last axis is the feature axis).",
                nameof(data));
        }

        var result = (Array)data.Clone();
        Span<float> values = FlatView.Of(result);
        double offset = Offset;
        for (int i = 0; i < values.Length; i++)
        {
            int f = i % features;
            values[i] = inverse
                ? (float)((values[i] - offset) * _scale[f] + _center[f])
                : (float)((values[i] - _center[f]) / _scale[f] + offset);
        }

        return result;
    }

    private static string Subscript(Array data, int flatIndex)
    {
        var parts = new string[data.Rank];
        for (int d = data.Rank - 1; d >= 0; d--)
        {
            int length = data.GetLength(d);
            parts[d] = (flatIndex % length).ToString(System.Globalization.CultureInfo.InvariantCulture);
            flatIndex /= length;
        }

        return "[" + string.Join(", ", parts) + "]";
    }
}
