using System;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;

namespace SeqDsl;

/// <summary>The kind of accelerator a <see cref="SeqDevice"/> runs on.</summary>
public enum DeviceKind
{
    /// <summary>ILGPU's CPU accelerator (a simulator: correct, slow).</summary>
    Cpu,
    /// <summary>An OpenCL CPU device such as PoCL.</summary>
    OpenCLCpu,
    /// <summary>An OpenCL GPU.</summary>
    OpenCLGpu,
    /// <summary>An NVIDIA GPU through CUDA.</summary>
    Cuda,
}

/// <summary>
/// An ILGPU context and accelerator that models run on, plus the launch shape its kernels use.
/// (Placeholder: the device-selection work replaces this with Best() and the PoCL support.)
/// </summary>
public sealed class SeqDevice : IDisposable
{
    private readonly Context context;

    private SeqDevice(Context context, Accelerator accelerator, DeviceKind kind)
    {
        this.context = context;
        Accelerator = accelerator;
        Kind = kind;
    }

    /// <summary>The ILGPU accelerator.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>What kind of device this is.</summary>
    public DeviceKind Kind { get; }

    /// <summary>ILGPU's CPU accelerator.</summary>
    public static SeqDevice Cpu()
    {
        var context = Context.Create(b => b.CPU().EnableAlgorithms().Optimize(OptimizationLevel.O2));
        return new SeqDevice(context, context.CreateCPUAccelerator(0), DeviceKind.Cpu);
    }

    /// <summary>The launch shape for a grid-stride kernel over <paramref name="work"/> independent items.</summary>
    public KernelConfig GridFor(int work)
    {
        int group = Math.Min(Accelerator.MaxNumThreadsPerGroup, Kind == DeviceKind.Cpu ? Accelerator.WarpSize : 32);
        int groups = Math.Max(1, Math.Min((work + group - 1) / group, Accelerator.MaxNumThreadsPerMultiprocessor * Math.Max(1, Accelerator.NumMultiprocessors) / group));
        return new KernelConfig(groups, group);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Accelerator.Dispose();
        context.Dispose();
    }
}
