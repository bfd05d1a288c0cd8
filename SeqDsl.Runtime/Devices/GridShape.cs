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

    /// <summary>
    /// Fewest consecutive elements worth a PoCL work-item of their own in <see cref="ForRuns"/>: shorter runs would be
    /// mostly the vectorized loop's remainder, so small launches take fewer groups. A judgement, not a measurement: on two
    /// cores, W1's 5,250 weights take two groups with it as with any value up to 328.
    /// </summary>
    internal const int OpenCLCpuMinimumRun = 64;

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
    /// Launch shape for a kernel with a thread per sequence, each walking its sequence's steps (the thread schedule's
    /// recurrent kernels, and the loss), <c>for (int b = Grid.GlobalIndex.X; b &lt; work; b += Grid.DimX * Group.DimX)</c>:
    /// <see cref="For"/>'s shape, except on PoCL, where each sequence gets a group of its own (<see cref="ForGroups"/>
    /// with one thread: up to <see cref="OpenCLCpuGroupsPerComputeUnit"/> groups per core, then the loop takes the rest),
    /// as the joined backward's launch already has. PoCL runs a group on one core: in groups of
    /// <see cref="OpenCLCpuGroupSize"/>, a batch of 32 keeps two cores busy however many the CPU has, a batch of 16 one,
    /// and 48 sequences split 32:16 between two cores. Single-thread groups are dealt to whichever core is free. On two
    /// cores, W1 (batch 32, two groups of 16 before) measured the same (the forwards' perf shares against the unchanged
    /// backward), batch 16 about 16% faster per epoch.
    /// </summary>
    internal static GridShape ForSequences(DeviceKind kind, int work, int multiprocessors, int maxThreadsPerGroup, int maxThreadsPerMultiprocessor) =>
        kind == DeviceKind.OpenCLCpu
            ? ForGroups(kind, work, threadsPerGroup: 1, multiprocessors, maxThreadsPerGroup, maxThreadsPerMultiprocessor)
            : For(kind, work, multiprocessors, maxThreadsPerGroup, maxThreadsPerMultiprocessor);

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

    /// <summary>
    /// Launch shape for an element-wise kernel whose threads each take runs of <c>Run</c> consecutive elements, one run a
    /// pass: <c>for (long start = Grid.GlobalIndex.X · run; start &lt; work; start += threads · run)</c>, then the run's
    /// elements in order. <paramref name="grid"/> is the device's grid-stride shape for the same work (<see cref="For"/>,
    /// or <see cref="ForHostCode"/> under host code).
    /// <list type="bullet">
    /// <item>PoCL: one group per compute unit (fewer where runs would be shorter than <see cref="OpenCLCpuMinimumRun"/>),
    /// and runs that cover the work in one pass. A run is an inner loop over consecutive elements, which PoCL's compiler
    /// vectorizes (objdump of the Adam update: 8-float square roots, divisions and masked stores); in a grid-stride loop
    /// the work-items are the outer loop, and the element-wise code stays scalar (Adam over W1's 5,250 weights: about a
    /// third of the time with runs, perf samples against the unchanged recurrent kernels).</item>
    /// <item>ILGPU's CPU accelerator: <paramref name="grid"/>'s threads, one run each, so each thread writes its own stretch
    /// of the buffers rather than every n-th element (not measured: the optimizer is a small part of a step there).</item>
    /// <item>GPUs: <paramref name="grid"/> and runs of 1, the plain grid-stride loop, whose neighbouring threads load
    /// neighbouring elements.</item>
    /// </list>
    /// </summary>
    internal static (GridShape Shape, int Run) ForRuns(DeviceKind kind, int work, GridShape grid, int multiprocessors)
    {
        if (work < 0)
            throw new ArgumentOutOfRangeException(nameof(work), work, $"work must be zero or positive (the number of elements), but was {work}.");
        var shape = kind switch
        {
            DeviceKind.OpenCLCpu => new GridShape(
                (int)Math.Clamp(((long)work + ((long)grid.GroupSize * OpenCLCpuMinimumRun) - 1) / ((long)grid.GroupSize * OpenCLCpuMinimumRun), 1, Math.Max(1, multiprocessors)),
                grid.GroupSize),
            DeviceKind.Cpu or DeviceKind.OpenCLGpu or DeviceKind.Cuda => grid,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"unknown device kind {kind}"),
        };
        if (kind is DeviceKind.OpenCLGpu or DeviceKind.Cuda)
            return (shape, 1);
        long threads = (long)shape.Groups * shape.GroupSize;
        return (shape, (int)Math.Max(1, (work + threads - 1) / threads));
    }
}
