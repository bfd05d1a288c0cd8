namespace SeqDsl.Kernels.Tests;

/// <summary>
/// Predict keeps its device buffers between calls (so a batch-1 call allocates nothing): calls of any size, in any
/// order, must give exactly what a fresh model gives, and the buffers must grow when a larger chunk follows.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class PredictionBufferTests
{
    private readonly SeqDevice device;

    public PredictionBufferTests(CpuDeviceFixture fixture) => device = fixture.Device;

    private static float[,,] Inputs(int samples, int steps, int seed)
    {
        var random = new Random(seed);
        var x = new float[samples, steps, 2];
        for (int i = 0; i < samples; i++)
        {
            for (int t = 0; t < steps; t++)
            {
                x[i, t, 0] = (float)(random.NextDouble() * 2 - 1);
                x[i, t, 1] = (float)(random.NextDouble() * 2 - 1);
            }
        }

        return x;
    }

    [Fact]
    public void Calls_of_growing_and_shrinking_size_match_a_fresh_model()
    {
        var small = Inputs(1, 6, seed: 1);
        var large = Inputs(9, 6, seed: 2);
        var longer = Inputs(4, 11, seed: 3);

        using var reference = new LstmStackModel(seed: 5, device: device);
        var expectedSmall = reference.Predict(small);
        using var fresh = new LstmStackModel(seed: 5, device: device);
        var expectedLarge = fresh.Predict(large, batchSize: 9);
        using var freshLonger = new LstmStackModel(seed: 5, device: device);
        var expectedLonger = freshLonger.Predict(longer);

        using var model = new LstmStackModel(seed: 5, device: device);
        Assert.Equal(expectedSmall, model.Predict(small));                 // buffers sized for one sample
        Assert.Equal(expectedLarge, model.Predict(large, batchSize: 9));   // they grow to nine
        Assert.Equal(expectedSmall, model.Predict(small));                 // and serve one sample again
        Assert.Equal(expectedLarge, model.Predict(large, batchSize: 4));   // chunks of 4, 4 and 1 in the kept buffers
        Assert.Equal(expectedLonger, model.Predict(longer));               // longer sequences than before
    }

    [Fact]
    public void Chunked_sequence_predictions_land_in_their_rows()
    {
        // Predict copies each chunk's predictions straight into its rows of the [samples, steps, features] result.
        var random = new Random(6);
        var x = new float[7, 5, 3]; // LstmSequenceModel reads 3 features
        for (int i = 0; i < 7; i++)
        {
            for (int t = 0; t < 5; t++)
            {
                for (int f = 0; f < 3; f++)
                {
                    x[i, t, f] = (float)(random.NextDouble() * 2 - 1);
                }
            }
        }

        using var model = new LstmSequenceModel(seed: 3, device: device);
        var whole = model.Predict(x, batchSize: 7);
        Assert.Equal(whole, model.Predict(x, batchSize: 3)); // chunks of 3, 3 and 1

        var fifth = new float[1, 5, 3];
        for (int t = 0; t < 5; t++)
        {
            for (int f = 0; f < 3; f++)
            {
                fifth[0, t, f] = x[5, t, f];
            }
        }

        var alone = model.Predict(fifth);
        for (int t = 0; t < whole.GetLength(1); t++)
        {
            for (int f = 0; f < whole.GetLength(2); f++)
            {
                Assert.Equal(alone[0, t, f], whole[5, t, f]);
            }
        }
    }

    [Fact]
    public void A_disposed_model_refuses_to_predict()
    {
        var model = new LstmStackModel(seed: 5, device: device);
        model.Predict(Inputs(2, 5, seed: 4));
        model.Dispose();
        Assert.Throws<ObjectDisposedException>(() => model.Predict(Inputs(2, 5, seed: 4)));
    }
}
