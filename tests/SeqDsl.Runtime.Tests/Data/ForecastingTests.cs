using SeqDsl.Data;

namespace SeqDsl.Runtime.Tests.Data;

public class ForecastingTests
{
    // A fake one-step model: the next value is the last value plus the step between the last two (linear extrapolation).
    private static float[,] Extrapolate(float[,,] x)
    {
        int n = x.GetLength(0), last = x.GetLength(1) - 1;
        var y = new float[n, 1];
        for (int i = 0; i < n; i++)
        {
            y[i, 0] = x[i, last, 0] + (x[i, last, 0] - x[i, last - 1, 0]);
        }

        return y;
    }

    [Fact]
    public void Iterative_FeedsEachPredictionBack()
    {
        var x = new float[,,] { { { 1 }, { 2 }, { 3 } }, { { 10 }, { 8 }, { 6 } } };

        float[,] forecast = Forecasting.Iterative(Extrapolate, x, steps: 4);

        // Only the fed-back predictions can continue the line past the history.
        Assert.Equal(new float[,] { { 4, 5, 6, 7 }, { 4, 2, 0, -2 } }, forecast);
    }

    [Fact]
    public void Iterative_Growing_PassesTheWholeSequenceSoFar()
    {
        var lengths = new List<int>();
        var x = new float[,,] { { { 1 }, { 2 } } };

        Forecasting.Iterative(input => { lengths.Add(input.GetLength(1)); return Extrapolate(input); }, x, steps: 3);

        Assert.Equal(new[] { 2, 3, 4 }, lengths);
    }

    [Fact]
    public void Iterative_Sliding_KeepsTheOriginalLength_AndDropsTheOldestValues()
    {
        var windows = new List<float[]>();
        var x = new float[,,] { { { 1 }, { 2 }, { 3 } } };

        float[,] forecast = Forecasting.Iterative(
            input =>
            {
                windows.Add(Enumerable.Range(0, input.GetLength(1)).Select(t => input[0, t, 0]).ToArray());
                return Extrapolate(input);
            },
            x,
            steps: 3,
            ForecastWindow.Sliding);

        Assert.Equal(new[] { new float[] { 1, 2, 3 }, new float[] { 2, 3, 4 }, new float[] { 3, 4, 5 } }, windows);
        Assert.Equal(new float[,] { { 4, 5, 6 } }, forecast);
    }

    [Fact]
    public void Iterative_PredictorReturnsWrongShape_ReportsTheStepAndShapes()
    {
        var x = new float[2, 3, 1];
        int calls = 0;

        var error = Assert.Throws<InvalidOperationException>(() => Forecasting.Iterative(
            input => ++calls == 1 ? new float[2, 1] : new float[2, 3], x, steps: 5));

        Assert.Contains("forecast step 1", error.Message);
        Assert.Contains("expected [2, 1], got [2, 3]", error.Message);
    }

    [Fact]
    public void Iterative_MultivariateHistory_IsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => Forecasting.Iterative(Extrapolate, new float[2, 3, 2], steps: 1));

        Assert.Equal("x", error.ParamName);
        Assert.Contains("got [2, 3, 2]", error.Message);
    }

    [Fact]
    public void Iterative_DoesNotModifyTheHistory()
    {
        var x = new float[,,] { { { 1 }, { 2 } } };

        Forecasting.Iterative(Extrapolate, x, steps: 3);

        Assert.Equal(new float[,,] { { { 1 }, { 2 } } }, x);
    }
}
