using System;

namespace SeqDsl;

/// <summary>
/// Launch shape for an explicitly grouped grid-stride kernel, chosen per backend. Pure so it can be tested
/// without hardware; <see cref="SeqDevice.GridFor(int, int)"/> feeds it the accelerator's numbers.
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

    /// <summary>
    /// Launch shape for host code (<see cref="KernelSchedule.HostCode"/>): one worker per core as groups of one thread,
    /// but never more workers than <paramref name="work"/> items, nor more than one per
    /// <paramref name="minimumItemsPerWorker"/> items (cheap items are not worth waking a thread for), so that a batch
    /// of one runs on the calling thread. Always at least one worker.
    /// </summary>
    internal static GridShape ForHostCode(int work, int cores, int minimumItemsPerWorker = 1)
    {
        if (work < 0)
            throw new ArgumentOutOfRangeException(nameof(work), work, $"work must be zero or positive (the number of items the kernel loops over), but was {work}.");
        if (minimumItemsPerWorker < 1)
            throw new ArgumentOutOfRangeException(nameof(minimumItemsPerWorker), minimumItemsPerWorker, $"minimumItemsPerWorker must be at least 1, but was {minimumItemsPerWorker}.");
        long workers = ((long)work + minimumItemsPerWorker - 1) / minimumItemsPerWorker;
        return new GridShape((int)Math.Clamp(workers, 1, Math.Max(1, cores)), 1);
    }

    /// <summary>
    /// Launch shape for a kernel that gives each of <paramref name="work"/> items (sequences) a whole group and walks
    /// them with a group-stride loop, <c>for (int b = Grid.IdxX; b &lt; work; b += Grid.DimX)</c>, its threads looping
    /// over columns with stride <c>Group.DimX</c>. The group has <paramref name="threadsPerGroup"/> threads, fewer
    /// where the device allows fewer (the kernel must not assume a group size); the generator fixes
    /// <paramref name="threadsPerGroup"/> per kernel, so PoCL still sees one local size per kernel. Groups: one
    /// per item, at most as many as <see cref="For"/> allows resident (two waves on GPUs).
    /// </summary>
    internal static GridShape ForGroups(DeviceKind kind, int work, int threadsPerGroup, int multiprocessors, int maxThreadsPerGroup, int maxThreadsPerMultiprocessor)
    {
        if (work < 0)
            throw new ArgumentOutOfRangeException(nameof(work), work, $"work must be zero or positive (the number of sequences), but was {work}.");
        if (threadsPerGroup < 1)
            throw new ArgumentOutOfRangeException(nameof(threadsPerGroup), threadsPerGroup, $"threadsPerGroup must be at least 1, but was {threadsPerGroup}.");
        multiprocessors = Math.Max(1, multiprocessors);
        int groupSize = Math.Min(threadsPerGroup, Math.Max(1, maxThreadsPerGroup));
        long maxGroups = kind switch
        {
            DeviceKind.Cpu => multiprocessors,
            DeviceKind.OpenCLCpu => (long)multiprocessors * OpenCLCpuGroupsPerComputeUnit,
            DeviceKind.OpenCLGpu or DeviceKind.Cuda => multiprocessors * Math.Max(1L, maxThreadsPerMultiprocessor / groupSize) * GpuWaves,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"unknown device kind {kind}"),
        };
        // At least one group so a launch over zero items is still a valid (empty) launch.
        int groups = (int)Math.Clamp(work, 1, Math.Max(1, maxGroups));
        return new GridShape(groups, groupSize);
    }

}
