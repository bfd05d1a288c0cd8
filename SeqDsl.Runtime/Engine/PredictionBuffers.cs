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

    public PredictionBuffers(Accelerator accelerator) => this.accelerator = accelerator;

    public ArrayView<float> Inputs => inputs!.View;

    public ArrayView<int> Rows => rows!.View;

    public ArrayView<float> Predictions => predictions!.View;

    public ArrayView<float> SampleLoss => sampleLoss!.View;

    public ArrayView<float> SampleLastStepError => sampleLastStepError!.View;

    /// <summary>Makes the buffers hold <paramref name="samples"/> samples; the chunk's rows are 0 … samples − 1 of the chunk's input buffer.</summary>
    public void Ensure(int samples, int valuesPerSample, int outputsPerSample)
    {
        if (rows is null || rows.Length < samples)
        {
            rows?.Dispose();
            rows = null;
            var identity = new int[samples];
            for (int i = 0; i < identity.Length; i++)
            {
                identity[i] = i;
            }

            rows = accelerator.Allocate1D(identity);
            sampleLoss?.Dispose();
            sampleLoss = null;
            sampleLoss = accelerator.Allocate1D<float>(samples);
            sampleLastStepError?.Dispose();
            sampleLastStepError = null;
            sampleLastStepError = accelerator.Allocate1D<float>(samples);
        }

        inputs = Grow(inputs, (long)samples * valuesPerSample);
        predictions = Grow(predictions, (long)samples * outputsPerSample);
    }

    public void Dispose()
    {
        inputs?.Dispose();
        rows?.Dispose();
        predictions?.Dispose();
        sampleLoss?.Dispose();
        sampleLastStepError?.Dispose();
    }

    private MemoryBuffer1D<float, Stride1D.Dense> Grow(MemoryBuffer1D<float, Stride1D.Dense>? buffer, long length)
    {
        if (buffer is not null && buffer.Length >= length)
        {
            return buffer;
        }

        buffer?.Dispose();
        return accelerator.Allocate1D<float>(Math.Max(1, length));
    }
}
