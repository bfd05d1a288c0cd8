using System;
using SeqDsl.Data;

namespace SeqDsl.Engine;

/// <summary>
/// A data set as the engine sees it: the row-major run of <see cref="float"/> values [Samples, Steps, Features] plus the
/// rank and argument name of the array it came from, so that error messages can name the user's argument and index.
/// A 2-D array [samples, features] becomes Steps = 1 with Rank = 2.
/// </summary>
/// <remarks>
/// The user's array is wrapped, never copied: a multidimensional array is already one row-major run of values, and a copy
/// would hold the whole data set a second time for the length of a Fit (the device holds it once more).
/// </remarks>
public readonly struct TensorData
{
    // float[], float[,] or float[,,]; null only in default(TensorData).
    private readonly Array? storage;

    /// <summary>Wraps <paramref name="data"/> (not copied) as [samples, steps, features].</summary>
    /// <exception cref="ArgumentException">The length is not samples × steps × features, or a size is negative.</exception>
    public TensorData(float[] data, int samples, int steps, int features, int rank = 3, string name = "x")
    {
        ArgumentNullException.ThrowIfNull(data, name);
        if (samples < 0 || steps < 0 || features < 0)
        {
            throw new ArgumentException($"{name}: sizes must be non-negative, got [{samples}, {steps}, {features}].", name);
        }

        if (rank is not (2 or 3))
        {
            throw new ArgumentException($"{name}: rank must be 2 or 3, got {rank}.", name);
        }

        if (rank == 2 && steps != 1)
        {
            throw new ArgumentException($"{name}: a rank-2 tensor has 1 step, got {steps}.", name);
        }

        if ((long)samples * steps * features != data.Length)
        {
            throw new ArgumentException($"{name}: {data.Length} values do not fill shape [{samples}, {steps}, {features}] ({(long)samples * steps * features} values).", name);
        }

        storage = data;
        Samples = samples;
        Steps = steps;
        Features = features;
        Rank = rank;
        Name = name;
    }

    private TensorData(Array array, int samples, int steps, int features, int rank, string name)
    {
        storage = array;
        Samples = samples;
        Steps = steps;
        Features = features;
        Rank = rank;
        Name = name;
    }

    /// <summary>Whether this tensor wraps <paramref name="array"/> itself (not a copy of it).</summary>
    internal bool Wraps(Array array) => ReferenceEquals(storage, array);

    /// <summary>The values, row-major [Samples, Steps, Features]: a view of the wrapped array, not a copy.</summary>
    public ReadOnlySpan<float> Values => storage is null ? default : FlatView.Of(storage);

    /// <summary>False only for <c>default(TensorData)</c>, which wraps no array.</summary>
    public bool HasValues => storage is not null;

    /// <summary>Samples (the first axis).</summary>
    public int Samples { get; }

    /// <summary>Steps per sample (1 for a 2-D array).</summary>
    public int Steps { get; }

    /// <summary>Features per step (the last axis).</summary>
    public int Features { get; }

    /// <summary>Rank of the array this came from: 3 for [samples, steps, features], 2 for [samples, features].</summary>
    public int Rank { get; }

    /// <summary>The argument name used in error messages (<c>x</c>, <c>y</c>, <c>validation.X</c>).</summary>
    public string Name { get; }

    /// <summary>Values per sample (Steps × Features).</summary>
    public int ValuesPerSample => Steps * Features;

    /// <summary>The shape as the user wrote it: <c>[100, 20, 1]</c> or <c>[100, 3]</c>.</summary>
    public string ShapeText => Rank == 2 ? $"[{Samples}, {Features}]" : $"[{Samples}, {Steps}, {Features}]";

    /// <summary>Wraps (does not copy) a [samples, steps, features] array.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="array"/> is null.</exception>
    public static TensorData From(float[,,] array, string name = "x")
    {
        ArgumentNullException.ThrowIfNull(array, name);
        return new TensorData(array, array.GetLength(0), array.GetLength(1), array.GetLength(2), 3, name);
    }

    /// <summary>Wraps (does not copy) a [samples, features] array (Steps = 1, Rank = 2).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="array"/> is null.</exception>
    public static TensorData From(float[,] array, string name = "x")
    {
        ArgumentNullException.ThrowIfNull(array, name);
        return new TensorData(array, array.GetLength(0), 1, array.GetLength(1), 2, name);
    }

    /// <summary>Wraps a 2-D or 3-D <see cref="float"/> array; anything else is rejected with its actual rank and type.</summary>
    /// <exception cref="ArgumentException"><paramref name="array"/> is not float[,] or float[,,].</exception>
    public static TensorData From(Array array, string name = "x")
    {
        ArgumentNullException.ThrowIfNull(array, name);
        return array switch
        {
            float[,,] a3 => From(a3, name),
            float[,] a2 => From(a2, name),
            _ => throw new ArgumentException(
                $"{name} must be float[samples, steps, features] or float[samples, features], got {array.GetType().Name} of rank {array.Rank}.", name),
        };
    }

    /// <summary>Reshapes a flat row-major result into [samples, steps, features].</summary>
    /// <exception cref="ArgumentException">The length is not samples × steps × features.</exception>
    public static float[,,] ToArray3D(ReadOnlySpan<float> flat, int samples, int steps, int features)
    {
        if ((long)samples * steps * features != flat.Length)
        {
            throw new ArgumentException($"{flat.Length} values do not fill shape [{samples}, {steps}, {features}].", nameof(flat));
        }

        var result = new float[samples, steps, features];
        flat.CopyTo(FlatView.Of(result));
        return result;
    }

    /// <summary>Reshapes a flat row-major result into [samples, features].</summary>
    /// <exception cref="ArgumentException">The length is not samples × features.</exception>
    public static float[,] ToArray2D(ReadOnlySpan<float> flat, int samples, int features)
    {
        if ((long)samples * features != flat.Length)
        {
            throw new ArgumentException($"{flat.Length} values do not fill shape [{samples}, {features}].", nameof(flat));
        }

        var result = new float[samples, features];
        flat.CopyTo(FlatView.Of(result));
        return result;
    }

    /// <summary>The user-facing index of flat element <paramref name="flatIndex"/>: <c>x[12, 3, 0]</c> or <c>y[5, 2]</c>.</summary>
    public string IndexText(long flatIndex)
    {
        long features = Math.Max(1, Features);
        long steps = Math.Max(1, Steps);
        long sample = flatIndex / (steps * features);
        long step = flatIndex / features % steps;
        long feature = flatIndex % features;
        return Rank == 2 ? $"{Name}[{sample}, {feature}]" : $"{Name}[{sample}, {step}, {feature}]";
    }
}
