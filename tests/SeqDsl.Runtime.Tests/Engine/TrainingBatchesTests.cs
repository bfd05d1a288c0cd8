using ILGPU;
using ILGPU.Runtime;
using SeqDsl.Engine;
using SeqDsl.Training;

namespace SeqDsl.Runtime.Tests.Engine;

/// <summary>
/// Fit's training set, resident (GPUs) or streamed in blocks of whole batches (PoCL, the CPU accelerator): for every
/// batch, the row the kernels read for batch position b must be sample order[start + b], inputs and targets alike,
/// across block boundaries, in a partial last batch, with the order shuffled, in sequence, or consecutive in one block
/// and not in the next.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class TrainingBatchesTests(CpuDeviceFixture fixture)
{
    // 3,000 samples of 300 values: 3.6 MB, so the streamed set needs two blocks of whole batches of 7.
    private const int Samples = 3_000;
    private const int Steps = 100;
    private const int Features = 2;
    private const int TargetsPerSample = 100;
    private const int BatchSize = 7;

    private static (TensorData X, TensorData Y) Data()
    {
        var x = new float[Samples, Steps, Features];
        var y = new float[Samples, TargetsPerSample];
        for (int i = 0; i < Samples; i++)
        {
            for (int t = 0; t < Steps; t++)
            {
                x[i, t, 0] = i + (t / 1000f);
                x[i, t, 1] = -i;
            }

            for (int k = 0; k < TargetsPerSample; k++)
            {
                y[i, k] = (i * 1000) + k;
            }
        }

        return (TensorData.From(x, "x"), TensorData.From(y, "y"));
    }

    public static TheoryData<string, bool> Orders => new()
    {
        { "shuffled", true },
        { "shuffled", false },
        { "in sequence", true },
        { "in sequence", false },
        { "consecutive, then reversed", true },
    };

    [Theory]
    [MemberData(nameof(Orders))]
    public void Every_batch_position_reads_its_samples_inputs_and_targets(string orderName, bool streamed)
    {
        var (x, y) = Data();
        var order = Enumerable.Range(0, Samples).ToArray();
        switch (orderName)
        {
            case "shuffled":
                new Random(5).Shuffle(order);
                break;
            case "consecutive, then reversed":
                // The first block (1,743 samples: 249 batches of 7) is consecutive, uploaded as it is; the second is not.
                Array.Reverse(order, 2_000, Samples - 2_000);
                break;
        }

        using var batches = TrainingBatches.Create(fixture.Device.Accelerator, x, y, BatchSize, streamed);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            batches.BeginEpoch(order);
            for (int start = 0; start < Samples; start += BatchSize)
            {
                int count = Math.Min(BatchSize, Samples - start);
                var (inputs, targets, rows) = batches.Batch(start, count);
                var inputValues = Read(inputs);
                var targetValues = Read(targets);
                var rowValues = Read(rows);
                Assert.Equal(count, rowValues.Length);
                for (int b = 0; b < count; b++)
                {
                    int sample = order[start + b];
                    long input = (long)rowValues[b] * Steps * Features;
                    long target = (long)rowValues[b] * TargetsPerSample;
                    Assert.True(inputValues[input] == sample && inputValues[input + (2 * 99) + 1] == -sample && inputValues[input + (2 * 99)] == sample + 0.099f,
                        $"{orderName}, epoch {epoch}, batch at {start}, position {b}: inputs of another sample than {sample}");
                    Assert.True(targetValues[target] == sample * 1000 && targetValues[target + TargetsPerSample - 1] == (sample * 1000) + TargetsPerSample - 1,
                        $"{orderName}, epoch {epoch}, batch at {start}, position {b}: targets of another sample than {sample}");
                }
            }

            new Random(epoch).Shuffle(order);
        }
    }

    private static T[] Read<T>(ArrayView<T> view)
        where T : unmanaged
    {
        var values = new T[view.Length];
        view.CopyToCPU(values);
        return values;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_fit_streamed_in_blocks_gives_the_same_bits_as_a_resident_one(bool shuffle)
    {
        // 100 samples of 4 steps × 3 features and 2 targets (56 bytes), batches of 8: 13 batches, the last of 4. Blocks
        // of 5 batches: 40 samples at 0, 40 and 80, the last block 2 whole batches and the partial one.
        const int FitSamples = 100;
        const int FitSteps = 4;
        const int FitBatch = 8;
        const int BlockSamples = 5 * FitBatch;
        long blockBytes = BlockSamples * ((FitSteps * 3) + 2) * sizeof(float);
        var (x, y) = LinearData.Make(FitSamples, FitSteps, new[,] { { 2.0, -1.0 }, { 0.5, 1.5 }, { -0.75, 0.25 } }, new[] { 0.5, -0.3 }, seed: 21, noise: 0.1);

        (float[] Weights, History History, List<MemoryBuffer> Buffers) Train(bool streamed)
        {
            using var model = new LastStepDenseModel(fixture.Device, seed: 9, learningRate: 0.05);
            using var probe = new AllocationProbe();
            var options = new FitOptions { Shuffle = shuffle, StreamTrainingSet = streamed, StreamBlockBytes = blockBytes };
            var history = model.Fit(x, y, epochs: 3, batchSize: FitBatch, options: options);
            return (model.GetWeights(), history, probe.Buffers);
        }

        var streamed = Train(streamed: true);
        var resident = Train(streamed: false);

        // The switches took: the resident run uploaded the whole set, the streamed one held blocks of 40 samples.
        Assert.Contains(resident.Buffers, b => b.Length == FitSamples * FitSteps * 3);
        Assert.Contains(streamed.Buffers, b => b.Length == BlockSamples * FitSteps * 3);
        Assert.DoesNotContain(streamed.Buffers, b => b.Length == FitSamples * FitSteps * 3);

        Assert.Equal(Bits(resident.Weights), Bits(streamed.Weights));
        Assert.Equal(resident.History.Loss, streamed.History.Loss);
        Assert.Equal(resident.History.LastStepError, streamed.History.LastStepError);
        Assert.True(resident.History.Loss[^1] < resident.History.Loss[0], "the model did not train, so the comparison proves little");
    }

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);

    [Fact]
    public void Only_GPUs_keep_the_whole_set_on_the_device()
    {
        Assert.True(TrainingBatches.Streams(DeviceKind.OpenCLCpu));
        Assert.True(TrainingBatches.Streams(DeviceKind.Cpu));
        Assert.False(TrainingBatches.Streams(DeviceKind.Cuda));
        Assert.False(TrainingBatches.Streams(DeviceKind.OpenCLGpu));
    }
}
