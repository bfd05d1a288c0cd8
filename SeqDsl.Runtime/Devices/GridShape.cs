using System;

namespace SeqDsl;

/// <summary>
/// Launch shape for an explicitly grouped grid-stride kernel, chosen per backend. Pure so it can be tested
/// without hardware; <see cref="SeqDevice.GridFor(int)"/> feeds it the accelerator's numbers.
/// </summary>
internal readonly record struct GridShape(int Groups, int GroupSize)
{
    /// <summary>PoCL compiles one work-group function per local size (~0.5 s each), so it always gets this one size.
    /// 8–64 measured within noise of each other for the LSTM kernel (notes section B).</summary>
    internal const int OpenCLCpuGroupSize = 16;

    /// <summary>Groups per PoCL compute unit at most. Fewer, longer groups measured faster on PoCL than one item
    /// per work-item (1M elements: 4.1–4.5 ms at 64–256 groups per core against 10.4 ms at 65,536 groups).</summary>
    internal const int OpenCLCpuGroupsPerComputeUnit = 128;

    /// <summary>Threads per group on GPUs: a multiple of every warp/wavefront size and small enough for
    /// kernels that keep a few arrays in registers.</summary>
    internal const int GpuGroupSize = 256;

    /// <summary>Resident waves of groups on a GPU before the grid-stride loop takes over.</summary>
    internal const int GpuWaves = 2;

    internal static GridShape For(DeviceKind kind, int work, int multiprocessors, int maxThreadsPerGroup, int maxThreadsPerMultiprocessor)
    {
        if (work < 0)
            throw new ArgumentOutOfRangeException(nameof(work), work, $"work must be zero or positive (the number of items the kernel loops over), but was {work}.");
        multiprocessors = Math.Max(1, multiprocessors);
        maxThreadsPerGroup = Math.Max(1, maxThreadsPerGroup);

        int groupSize;
        long maxGroups;
        switch (kind)
        {
            case DeviceKind.Cpu:
                // Every simulated thread is an OS thread: one group per simulated multiprocessor, each looping.
                groupSize = maxThreadsPerGroup;
                maxGroups = multiprocessors;
                break;
            case DeviceKind.OpenCLCpu:
                groupSize = Math.Min(OpenCLCpuGroupSize, maxThreadsPerGroup);
                maxGroups = (long)multiprocessors * OpenCLCpuGroupsPerComputeUnit;
                break;
            case DeviceKind.OpenCLGpu:
            case DeviceKind.Cuda:
                groupSize = Math.Min(GpuGroupSize, maxThreadsPerGroup);
                long residentPerMultiprocessor = Math.Max(1, maxThreadsPerMultiprocessor / groupSize);
                maxGroups = multiprocessors * residentPerMultiprocessor * GpuWaves;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, $"unknown device kind {kind}");
        }

        long needed = ((long)work + groupSize - 1) / groupSize;
        // At least one group so a launch over zero items is still a valid (empty) launch.
        int groups = (int)Math.Clamp(needed, 1, Math.Max(1, maxGroups));
        return new GridShape(groups, groupSize);
    }
}
