using SeqDsl.Data;

namespace SeqDsl.Kernels.Tests;

/// <summary>Small training runs on the seed's series: each recurrent family must beat the naive last-value forecast.</summary>
[Collection(CpuDeviceCollection.Name)]
public class TrainingTests
{
    private readonly SeqDevice device;

    public TrainingTests(CpuDeviceFixture fixture) => device = fixture.Device;

    /// <summary>1,000 training and 200 validation series of 50 steps, target = the 51st value.</summary>
    private static (float[,,] XTrain, float[,] YTrain, float[,,] XValid, float[,] YValid) Data()
    {
        var series = TimeSeries.Generate(1200, 51, new NumPyRandom(42));
        var split = ForecastData.Split(series, steps: 50, ahead: 1, trainCount: 1000, validCount: 200);
        return (split.XTrain, split.YTrain, split.XValid, split.YValid);
    }

    private static double NaiveMse(float[,,] x, float[,] y) => Metrics.Mse(y, Baselines.NaiveLastValue(x));

    [Fact]
    public void Deep_simple_rnn_beats_naive()
    {
        var (x, y, xv, yv) = Data();
        using var model = new DeepRnn(device, seed: 1);
        var history = model.Fit(x, y, epochs: 6, batchSize: 32, validation: (xv, yv));
        double mse = Metrics.Mse(yv, model.Predict(xv));
        Assert.True(mse < NaiveMse(xv, yv), $"DeepRnn validation MSE {mse:F5} vs naive {NaiveMse(xv, yv):F5}");
        Assert.True(history.Loss[^1] < history.Loss[0], "training loss did not decrease");
    }

    [Fact]
    public void Lstm_beats_naive()
    {
        var (x, y, xv, yv) = Data();
        using var model = new LstmForecaster(device, seed: 2);
        model.Fit(x, y, epochs: 6, batchSize: 32);
        double mse = model.Evaluate(xv, yv).Loss;
        Assert.True(mse < NaiveMse(xv, yv), $"LSTM validation MSE {mse:F5} vs naive {NaiveMse(xv, yv):F5}");
    }

    [Fact]
    public void Gru_beats_naive()
    {
        var (x, y, xv, yv) = Data();
        using var model = new GruForecaster(device, seed: 3);
        model.Fit(x, y, epochs: 6, batchSize: 32);
        double mse = model.Evaluate(xv, yv).Loss;
        Assert.True(mse < NaiveMse(xv, yv), $"GRU validation MSE {mse:F5} vs naive {NaiveMse(xv, yv):F5}");
    }

    [Fact]
    public void Same_seed_gives_bit_identical_weights()
    {
        var (x, y, _, _) = Data();
        float[] Train()
        {
            using var model = new GruForecaster(device, seed: 11);
            model.Fit(x, y, epochs: 1, batchSize: 64);
            return model.GetWeights();
        }

        Assert.Equal(Train(), Train());
    }
}
