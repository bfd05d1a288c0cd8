using System;
using ILGPU;
using ILGPU.Runtime;

namespace SeqDsl;

/// <summary>The kernel schedule of a device: which variant of the recurrent kernels models load on it.</summary>
public sealed partial class SeqDevice
{
    private KernelSchedule? schedule;

    /// <summary>The device whose accelerator this one shares (set by <see cref="WithSchedule"/>); such a device owns nothing.</summary>
    private SeqDevice? scheduleSource;

    /// <summary>
    /// How models created on this device run their kernels: one group per sequence on GPUs, one thread per
    /// sequence on PoCL (four per thread in wide plain layers), plain vectorized C# on ILGPU's CPU accelerator (see <see cref="KernelSchedule"/>). The
    /// environment variable <c>SEQDSL_SCHEDULE</c> (<c>thread</c>, <c>group</c> or <c>host</c>), read on first use, overrides the choice; <see cref="WithSchedule"/> sets it
    /// for one device. A model reads it once, when it loads its kernels.
    /// </summary>
    /// <exception cref="ArgumentException"><c>SEQDSL_SCHEDULE</c> holds an unknown value.</exception>
    public KernelSchedule Schedule =>
        schedule ??= KernelScheduleChoice.For(Kind, Environment.GetEnvironmentVariable(KernelScheduleChoice.EnvironmentVariable));

    /// <summary>
    /// This device's accelerator with another kernel schedule, e.g. to compare both schedules on one device. The
    /// returned device shares the accelerator and owns nothing: disposing it does nothing, and it must not be used
    /// after this device is disposed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kernelSchedule"/> is not a defined value.</exception>
    /// <exception cref="ArgumentException"><paramref name="kernelSchedule"/> is <see cref="KernelSchedule.HostCode"/> and this is not ILGPU's CPU accelerator.</exception>
    public SeqDevice WithSchedule(KernelSchedule kernelSchedule)
    {
        if (!Enum.IsDefined(kernelSchedule))
            throw new ArgumentOutOfRangeException(nameof(kernelSchedule), kernelSchedule, "kernelSchedule must be ThreadPerSequence, GroupPerSequence or HostCode.");
        if (kernelSchedule == KernelSchedule.HostCode)
            KernelScheduleChoice.RequireHostMemory(Kind, $"WithSchedule(HostCode) on {Description}");
        return new SeqDevice(context, Accelerator, Kind, Description)
        {
            schedule = kernelSchedule,
            scheduleSource = this,
            SelectionLog = SelectionLog,
        };
    }

    /// <summary>
    /// ILGPU's CPU accelerator with the host-code schedule, shared by the host-code copies that run small predictions
    /// on PoCL (<see cref="Engine.ModelBase.SmallPredictionsOnHost"/>): created on first use, never disposed, like
    /// <see cref="Default"/>. A failure to create it is kept and thrown again on every use.
    /// </summary>
    internal static SeqDevice SharedHostCode => SharedHostCodeDevice.Value;

    private static readonly Lazy<SeqDevice> SharedHostCodeDevice = new(() =>
    {
        var cpu = Cpu();
        cpu.IsShared = true;
        cpu.schedule = KernelSchedule.HostCode;
        return cpu;
    });

    /// <summary>
    /// The launch shape for a kernel scheduled <see cref="KernelSchedule.GroupPerSequence"/>: one group of
    /// <paramref name="threadsPerGroup"/> threads (fewer where the device allows fewer) per sequence, looping when
    /// there are more sequences than resident groups. Always at least one group. The thread schedule's own kernels on
    /// CPU devices launch through it too, with single-thread groups, so that PoCL deals every item to whichever of its
    /// threads is free: the block kernels a group per block of four sequences (the items are then the blocks), the
    /// joined recurrent backward and the Conv1D stacks a group per sequence. The one-sequence recurrent kernels get the
    /// same on PoCL through <see cref="SequencesFor"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequences"/> is negative or <paramref name="threadsPerGroup"/> is below 1.</exception>
    public KernelConfig GroupsFor(int sequences, int threadsPerGroup)
    {
        var shape = GridShape.ForGroups(Kind, sequences, threadsPerGroup, Accelerator.NumMultiprocessors, Accelerator.MaxNumThreadsPerGroup, Accelerator.MaxNumThreadsPerMultiprocessor);
        return new KernelConfig(shape.Groups, shape.GroupSize);
    }
}
