using System;
using ILGPU;
using ILGPU.Runtime;

namespace SeqDsl.Engine;

/// <summary>
/// A model's host-code copy for small predictions on a PoCL device: the model's program on ILGPU's CPU accelerator
/// with <see cref="KernelSchedule.HostCode"/> (the accelerator shared by every model, <see cref="SeqDevice.SharedHostCode"/>),
/// its own weights buffer and prediction buffers. The weights are copied from the device when they have changed since
/// the last use (<see cref="Sync"/>).
/// </summary>
internal sealed class HostInference : IDisposable
{
    private readonly MemoryBuffer1D<float, Stride1D.Dense> parameters;
    private readonly int parameterCount;
    private long weightsVersion = -1;

    private HostInference(SeqDevice device, NetworkProgram program, MemoryBuffer1D<float, Stride1D.Dense> parameters, int parameterCount)
    {
        Program = program;
        this.parameters = parameters;
        this.parameterCount = parameterCount;
        Buffers = new PredictionBuffers(device.Accelerator);
    }

    /// <summary>The model's program on ILGPU's CPU accelerator, running host code.</summary>
    public NetworkProgram Program { get; }

    /// <summary>The prediction buffers on the CPU accelerator, kept between calls like the device's.</summary>
    public PredictionBuffers Buffers { get; }

    /// <summary>The copy of the weights the program reads.</summary>
    public ArrayView<float> Parameters => parameters.View;

    /// <summary>Creates <paramref name="createProgram"/>'s program on the shared host-code device, and a weights buffer there.</summary>
    /// <exception cref="SeqDeviceUnavailableException">ILGPU's CPU accelerator could not be created.</exception>
    public static HostInference Create(Func<SeqDevice, NetworkProgram> createProgram, int parameterCount)
    {
        var device = SeqDevice.SharedHostCode;
        var program = createProgram(device);
        MemoryBuffer1D<float, Stride1D.Dense>? weights = null;
        try
        {
            // At least one element, as for the device's buffer: a zero-length buffer has no usable view.
            weights = DeviceMemory.Allocate<float>(device.Accelerator, Math.Max(1, parameterCount));
            weights.MemSetToZero();
            return new HostInference(device, program, weights, parameterCount);
        }
        catch
        {
            // The shared accelerator outlives this call: what was made for it here must not stay allocated on it.
            weights?.Dispose();
            program.Dispose();
            throw;
        }
    }

    /// <summary>Copies the device's weights (<paramref name="download"/>) when <paramref name="version"/> is not the copy's.</summary>
    public void Sync(long version, Func<float[]> download)
    {
        if (version == weightsVersion)
        {
            return;
        }

        if (parameterCount > 0)
        {
            parameters.View.SubView(0, parameterCount).CopyFromCPU(download());
        }

        weightsVersion = version;
    }

    /// <summary>Frees the program and the buffers; the shared accelerator stays.</summary>
    public void Dispose()
    {
        Buffers.Dispose();
        Program.Dispose();
        parameters.Dispose();
    }
}
