using System;

namespace SeqDsl;

/// <summary>How generated recurrent kernels spread their work over a device's threads.</summary>
public enum KernelSchedule
{
    /// <summary>
    /// One thread per sequence, the state in thread-local arrays: best on CPU backends (PoCL vectorizes each
    /// thread's loops over the gate columns; ~15 GFLOP/s against ~3 for the group schedule, notes section B).
    /// </summary>
    ThreadPerSequence,

    /// <summary>
    /// One group per sequence, its threads over the gate columns and units, the recurrent kernel and the state in
    /// shared memory, a group barrier between steps: for GPUs, where one thread per sequence leaves most of the
    /// device idle and spills its arrays to local memory.
    /// </summary>
    GroupPerSequence,
}

/// <summary>
/// The one place that picks a <see cref="KernelSchedule"/> for a device: GPUs (CUDA, OpenCL GPU) get
/// <see cref="KernelSchedule.GroupPerSequence"/>, CPU backends (PoCL, ILGPU's CPU accelerator) get
/// <see cref="KernelSchedule.ThreadPerSequence"/>; the environment variable <c>SEQDSL_SCHEDULE</c>
/// (<c>thread</c>, <c>group</c>, or unset/<c>auto</c>) overrides it. Layers the group kernels do not cover use the
/// thread schedule on every device (decided by the generator).
/// </summary>
internal static class KernelScheduleChoice
{
    /// <summary>The environment variable that forces a schedule: <c>thread</c> or <c>group</c>.</summary>
    internal const string EnvironmentVariable = "SEQDSL_SCHEDULE";

    /// <summary>The schedule for a device of <paramref name="kind"/>, with <paramref name="forced"/> the override's value (null: none).</summary>
    /// <exception cref="ArgumentException"><paramref name="forced"/> is not <c>thread</c>, <c>group</c> or <c>auto</c>.</exception>
    internal static KernelSchedule For(DeviceKind kind, string? forced)
    {
        switch (forced?.Trim().ToLowerInvariant())
        {
            case null or "" or "auto":
                return kind is DeviceKind.Cuda or DeviceKind.OpenCLGpu ? KernelSchedule.GroupPerSequence : KernelSchedule.ThreadPerSequence;
            case "thread":
                return KernelSchedule.ThreadPerSequence;
            case "group":
                return KernelSchedule.GroupPerSequence;
            default:
                throw new ArgumentException($"{EnvironmentVariable} is '{forced}', but must be 'thread', 'group' or 'auto' (or unset).", nameof(forced));
        }
    }
}
