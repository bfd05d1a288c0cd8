namespace SeqDsl.Samples.Forecasting;

/// <summary>Seq-to-seq targets for models whose output has fewer steps than their input (a strided Conv1D first).</summary>
public static class SequenceTargets
{
    /// <summary>
    /// The steps <paramref name="first"/>, <paramref name="first"/> + <paramref name="stride"/>, … of
    /// <c>[samples, steps, ahead]</c> targets: NumPy's <c>Y[:, first::stride]</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="first"/> is not a step of <paramref name="targets"/>, or the stride is below 1.</exception>
    public static float[,,] Steps(float[,,] targets, int first, int stride)
    {
        int samples = targets.GetLength(0), steps = targets.GetLength(1), ahead = targets.GetLength(2);
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(first, steps);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        int kept = (steps - first + stride - 1) / stride;
        var result = new float[samples, kept, ahead];
        for (int i = 0; i < samples; i++)
        {
            for (int j = 0; j < kept; j++)
            {
                for (int k = 0; k < ahead; k++)
                    result[i, j, k] = targets[i, first + j * stride, k];
            }
        }

        return result;
    }
}
