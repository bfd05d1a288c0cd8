using System;
using ILGPU;
using ILGPU.Runtime;

namespace SeqDsl.Engine;

/// <summary>Device buffers for one chunk of Predict, grown when a larger chunk arrives and otherwise reused.</summary>
internal sealed class PredictionBuffers : IDisposable
{
    private readonly Accelerator accelerator;
    private MemoryBuffer1D<float, Stride1D.Dense>? inputs;
    private MemoryBuffer1D<int, Stride1D.Dense>? rows;
    private MemoryBuffer1D<float, Stride1D.Dense>? predictions;
    private MemoryBuffer1D<float, Stride1D.Dense>? sampleLoss;
    private MemoryBuffer1D<float, Stride1D.Dense>? sampleLastStepError;

    public PredictionBuffers(Accelerator accelerator)
    {
        this.accelerator = accelerator;
        Download = new PredictionDownload(accelerator, PredictionDownload.StagesOn(accelerator));
    }

    /// <summary>How a chunk's predictions reach the caller's array (through page-locked memory on CUDA).</summary>
    public PredictionDownload Download { get; }

    public ArrayView<float> Inputs => inputs!.View;

    public ArrayView<int> Rows => rows!.View;

    public ArrayView<float> Predictions => predictions!.View;

    public ArrayView<float> SampleLoss => sampleLoss!.View;

    public ArrayView<float> SampleLastStepError => sampleLastStepError!.View;

    /// <summary>Makes the buffers hold <paramref name="samples"/> samples; the chunk's rows are 0 … samples − 1 of the chunk's input buffer.</summary>
    /// <remarks>
    /// If an allocation fails (out of device memory), every buffer is either freed and null or still valid, so that the
    /// next call (Predict retries smaller chunks) allocates what is missing and never hands out a freed buffer.
    /// </remarks>
    public void Ensure(int samples, int valuesPerSample, int outputsPerSample)
    {
        if (rows is null || rows.Length < samples)
        {
            Free(ref rows);
            Free(ref sampleLoss);
            Free(ref sampleLastStepError);
            var identity = new int[samples];
            for (int i = 0; i < identity.Length; i++)
            {
                identity[i] = i;
            }

            // rows last: it stays null, which makes the next call allocate all three, until all three are allocated.
            sampleLoss = DeviceMemory.Allocate<float>(accelerator, samples);
            sampleLastStepError = DeviceMemory.Allocate<float>(accelerator, samples);
            rows = DeviceMemory.Upload<int>(accelerator, identity);
        }

        Grow(ref inputs, (long)samples * valuesPerSample);
        Grow(ref predictions, (long)samples * outputsPerSample);
    }

    public void Dispose()
    {
        inputs?.Dispose();
        rows?.Dispose();
        predictions?.Dispose();
        sampleLoss?.Dispose();
        sampleLastStepError?.Dispose();
        Download.Dispose();
    }

    private void Grow(ref MemoryBuffer1D<float, Stride1D.Dense>? buffer, long length)
    {
        if (buffer is not null && buffer.Length >= length)
        {
            return;
        }

        Free(ref buffer);
        buffer = DeviceMemory.Allocate<float>(accelerator, Math.Max(1, length));
    }

    /// <summary>Disposes <paramref name="buffer"/> and forgets it, so that a failed allocation after this leaves no freed buffer behind.</summary>
    private static void Free<T>(ref MemoryBuffer1D<T, Stride1D.Dense>? buffer)
        where T : unmanaged
    {
        buffer?.Dispose();
        buffer = null;
    }
}
