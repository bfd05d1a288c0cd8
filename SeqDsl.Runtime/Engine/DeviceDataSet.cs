using System;
using ILGPU;
using ILGPU.Runtime;

namespace SeqDsl.Engine;

/// <summary>
/// A whole data set resident on the device for one Fit or Evaluate call: inputs, targets, the identity row list used
/// when order does not matter, and per-sample loss buffers that kernels fill and the host reads once.
/// </summary>
internal sealed class DeviceDataSet : IDisposable
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense> inputs;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> targets;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> identityRows;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> sampleLoss;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> sampleLastStepError;

    public DeviceDataSet(Accelerator accelerator, in TensorData x, in TensorData y)
    {
        Samples = x.Samples;
        Steps = x.Steps;
        inputs = Upload(accelerator, x.Values);
        targets = Upload(accelerator, y.Values);
        var rows = new int[Samples];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = i;
        }

        identityRows = accelerator.Allocate1D(rows);
        sampleLoss = accelerator.Allocate1D<float>(Samples);
        sampleLastStepError = accelerator.Allocate1D<float>(Samples);
    }

    public int Samples { get; }

    private static MemoryBuffer1D<float, Stride1D.Dense> Upload(Accelerator accelerator, ReadOnlySpan<float> values)
    {
        var buffer = accelerator.Allocate1D<float>(values.Length);
        ArrayView<float> view = buffer.View;
        view.CopyFromCPU(values);
        return buffer;
    }

    public int Steps { get; }

    public ArrayView<float> Inputs => inputs.View;

    public ArrayView<float> Targets => targets.View;

    public ArrayView<int> IdentityRows => identityRows.View;

    public ArrayView<float> SampleLoss => sampleLoss.View;

    public ArrayView<float> SampleLastStepError => sampleLastStepError.View;

    /// <summary>Reads the first <paramref name="count"/> per-sample losses and last-step errors (synchronizes).</summary>
    public (float[] Loss, float[] LastStepError) ReadLosses(int count)
    {
        var loss = new float[count];
        var error = new float[count];
        if (count > 0)
        {
            sampleLoss.View.SubView(0, count).CopyToCPU(loss);
            sampleLastStepError.View.SubView(0, count).CopyToCPU(error);
        }

        return (loss, error);
    }

    public void Dispose()
    {
        inputs.Dispose();
        targets.Dispose();
        identityRows.Dispose();
        sampleLoss.Dispose();
        sampleLastStepError.Dispose();
    }
}
