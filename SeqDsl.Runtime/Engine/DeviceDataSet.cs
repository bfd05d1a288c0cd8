using System;
using ILGPU;
using ILGPU.Runtime;

namespace SeqDsl.Engine;

/// <summary>
/// A whole data set resident on the device for one Evaluate, Fit's validation or ComputeGradients: inputs, targets, the
/// identity row list used when order does not matter, and per-sample loss buffers that kernels fill and the host reads
/// once. Fit's training set is a <see cref="Training.TrainingBatches"/>.
/// </summary>
internal sealed class DeviceDataSet : IDisposable
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense> inputs;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> targets;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> identityRows;
    private readonly SampleLosses losses;

    public DeviceDataSet(Accelerator accelerator, in TensorData x, in TensorData y)
    {
        Samples = x.Samples;
        Steps = x.Steps;
        var rows = new int[Samples];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = i;
        }

        try
        {
            inputs = DeviceMemory.Upload(accelerator, x.Values);
            targets = DeviceMemory.Upload(accelerator, y.Values);
            identityRows = DeviceMemory.Upload<int>(accelerator, rows);
            losses = new SampleLosses(accelerator, Samples);
        }
        catch
        {
            // Out of device memory: free the buffers allocated before the failure, which would otherwise stay
            // allocated until the accelerator is disposed (Dispose skips those not allocated yet).
            Dispose();
            throw;
        }
    }

    public int Samples { get; }

    public int Steps { get; }

    public ArrayView<float> Inputs => inputs.View;

    public ArrayView<float> Targets => targets.View;

    public ArrayView<int> IdentityRows => identityRows.View;

    public ArrayView<float> SampleLoss => losses.Loss;

    public ArrayView<float> SampleLastStepError => losses.LastStepError;

    /// <summary>Reads the first <paramref name="count"/> per-sample losses and last-step errors (synchronizes).</summary>
    public (float[] Loss, float[] LastStepError) ReadLosses(int count) => losses.Read(count);

    /// <summary>Frees the buffers; also called by the constructor when an allocation fails, so any may still be null.</summary>
    public void Dispose()
    {
        inputs?.Dispose();
        targets?.Dispose();
        identityRows?.Dispose();
        losses?.Dispose();
    }
}
