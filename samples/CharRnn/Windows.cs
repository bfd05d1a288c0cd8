namespace SeqDsl.Samples.CharRnn;

/// <summary>Cuts an encoded text into training windows: inputs [n, steps, 1] and next-character targets [n, steps, 1].</summary>
public static class Windows
{
    /// <summary>
    /// Window i starts at i·stride: its inputs are ids[s .. s+steps) and its targets ids[s+1 .. s+steps] (each step's
    /// target is the character that follows it). Every window lies wholly inside the text.
    /// </summary>
    public static (float[,,] X, float[,,] Y) Cut(ReadOnlySpan<int> ids, int steps, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        int count = Count(ids.Length, steps, stride);
        var x = new float[count, steps, 1];
        var y = new float[count, steps, 1];
        for (int w = 0; w < count; w++)
        {
            int start = w * stride;
            for (int t = 0; t < steps; t++)
            {
                x[w, t, 0] = ids[start + t];
                y[w, t, 0] = ids[start + t + 1];
            }
        }

        return (x, y);
    }

    /// <summary>How many windows of <paramref name="steps"/> (plus one target) fit in a text of <paramref name="length"/> ids.</summary>
    public static int Count(int length, int steps, int stride) => length < steps + 1 ? 0 : (length - steps - 1) / stride + 1;
}
