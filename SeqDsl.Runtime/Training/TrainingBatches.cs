using System;
using ILGPU;
using ILGPU.Runtime;
using SeqDsl.Engine;

namespace SeqDsl.Training;

/// <summary>
/// Fit's training set as its batches read it: the inputs, targets and row list of one batch, and the per-sample loss
/// buffers of the epoch.
/// </summary>
/// <remarks>
/// <para>
/// On a GPU the whole set is resident: it is uploaded once, each epoch uploads its shuffled row order, and a batch is a
/// slice of that order (no transfer per batch).
/// </para>
/// <para>
/// On a device whose memory is host memory (PoCL, ILGPU's CPU accelerator) the set is streamed: blocks of whole batches
/// are uploaded from the user's arrays in the epoch's order (straight, or gathered first when shuffled), and a batch's
/// rows are its positions in the block. An upload there is a memory copy, and a resident copy would hold the whole data
/// set a second time in the same RAM (W1's 15 MB of inputs and targets). The kernels see the same values in the same
/// batch positions, so the results are the same bits either way. The user's arrays are read during the whole Fit.
/// </para>
/// </remarks>
internal abstract class TrainingBatches : IDisposable
{
    private readonly SampleLosses losses;

    private TrainingBatches(Accelerator accelerator, int samples) => losses = new SampleLosses(accelerator, samples);

    /// <summary>Per-sample losses of the epoch, in the epoch's order (a batch writes its slice).</summary>
    public ArrayView<float> SampleLoss => losses.Loss;

    /// <summary>Per-sample last-step errors (or accuracies) of the epoch, in the epoch's order.</summary>
    public ArrayView<float> SampleLastStepError => losses.LastStepError;

    /// <summary>Whether a device of <paramref name="kind"/> streams the training set batch by batch.</summary>
    public static bool Streams(DeviceKind kind) => kind is DeviceKind.OpenCLCpu or DeviceKind.Cpu;

    /// <summary>The inputs and targets a streamed block holds at most, unless one batch is larger.</summary>
    internal const long DefaultBlockBytes = 2 << 20;

    /// <summary>
    /// The training set of <paramref name="x"/> and <paramref name="y"/> for batches of at most <paramref name="batchSize"/>
    /// samples: streamed or resident as the device's kind wants, unless <paramref name="options"/> (tests) say otherwise.
    /// </summary>
    public static TrainingBatches Create(SeqDevice device, in TensorData x, in TensorData y, int batchSize, FitOptions options) =>
        Create(device.Accelerator, x, y, batchSize, options.StreamTrainingSet ?? Streams(device.Kind), options.StreamBlockBytes);

    /// <summary>
    /// The training set, <paramref name="streamed"/> or resident whatever the device (tests compare both), streamed in
    /// blocks of at most <paramref name="blockBytes"/> (0: <see cref="DefaultBlockBytes"/>).
    /// </summary>
    internal static TrainingBatches Create(Accelerator accelerator, in TensorData x, in TensorData y, int batchSize, bool streamed, long blockBytes = 0) =>
        streamed ? new Streamed(accelerator, x, y, batchSize, blockBytes > 0 ? blockBytes : DefaultBlockBytes) : new Resident(accelerator, x, y);

    /// <summary>Starts an epoch whose batches take the samples in <paramref name="order"/>.</summary>
    public abstract void BeginEpoch(int[] order);

    /// <summary>The inputs, targets and rows of the batch of samples <c>order[start … start + count − 1]</c>.</summary>
    public abstract (ArrayView<float> Inputs, ArrayView<float> Targets, ArrayView<int> Rows) Batch(int start, int count);

    /// <summary>Reads the first <paramref name="count"/> per-sample losses and last-step errors (synchronizes).</summary>
    public (float[] Loss, float[] LastStepError) ReadLosses(int count) => losses.Read(count);

    /// <summary>Frees the buffers. A subclass's constructor calls it when one of its allocations fails, so its own buffers may still be null.</summary>
    public virtual void Dispose() => losses.Dispose();

    /// <summary>The whole set on the device, and the epoch's order as the row list.</summary>
    private sealed class Resident : TrainingBatches
    {
        private readonly MemoryBuffer1D<float, Stride1D.Dense> inputs;
        private readonly MemoryBuffer1D<float, Stride1D.Dense> targets;
        private readonly MemoryBuffer1D<int, Stride1D.Dense> rows;

        public Resident(Accelerator accelerator, in TensorData x, in TensorData y)
            : base(accelerator, x.Samples)
        {
            try
            {
                inputs = DeviceMemory.Upload(accelerator, x.Values);
                targets = DeviceMemory.Upload(accelerator, y.Values);
                rows = DeviceMemory.Allocate<int>(accelerator, Math.Max(1, x.Samples));
            }
            catch
            {
                // Out of device memory: free the buffers allocated before the failure (the loss buffers included),
                // which would otherwise stay allocated until the accelerator is disposed.
                Dispose();
                throw;
            }
        }

        public override void BeginEpoch(int[] order) => rows.View.SubView(0, order.Length).CopyFromCPU(order);

        public override (ArrayView<float> Inputs, ArrayView<float> Targets, ArrayView<int> Rows) Batch(int start, int count) =>
            (inputs.View, targets.View, rows.View.SubView(start, count));

