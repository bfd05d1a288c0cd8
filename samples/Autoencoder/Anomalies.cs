namespace SeqDsl.Samples.Autoencoder;

/// <summary>The kinds of anomaly injected into validation series.</summary>
public enum AnomalyKind
{
    /// <summary>A normal series, left as generated.</summary>
    None,

    /// <summary>A few isolated spikes of ±<see cref="Anomalies.SpikeHeight"/>.</summary>
    Spikes,

    /// <summary>A stretch of the series held flat at its first value (a stuck sensor).</summary>
    Flat,

    /// <summary>The series replaced by uniform noise of the series' own range (no sine structure left).</summary>
    Noise,
}

/// <summary>Injects anomalies into copies of series, deterministically for a seed.</summary>
public static class Anomalies
{
    /// <summary>Height of an injected spike: well above the two waves' combined amplitude (0.7) plus noise.</summary>
    public const float SpikeHeight = 1.5f;

    /// <summary>Spikes per spiked series.</summary>
    public const int SpikeCount = 3;

    /// <summary>Fraction of the steps held flat in a flat series.</summary>
    public const double FlatFraction = 0.4;

    /// <summary>Half the width of the uniform noise that replaces a noise series.</summary>
    public const float NoiseAmplitude = 0.7f;

    /// <summary>
    /// Returns a copy of <paramref name="series"/> ([n, steps, 1]) in which <paramref name="fraction"/> of the series
    /// (rounded, at least one when the fraction is above 0) are anomalous, kinds taken in turn, plus each series' kind.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="series"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is outside [0, 1].</exception>
    /// <exception cref="ArgumentException">The series have a feature count other than 1 or fewer than 2 steps.</exception>
    public static (float[,,] Series, AnomalyKind[] Kinds) Inject(float[,,] series, double fraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (fraction is < 0 or > 1 || double.IsNaN(fraction))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, $"fraction must be in [0, 1]; got {fraction}.");
        int count = series.GetLength(0), steps = series.GetLength(1);
        if (series.GetLength(2) != 1 || steps < 2)
            throw new ArgumentException($"series must be [n, steps >= 2, 1]; got [{count}, {steps}, {series.GetLength(2)}].", nameof(series));

        var result = (float[,,])series.Clone();
        var kinds = new AnomalyKind[count];
        int anomalous = fraction == 0 ? 0 : Math.Clamp((int)Math.Round(fraction * count), 1, count);
        var random = new Random(seed);

        // Which series become anomalous: a seeded shuffle, so anomalies are spread over the set.
        int[] order = Enumerable.Range(0, count).ToArray();
        random.Shuffle(order);
        AnomalyKind[] cycle = [AnomalyKind.Spikes, AnomalyKind.Flat, AnomalyKind.Noise];
        for (int i = 0; i < anomalous; i++)
        {
            int s = order[i];
            kinds[s] = cycle[i % cycle.Length];
            switch (kinds[s])
            {
                case AnomalyKind.Spikes:
                    for (int k = 0; k < SpikeCount; k++)
                        result[s, random.Next(steps), 0] += random.Next(2) == 0 ? SpikeHeight : -SpikeHeight;
                    break;
                case AnomalyKind.Flat:
                    int length = Math.Max(2, (int)(FlatFraction * steps));
                    int start = random.Next(steps - length + 1);
                    for (int t = start; t < start + length; t++)
                        result[s, t, 0] = result[s, start, 0];
                    break;
                case AnomalyKind.Noise:
                    for (int t = 0; t < steps; t++)
                        result[s, t, 0] = (float)((random.NextDouble() * 2 - 1) * NoiseAmplitude);
                    break;
            }
        }

        return (result, kinds);
    }
}
