using System;

namespace SeqDsl;

/// <summary>How generated recurrent kernels spread their work over a device's threads.</summary>
public enum KernelSchedule
{
    /// <summary>
    /// One thread per sequence, the state in thread-local arrays: best on CPU backends (PoCL vectorizes each
    /// thread's loops over the gate columns; ~15 GFLOP/s against ~3 for the group schedule, notes section B). On a CPU
    /// device, a plain layer (one direction; SimpleRNN, LSTM without peepholes or reset-after GRU; no normalization,
    /// dropout, carried or returned state, or GoBackwards) whose gates are wider than 128 columns runs four sequences
    /// per thread when the batch has at least four, so that each weight loaded feeds all four (the same bits). The
    /// weight-gradient partial sums of layers wider than 128 columns run a block of four rows per thread, and where the
    /// rows make whole tiles of 16 columns, a chunk of steps and a tile of columns at a time, the tile's sums in
    /// registers; there, rows of one kind that come in whole blocks of 16 and are read as they are (no dropout mask,
    /// carried state or reset-before scaling) go 16 to a thread, each gradient loaded feeding 16 sums (host code keeps
    /// whole rows; the same bits every way).
    /// </summary>
    ThreadPerSequence,

    /// <summary>
    /// One group per sequence, its threads over the gate columns and units, the recurrent kernel and the state in
    /// shared memory, a group barrier between steps: for GPUs, where one thread per sequence leaves most of the
    /// device idle and spills its arrays to local memory. Only the recurrent product stays in the per-step loop: the input
    /// side of every step (bias + input · kernel) and the gradient reaching the input run before and after it, one
    /// thread per (sequence, step, column). The weight-gradient partial sums of every layer run one thread per weight
    /// column in this schedule (one per row, or block of four rows of more than 128 columns, elsewhere), and Conv1D layers
    /// one thread per value they compute: each output value, input-gradient value and partial weight gradient.
    /// </summary>
    GroupPerSequence,

    /// <summary>
    /// No ILGPU kernels: the same kernels compiled as plain C#, their loops over gate columns and units in
    /// <see cref="System.Numerics.Vector{T}"/> form, run on .NET threads (one sequence per thread: the one-sequence
    /// kernels of <see cref="ThreadPerSequence"/>, never its four-sequence blocks). Only on ILGPU's CPU accelerator, whose buffers are host memory, and its default
    /// there: ILGPU's CPU accelerator runs kernels as scalar code on simulated threads, many times slower.
    /// </summary>
    HostCode,
}

/// <summary>
/// The one place that picks a <see cref="KernelSchedule"/> for a device: GPUs (CUDA, OpenCL GPU) get
/// <see cref="KernelSchedule.GroupPerSequence"/>, PoCL gets <see cref="KernelSchedule.ThreadPerSequence"/> and ILGPU's
/// CPU accelerator <see cref="KernelSchedule.HostCode"/>; the environment variable <c>SEQDSL_SCHEDULE</c>
/// (<c>thread</c>, <c>group</c>, <c>host</c>, or unset/<c>auto</c>) overrides it. Layers the group kernels do not cover use the
/// thread schedule on every device (decided by the generator).
/// </summary>
internal static class KernelScheduleChoice
{
    /// <summary>The environment variable that forces a schedule: <c>thread</c>, <c>group</c> or <c>host</c>.</summary>
    internal const string EnvironmentVariable = "SEQDSL_SCHEDULE";

    /// <summary>The schedule for a device of <paramref name="kind"/>, with <paramref name="forced"/> the override's value (null: none).</summary>
    /// <exception cref="ArgumentException"><paramref name="forced"/> is not <c>thread</c>, <c>group</c>, <c>host</c> or <c>auto</c>, or is <c>host</c> for a device other than ILGPU's CPU accelerator.</exception>
    internal static KernelSchedule For(DeviceKind kind, string? forced)
    {
        switch (forced?.Trim().ToLowerInvariant())
        {
            case null or "" or "auto":
                return kind switch
                {
                    DeviceKind.Cuda or DeviceKind.OpenCLGpu => KernelSchedule.GroupPerSequence,
                    DeviceKind.Cpu => KernelSchedule.HostCode,
                    _ => KernelSchedule.ThreadPerSequence,
                };
            case "thread":
                return KernelSchedule.ThreadPerSequence;
            case "group":
                return KernelSchedule.GroupPerSequence;
            case "host":
                RequireHostMemory(kind, EnvironmentVariable + "=host");
                return KernelSchedule.HostCode;
            default:
                throw new ArgumentException($"{EnvironmentVariable} is '{forced}', but must be 'thread', 'group', 'host' or 'auto' (or unset).", nameof(forced));
        }
    }

    /// <summary>Host code addresses buffers directly, so it needs a device whose memory is host memory.</summary>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is not <see cref="DeviceKind.Cpu"/>.</exception>
    internal static void RequireHostMemory(DeviceKind kind, string requester)
    {
        if (kind != DeviceKind.Cpu)
        {
            throw new ArgumentException(
                $"{requester}: the host-code schedule runs plain C# over host memory, so it needs ILGPU's CPU accelerator (SEQDSL_DEVICE=cpu), but this device is {kind}.");
        }
    }
}
