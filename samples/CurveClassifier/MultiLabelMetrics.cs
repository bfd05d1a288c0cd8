namespace SeqDsl.Samples.CurveClassifier;

/// <summary>Per-class counts of a multi-label prediction thresholded at <see cref="Threshold"/>.</summary>
public sealed record ClassCounts(int TruePositives, int FalsePositives, int FalseNegatives, int TrueNegatives)
{
    /// <summary>TP / (TP + FP); 0 when nothing was predicted positive.</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? 0 : TruePositives / (double)(TruePositives + FalsePositives);

    /// <summary>TP / (TP + FN); 0 when the class never occurs.</summary>
    public double Recall => TruePositives + FalseNegatives == 0 ? 0 : TruePositives / (double)(TruePositives + FalseNegatives);
}

/// <summary>Precision, recall and binary accuracy of multi-label predictions, and the class-frequency baseline.</summary>
public static class MultiLabelMetrics
{
    /// <summary>A probability at or above this is a positive prediction.</summary>
    public const float Threshold = 0.5f;

    /// <summary>Per-class confusion counts of <paramref name="predicted"/> probabilities against 0/1 <paramref name="targets"/>.</summary>
    public static ClassCounts[] Counts(float[,] targets, float[,] predicted)
    {
        CheckShapes(targets, predicted);
        int n = targets.GetLength(0), classes = targets.GetLength(1);
        var result = new ClassCounts[classes];
        for (int k = 0; k < classes; k++)
        {
            int tp = 0, fp = 0, fn = 0, tn = 0;
            for (int i = 0; i < n; i++)
            {
                bool actual = targets[i, k] >= Threshold, guess = predicted[i, k] >= Threshold;
                if (actual && guess) tp++;
                else if (guess) fp++;
                else if (actual) fn++;
                else tn++;
            }

            result[k] = new ClassCounts(tp, fp, fn, tn);
        }

        return result;
    }

    /// <summary>The fraction of (sample, class) pairs predicted right.</summary>
    public static double BinaryAccuracy(float[,] targets, float[,] predicted)
    {
        var counts = Counts(targets, predicted);
        long right = counts.Sum(c => (long)c.TruePositives + c.TrueNegatives);
        long all = counts.Sum(c => (long)c.TruePositives + c.TrueNegatives + c.FalsePositives + c.FalseNegatives);
        return all == 0 ? 0 : right / (double)all;
    }

    /// <summary>Mean binary cross-entropy of probabilities (clipped away from 0 and 1).</summary>
    public static double BinaryCrossEntropy(float[,] targets, float[,] predicted)
    {
        CheckShapes(targets, predicted);
        const double epsilon = 1e-7;
        double sum = 0;
        int n = targets.GetLength(0), classes = targets.GetLength(1);
        for (int i = 0; i < n; i++)
            for (int k = 0; k < classes; k++)
            {
                double p = Math.Clamp(predicted[i, k], epsilon, 1 - epsilon);
                sum -= targets[i, k] * Math.Log(p) + (1 - targets[i, k]) * Math.Log(1 - p);
            }

        return n * classes == 0 ? 0 : sum / (n * classes);
    }

    /// <summary>Each class's frequency in <paramref name="training"/> targets.</summary>
    public static double[] Frequencies(float[,] training)
    {
        int n = training.GetLength(0), classes = training.GetLength(1);
        var result = new double[classes];
        for (int k = 0; k < classes; k++)
        {
            int positives = 0;
            for (int i = 0; i < n; i++)
                if (training[i, k] >= Threshold)
                    positives++;
            result[k] = n == 0 ? 0 : positives / (double)n;
        }

        return result;
    }

    /// <summary>The trivial baseline: every sample gets the training frequencies as probabilities (so the majority label).</summary>
    public static float[,] FrequencyBaseline(double[] frequencies, int samples)
    {
        var result = new float[samples, frequencies.Length];
        for (int i = 0; i < samples; i++)
            for (int k = 0; k < frequencies.Length; k++)
                result[i, k] = (float)frequencies[k];
        return result;
    }

    private static void CheckShapes(float[,] targets, float[,] predicted)
    {
        if (targets.GetLength(0) != predicted.GetLength(0) || targets.GetLength(1) != predicted.GetLength(1))
            throw new ArgumentException(
                $"predicted has shape [{predicted.GetLength(0)}, {predicted.GetLength(1)}], targets [{targets.GetLength(0)}, {targets.GetLength(1)}].",
                nameof(predicted));
    }
}
