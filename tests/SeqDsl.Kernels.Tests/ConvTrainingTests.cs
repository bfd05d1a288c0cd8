using SeqDsl.Data;
using Xunit.Abstractions;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// The seed's convolutional forecasters on its generator: 10 values ahead at every step (chapter 15's seq-to-seq
/// targets), judged like the notebook by the last step's MSE against the naive forecast (repeat the last value).
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class ConvTrainingTests
{
    private const int Steps = 50;
    private const int Ahead = 10;

    private readonly SeqDevice device;
    private readonly ITestOutputHelper output;

    public ConvTrainingTests(CpuDeviceFixture fixture, ITestOutputHelper output)
    {
        device = fixture.Device;
        this.output = output;
    }

    /// <summary>Inputs [n, 50, 1] and full-length targets [n, 50, 10]: Y[i, t, k] = series[i, t + k + 1].</summary>
    internal static (float[,,] X, float[,,] Y) Series(int count, int seed)
    {
        var series = TimeSeries.Generate(count, Steps + Ahead, new NumPyRandom(seed));
        var x = new float[count, Steps, 1];
        for (int i = 0; i < count; i++) for (int t = 0; t < Steps; t++) x[i, t, 0] = series[i, t, 0];
        return (x, Windowing.SequenceTargets(series, Steps, Ahead));
    }

    /// <summary>The last step's 10 targets, [n, 10], and the last step's 10 predictions.</summary>
    private static float[,] LastStep(float[,,] a)
    {
        int n = a.GetLength(0), last = a.GetLength(1) - 1, k = a.GetLength(2);
        var result = new float[n, k];
        for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) result[i, j] = a[i, last, j];
        return result;
    }

    [Fact]
    public void Simple_wavenet_beats_naive()
    {
        var (x, y) = Series(500, 42);
        var (xv, yv) = Series(200, 43);
        using var model = new SimpleWaveNetForecaster(device, seed: 1);
        var history = model.Fit(x, y, epochs: 4, batchSize: 32);
        double mse = Metrics.Mse(LastStep(yv), LastStep(model.Predict(xv)));
        double naive = Metrics.Mse(LastStep(yv), Baselines.NaiveRepeat(xv, Ahead));
        output.WriteLine($"WaveNet last-step validation MSE {mse:F5}, naive {naive:F5}");
        Assert.True(mse < naive, $"WaveNet last-step validation MSE {mse:F5} vs naive {naive:F5}");
        Assert.True(history.Loss[^1] < history.Loss[0], "training loss did not decrease");
    }

    [Fact]
    public void Gated_wavenet_beats_naive()
    {
        var (x, y) = Series(500, 42);
        var (xv, yv) = Series(200, 43);
        using var model = new GatedWaveNetForecaster(device, seed: 3);
        var history = model.Fit(x, y, epochs: 4, batchSize: 32);
        double mse = Metrics.Mse(LastStep(yv), LastStep(model.Predict(xv)));
        double naive = Metrics.Mse(LastStep(yv), Baselines.NaiveRepeat(xv, Ahead));
        output.WriteLine($"Gated WaveNet last-step validation MSE {mse:F5}, naive {naive:F5}");
        Assert.True(mse < naive, $"Gated WaveNet last-step validation MSE {mse:F5} vs naive {naive:F5}");
        Assert.True(history.Loss[^1] < history.Loss[0], "training loss did not decrease");
    }

    [Fact]
    public void Conv_gru_beats_naive_on_full_length_targets()
    {
        var (x, y) = Series(500, 42);
        var (xv, yv) = Series(200, 43);
        using var model = new ConvGruForecaster(device, seed: 2);
        // Full-length targets [n, 50, 10]: Fit aligns them with the 24 output steps itself (the seed's Y[:, 3::2]).
        var history = model.Fit(x, y, epochs: 4, batchSize: 32, validation: (xv, yv));
        var predicted = model.Predict(xv);
        Assert.Equal(24, predicted.GetLength(1));
        double mse = Metrics.Mse(LastStep(yv), LastStep(predicted)); // output step 23 ↔ input step 3 + 2·23 = 49
        double naive = Metrics.Mse(LastStep(yv), Baselines.NaiveRepeat(xv, Ahead));
        output.WriteLine($"Conv1D+GRU last-step validation MSE {mse:F5}, naive {naive:F5}");
        Assert.True(mse < naive, $"Conv1D+GRU last-step validation MSE {mse:F5} vs naive {naive:F5}");
        Assert.True(history.Loss[^1] < history.Loss[0], "training loss did not decrease");
        Assert.True(history.ValidationLoss[^1] < history.ValidationLoss[0], "validation loss did not decrease");
    }
}
