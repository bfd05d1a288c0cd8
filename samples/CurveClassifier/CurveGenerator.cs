namespace SeqDsl.Samples.CurveClassifier;

/// <summary>
/// Synthetic curves in [0, 1]: trend(t) = p0 + (p1 − p0)·t − c·4t(1 − t), plus an optional sine, plus Gaussian noise.
/// The labels are drawn first (direction, curvature, periodicity), then parameters that satisfy them with margins, so
/// every label is a fact about the clean curve and contradictory subsets (increasing and decreasing) never occur.
/// </summary>
public sealed class CurveGenerator
{
    /// <summary>A trend end at or above this level is "high".</summary>
    public const double HighLevel = 0.7;

    /// <summary>A trend end at or below this level is "low"; ends between the two levels are never drawn.</summary>
    public const double LowLevel = 0.45;

    /// <summary>Increasing/decreasing trends change by at least this much; flat ones by at most <see cref="MaxFlatChange"/>.</summary>
    public const double MinRise = 0.25;

    /// <summary>Largest start-to-end change of a flat trend.</summary>
    public const double MaxFlatChange = 0.05;

    /// <summary>Bow depth range of convex/concave trends (second derivative is 8·c over t in [0, 1]).</summary>
    public const double MinBow = 0.15, MaxBow = 0.3;

    /// <summary>Sine amplitude range of periodic curves.</summary>
    public const double MinAmplitude = 0.06, MaxAmplitude = 0.1;

    /// <summary>Full sine cycles over the curve.</summary>
    public const int MinCycles = 4, MaxCycles = 10;

    /// <summary>Standard deviation of the additive noise.</summary>
    public const double NoiseLevel = 0.03;

    /// <summary>The clean curve stays in this margin inside [0, 1].</summary>
    private const double Margin = 0.02;

    private readonly Random random;

    /// <summary>A generator whose curves depend only on <paramref name="seed"/>.</summary>
    public CurveGenerator(int seed) => random = new Random(seed);

    /// <summary>One curve: its clean values, its noisy values and its seven labels.</summary>
    public sealed record Curve(double[] Clean, float[] Noisy, bool[] Labels);

    /// <summary>Draws one labelled curve of <paramref name="length"/> steps.</summary>
    public Curve Next(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2 * MaxCycles * 4, nameof(length));
        int direction = random.Next(3) - 1;  // −1 decreasing, 0 flat, +1 increasing
        int bend = random.Next(3) - 1;       // −1 concave, 0 straight, +1 convex
        bool periodic = random.Next(2) == 1;
        while (true)
        {
            double p0 = Level(), p1 = Level();
            double change = p1 - p0;
            bool directionHolds = direction switch
            {
                1 => change >= MinRise,
                -1 => change <= -MinRise,
                _ => Math.Abs(change) <= MaxFlatChange,
            };
            if (!directionHolds)
                continue;
            double bow = bend * (MinBow + (MaxBow - MinBow) * random.NextDouble());
            double amplitude = periodic ? MinAmplitude + (MaxAmplitude - MinAmplitude) * random.NextDouble() : 0;
            int cycles = random.Next(MinCycles, MaxCycles + 1);
            double phase = 2 * Math.PI * random.NextDouble();
            var clean = new double[length];
            for (int i = 0; i < length; i++)
            {
                double t = i / (double)(length - 1);
                clean[i] = p0 + change * t - bow * 4 * t * (1 - t) + amplitude * Math.Sin(2 * Math.PI * cycles * t + phase);
            }

            if (clean.Min() < Margin || clean.Max() > 1 - Margin)
                continue;
            var noisy = new float[length];
            for (int i = 0; i < length; i++)
                noisy[i] = (float)(clean[i] + NoiseLevel * Gaussian());
            var labels = new bool[CurveShapes.Count];
            labels[CurveShapes.HighStart] = p0 >= HighLevel;
            labels[CurveShapes.HighEnd] = p1 >= HighLevel;
            labels[CurveShapes.Periodic] = periodic;
            labels[CurveShapes.Increasing] = direction == 1;
            labels[CurveShapes.Decreasing] = direction == -1;
            labels[CurveShapes.Convex] = bend == 1;
            labels[CurveShapes.Concave] = bend == -1;
            return new Curve(clean, noisy, labels);
        }
    }

    /// <summary><paramref name="count"/> curves as model inputs [n, length, 1] and 0/1 targets [n, 7].</summary>
    public (float[,,] X, float[,] Y) Batch(int count, int length)
    {
        var x = new float[count, length, 1];
        var y = new float[count, CurveShapes.Count];
        for (int n = 0; n < count; n++)
        {
            var curve = Next(length);
            for (int i = 0; i < length; i++)
                x[n, i, 0] = curve.Noisy[i];
            for (int k = 0; k < CurveShapes.Count; k++)
                y[n, k] = curve.Labels[k] ? 1f : 0f;
        }

        return (x, y);
    }

    /// <summary>A trend end: high in [HighLevel, 0.9] or low in [0.1, LowLevel], never between.</summary>
    private double Level() =>
        random.Next(2) == 1 ? HighLevel + (0.9 - HighLevel) * random.NextDouble() : 0.1 + (LowLevel - 0.1) * random.NextDouble();

    /// <summary>A standard normal draw (Box–Muller).</summary>
    private double Gaussian()
    {
        double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
