using System;

namespace SeqDsl.Engine;

/// <summary>Means of per-sample losses, summed in double in sample order so Fit and Evaluate agree to the bit.</summary>
internal static class LossSummary
{
    public static double Mean(float[] values, int count)
    {
        if (count == 0)
        {
            return double.NaN;
        }

        double sum = 0;
        for (int i = 0; i < count; i++)
        {
            sum += values[i];
        }

        return sum / count;
    }

    /// <summary>Index of the first NaN or infinite value among the first <paramref name="count"/>, or −1.</summary>
    public static int FirstNonFinite(float[] values, int count)
    {
        for (int i = 0; i < Math.Min(count, values.Length); i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
