namespace SeqDsl.Kernels.Tests;

/// <summary>
/// Fit streams its training set in blocks of whole batches on PoCL and the CPU accelerator and keeps it resident on
/// GPUs. CI has no GPU, so these tests force the resident mode (the internal <c>FitOptions.StreamTrainingSet</c>) on
/// the CPU accelerator (host code) and on PoCL, and train a generated LSTM both ways from the same seed: shuffled,
/// over several blocks (the internal <c>FitOptions.StreamBlockBytes</c>), with a partial last batch. The kernels see the
/// same values in the same batch positions either way, so the weights and the losses must be the same bits.
/// </summary>
/// <remarks>
/// The model is an existing one (<see cref="LstmSequenceModel"/>, sequence targets): a new model class would join every
/// all-models theory of this project.
/// </remarks>
[Collection(CpuDeviceCollection.Name)]
public sealed class StreamedTrainingTests(CpuDeviceFixture fixture)
{
    // 45 samples of 6 steps × 3 features with targets of 6 steps × 2 (120 bytes a sample), batches of 4: 12 batches,
    // the last of 1. Blocks of 3 batches (1,440 bytes): 12 samples at 0, 12, 24 and 36, the last block 2 whole batches
    // and the partial one.
    private const int Samples = 45;
    private const int Steps = 6;
    private const int BatchSize = 4;
    private const long BlockBytes = 3 * BatchSize * ((Steps * 3) + (Steps * 2)) * sizeof(float);

    [Fact]
    public void CPU_accelerator_trains_to_the_same_bits_streamed_and_resident() => AssertSameBits(fixture.Device);

    [Fact]
    public void PoCL_trains_to_the_same_bits_streamed_and_resident()
    {
        var pocl = PoclDevice.OpenOrExplain();
        if (pocl is null)
        {
            return; // only with SEQDSL_REQUIRE_POCL=0 on a machine without PoCL (CI installs it)
        }

        using (pocl)
        {
            AssertSameBits(pocl);
        }
    }

    private static void AssertSameBits(SeqDevice device)
    {
        var random = new Random(31);
        var x = LayerChecks.Inputs(random, Samples, Steps, 3);
        var y = (float[,,])LayerChecks.Targets(random, Loss.Mse, Samples, Steps, 2, sequence: true);

        (float[] Weights, History History) Train(bool streamed)
        {
            using var model = new LstmSequenceModel(device, seed: 7);
            var options = new FitOptions { LearningRate = 0.01, Shuffle = true, StreamTrainingSet = streamed, StreamBlockBytes = BlockBytes };
            var history = model.Fit(x, y, epochs: 3, batchSize: BatchSize, options: options);
            return (model.GetWeights(), history);
        }

        var streamed = Train(streamed: true);
        var resident = Train(streamed: false);

        Assert.Equal(Bits(resident.Weights), Bits(streamed.Weights));
        Assert.Equal(resident.History.Loss, streamed.History.Loss);
        Assert.Equal(resident.History.LastStepError, streamed.History.LastStepError);
        Assert.True(resident.History.Loss[^1] < resident.History.Loss[0], "the model did not train, so the comparison proves little");
    }

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);
}