        public override void Dispose()
        {
            inputs?.Dispose();
            targets?.Dispose();
            rows?.Dispose();
            base.Dispose();
        }
    }

    /// <summary>
    /// A block of whole batches at a time on the device, gathered from the user's arrays in the epoch's order. A block
    /// holds about <see cref="DefaultBlockBytes"/> of inputs and targets: each block's upload waits for the kernels queued
    /// before it, so one upload per batch would cost PoCL a wait per batch (W1: 219 per epoch, about 8 with blocks).
    /// </summary>
    private sealed class Streamed : TrainingBatches
    {
        private readonly TensorData x;
        private readonly TensorData y;
        private readonly int blockSamples;
        private float[]? inputStaging;
        private float[]? targetStaging;
        private readonly MemoryBuffer1D<float, Stride1D.Dense> inputs;
        private readonly MemoryBuffer1D<float, Stride1D.Dense> targets;
        private readonly MemoryBuffer1D<int, Stride1D.Dense> rows;
        private int[] order = [];
        private int blockStart;
        private int blockCount;

        public Streamed(Accelerator accelerator, in TensorData x, in TensorData y, int batchSize, long blockBytes)
            : base(accelerator, x.Samples)
        {
            this.x = x;
            this.y = y;
            blockSamples = BlockSamples(x, y, batchSize, blockBytes);
            var identity = new int[blockSamples];
            for (int i = 0; i < identity.Length; i++)
            {
                identity[i] = i;
            }

            try
            {
                inputs = DeviceMemory.Allocate<float>(accelerator, Math.Max(1L, (long)blockSamples * x.ValuesPerSample));
                targets = DeviceMemory.Allocate<float>(accelerator, Math.Max(1L, (long)blockSamples * y.ValuesPerSample));
                rows = DeviceMemory.Upload<int>(accelerator, identity);
            }
            catch
            {
                // Out of device memory: free the buffers allocated before the failure (the loss buffers included),
                // which would otherwise stay allocated until the accelerator is disposed.
                Dispose();
                throw;
            }
        }

        /// <summary>Samples per block: whole batches, as many as fit in <paramref name="blockBytes"/> (at least one), at most the data set.</summary>
        private static int BlockSamples(in TensorData x, in TensorData y, int batchSize, long blockBytes)
        {
            long bytesPerBatch = Math.Max(1L, batchSize * ((long)x.ValuesPerSample + y.ValuesPerSample) * sizeof(float));
            long batches = Math.Max(1L, blockBytes / bytesPerBatch);
            return (int)Math.Max(1L, Math.Min(batches * batchSize, x.Samples));
        }

        public override void BeginEpoch(int[] order)
        {
            this.order = order;
            blockStart = 0;
            blockCount = 0;
        }

        public override (ArrayView<float> Inputs, ArrayView<float> Targets, ArrayView<int> Rows) Batch(int start, int count)
        {
            if (start < blockStart || start + count > blockStart + blockCount)
            {
                LoadBlock(start);
            }

            return (inputs.View, targets.View, rows.View.SubView(start - blockStart, count));
        }

        /// <summary>Uploads samples order[start …] as the block: straight from the user's arrays when they are consecutive there (no shuffling), else gathered first.</summary>
        private void LoadBlock(int start)
        {
            blockStart = start;
            blockCount = Math.Min(blockSamples, order.Length - start);
            // The copies are synchronous and queued after the previous block's kernels: those have read their data.
            if (Consecutive())
            {
                Upload(inputs, x.Values.Slice(order[start] * x.ValuesPerSample, blockCount * x.ValuesPerSample));
                Upload(targets, y.Values.Slice(order[start] * y.ValuesPerSample, blockCount * y.ValuesPerSample));
                return;
            }

            Upload(inputs, Gather(x.Values, x.ValuesPerSample, inputStaging ??= new float[(long)blockSamples * x.ValuesPerSample]));
            Upload(targets, Gather(y.Values, y.ValuesPerSample, targetStaging ??= new float[(long)blockSamples * y.ValuesPerSample]));
        }

        private bool Consecutive()
        {
            for (int i = 1; i < blockCount; i++)
            {
                if (order[blockStart + i] != order[blockStart] + i)
                {
                    return false;
                }
            }

            return true;
        }

        private static void Upload(MemoryBuffer1D<float, Stride1D.Dense> buffer, ReadOnlySpan<float> values)
        {
            if (values.Length > 0)
            {
                ArrayView<float> view = buffer.View;
                view.SubView(0, values.Length).CopyFromCPU(values);
            }
        }

        /// <summary>Copies the block's samples, in the epoch's order, to the front of <paramref name="staging"/>.</summary>
        private ReadOnlySpan<float> Gather(ReadOnlySpan<float> values, int perSample, float[] staging)
        {
            for (int i = 0; i < blockCount; i++)
            {
                values.Slice(order[blockStart + i] * perSample, perSample).CopyTo(staging.AsSpan(i * perSample, perSample));
            }

            return staging.AsSpan(0, blockCount * perSample);
        }

        public override void Dispose()
        {
            inputs?.Dispose();
            targets?.Dispose();
            rows?.Dispose();
            base.Dispose();
        }
    }
}
