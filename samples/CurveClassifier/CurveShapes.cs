namespace SeqDsl.Samples.CurveClassifier;

/// <summary>The seven shape labels, in the order of the model's outputs. A curve carries any consistent subset.</summary>
public static class CurveShapes
{
    /// <summary>Number of labels (the model's Dense width).</summary>
    public const int Count = 7;

    /// <summary>The trend starts high: its first value is at least <see cref="CurveGenerator.HighLevel"/>.</summary>
    public const int HighStart = 0;

    /// <summary>The trend ends high: its last value is at least <see cref="CurveGenerator.HighLevel"/>.</summary>
    public const int HighEnd = 1;

    /// <summary>A sine component of visible amplitude with several full cycles.</summary>
    public const int Periodic = 2;

    /// <summary>The trend rises by at least <see cref="CurveGenerator.MinRise"/> from start to end.</summary>
    public const int Increasing = 3;

    /// <summary>The trend falls by at least <see cref="CurveGenerator.MinRise"/> from start to end.</summary>
    public const int Decreasing = 4;

    /// <summary>The trend bends upwards (positive second derivative).</summary>
    public const int Convex = 5;

    /// <summary>The trend bends downwards (negative second derivative).</summary>
    public const int Concave = 6;

    /// <summary>Short names for tables.</summary>
    public static IReadOnlyList<string> Names { get; } = ["high-start", "high-end", "periodic", "increasing", "decreasing", "convex", "concave"];
}
