using SeqDsl.Samples.CharRnn;

namespace SeqDsl.CharRnn.Tests;

public class WindowsTests
{
    [Fact]
    public void Inputs_and_targets_are_n_steps_1_with_targets_one_character_ahead()
    {
        int[] ids = Enumerable.Range(0, 12).ToArray(); // 0 1 2 … 11
        var (x, y) = Windows.Cut(ids, steps: 4, stride: 3);

        // Starts 0, 3, 6: the window at 6 needs ids up to 10 (its last target); a window at 9 would need 13.
        Assert.Equal([3, 4, 1], new[] { x.GetLength(0), x.GetLength(1), x.GetLength(2) });
        Assert.Equal([3, 4, 1], new[] { y.GetLength(0), y.GetLength(1), y.GetLength(2) });
        for (int w = 0; w < 3; w++)
        {
            for (int t = 0; t < 4; t++)
            {
                Assert.Equal(w * 3 + t, x[w, t, 0]);
                Assert.Equal(w * 3 + t + 1, y[w, t, 0]);
            }
        }
    }

    [Theory]
    [InlineData(5, 4, 1, 1)]
    [InlineData(4, 4, 1, 0)]
    [InlineData(100, 10, 10, 9)]
    [InlineData(101, 10, 10, 10)]
    public void Count_is_the_number_of_whole_windows(int length, int steps, int stride, int expected)
    {
        Assert.Equal(expected, Windows.Count(length, steps, stride));
        var (x, _) = Windows.Cut(new int[length], steps, stride);
        Assert.Equal(expected, x.GetLength(0));
    }

    [Fact]
    public void Zero_steps_or_stride_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>("steps", () => Windows.Cut(new int[10], 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>("stride", () => Windows.Cut(new int[10], 2, 0));
    }
}
