using System;
using ILGPU;
using ILGPU.Runtime;

namespace SeqDsl.Engine;

/// <summary>Per-sample losses and last-step errors (or accuracies) that a pass's kernels fill and the host reads once.</summary>
internal sealed class SampleLosses : IDisposable
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense> loss;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> lastStepError;

    public SampleLosses(Accelerator accelerator, int samples)
    {
        // At least one element: a zero-length buffer has no usable view on every backend.
        loss = DeviceMemory.Allocate<float>(accelerator, Math.Max(1, samples));
        try
        {
            lastStepError = DeviceMemory.Allocate<float>(accelerator, Math.Max(1, samples));
        }
        catch
        {
            loss.Dispose(); // out of device memory: nobody else would free it
            throw;
        }
    }

    /// <summary>One loss per sample.</summary>
    public ArrayView<float> Loss => loss.View;

    /// <summary>One last-step error (regression) or accuracy (classification) per sample.</summary>
    public ArrayView<float> LastStepError => lastStepError.View;

    /// <summary>Reads the first <paramref name="count"/> losses and last-step errors (synchronizes).</summary>
    public (float[] Loss, float[] LastStepError) Read(int count)
    {
        var losses = new float[count];
        var errors = new float[count];
        if (count > 0)
        {
            loss.View.SubView(0, count).CopyToCPU(losses);
            lastStepError.View.SubView(0, count).CopyToCPU(errors);
        }

        return (losses, errors);
    }

    public void Dispose()
    {
        loss.Dispose();
        lastStepError.Dispose();
    }
}
