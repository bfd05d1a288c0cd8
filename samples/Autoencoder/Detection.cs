namespace SeqDsl.Samples.Autoencoder;

/// <summary>How well a flag found the injected anomalies.</summary>
/// <param name="TruePositives">Anomalous series flagged.</param>
/// <param name="FalsePositives">Normal series flagged.</param>
/// <param name="FalseNegatives">Anomalous series not flagged.</param>
/// <param name="Negatives">Normal series in all.</param>
public readonly record struct FlagScore(int TruePositives, int FalsePositives, int FalseNegatives, int Negatives)
{
    /// <summary>Flagged series that are anomalous; 0 when nothing was flagged.</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);

    /// <summary>Anomalous series that were flagged; 0 when there are none.</summary>
    public double Recall => TruePositives + FalseNegatives == 0 ? 0 : (double)TruePositives / (TruePositives + FalseNegatives);

    /// <summary>The precision of flagging at random: the share of anomalous series.</summary>
    public double ChancePrecision => Negatives + TruePositives + FalseNegatives == 0 ? 0 : (double)(TruePositives + FalseNegatives) / (Negatives + TruePositives + FalseNegatives);
}

/// <summary>Reconstruction errors, the threshold chosen on training errors, and the flag's precision and recall.</summary>
public static class Detection
{
    /// <summary>Mean squared error of each series' reconstruction: [n] from two [n, steps, 1] arrays.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static double[] SeriesErrors(float[,,] actual, float[,,] reconstructed)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(reconstructed);
        int n = actual.GetLength(0), steps = actual.GetLength(1), features = actual.GetLength(2);
        if (reconstructed.GetLength(0) != n || reconstructed.GetLength(1) != steps || reconstructed.GetLength(2) != features)
            throw new ArgumentException(
                $"reconstructed must be [{n}, {steps}, {features}] like actual; got [{reconstructed.GetLength(0)}, {reconstructed.GetLength(1)}, {reconstructed.GetLength(2)}].",
                nameof(reconstructed));
        var errors = new double[n];
        for (int s = 0; s < n; s++)
        {
            double sum = 0;
            for (int t = 0; t < steps; t++)
                for (int f = 0; f < features; f++)
                {
                    double d = actual[s, t, f] - reconstructed[s, t, f];
                    sum += d * d;
                }

            errors[s] = sum / (steps * features);
        }

        return errors;
    }

    /// <summary>The trivial reconstruction: every series replaced by its own mean.</summary>
    public static float[,,] MeanReconstruction(float[,,] series)
    {
        ArgumentNullException.ThrowIfNull(series);
        int n = series.GetLength(0), steps = series.GetLength(1), features = series.GetLength(2);
        var result = new float[n, steps, features];
        for (int s = 0; s < n; s++)
            for (int f = 0; f < features; f++)
            {
                double sum = 0;
                for (int t = 0; t < steps; t++)
                    sum += series[s, t, f];
                float mean = (float)(sum / steps);
                for (int t = 0; t < steps; t++)
                    result[s, t, f] = mean;
            }

        return result;
    }

    /// <summary>
    /// The <paramref name="percentile"/>-th percentile of <paramref name="values"/>, interpolated linearly between
    /// the sorted values (NumPy's default <c>np.percentile</c>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="values"/> is empty or holds NaN.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percentile"/> is outside [0, 100].</exception>
    public static double Percentile(IReadOnlyList<double> values, double percentile)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
            throw new ArgumentException("values must not be empty.", nameof(values));
        if (percentile is < 0 or > 100 || double.IsNaN(percentile))
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, $"percentile must be in [0, 100]; got {percentile}.");
        double[] sorted = [.. values];
        Array.Sort(sorted);
        if (double.IsNaN(sorted[^1]) || double.IsNaN(sorted[0]))
            throw new ArgumentException($"values[{Array.FindIndex([.. values], double.IsNaN)}] is NaN.", nameof(values));
        double position = percentile / 100 * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    /// <summary>Flags the series whose error is above <paramref name="threshold"/> and scores the flag against the truth.</summary>
    /// <exception cref="ArgumentException">The arrays differ in length.</exception>
    public static FlagScore Score(IReadOnlyList<double> errors, IReadOnlyList<bool> anomalous, double threshold)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(anomalous);
        if (errors.Count != anomalous.Count)
            throw new ArgumentException($"anomalous must have {errors.Count} entries like errors; got {anomalous.Count}.", nameof(anomalous));
        int tp = 0, fp = 0, fn = 0, negatives = 0;
        for (int i = 0; i < errors.Count; i++)
        {
            bool flagged = errors[i] > threshold;
            if (anomalous[i])
            {
                if (flagged) tp++; else fn++;
            }
            else
            {
                negatives++;
                if (flagged) fp++;
            }
        }

        return new FlagScore(tp, fp, fn, negatives);
    }
}
