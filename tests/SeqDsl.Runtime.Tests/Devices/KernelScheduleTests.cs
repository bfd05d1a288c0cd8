using SeqDsl;

namespace SeqDsl.Runtime.Tests.Devices;

/// <summary>Which kernel schedule each device kind gets, the override, and the group-per-sequence launch shape.</summary>
public sealed class KernelScheduleTests
{
    [Theory]
    [InlineData(DeviceKind.Cuda, KernelSchedule.GroupPerSequence)]
    [InlineData(DeviceKind.OpenCLGpu, KernelSchedule.GroupPerSequence)]
    [InlineData(DeviceKind.OpenCLCpu, KernelSchedule.ThreadPerSequence)]
    [InlineData(DeviceKind.Cpu, KernelSchedule.HostCode)]
    public void GPUs_get_one_group_per_sequence_PoCL_one_thread_and_the_CPU_accelerator_host_code(DeviceKind kind, KernelSchedule expected)
    {
        Assert.Equal(expected, KernelScheduleChoice.For(kind, null));
        Assert.Equal(expected, KernelScheduleChoice.For(kind, "auto"));
        Assert.Equal(expected, KernelScheduleChoice.For(kind, ""));
    }

    [Theory]
    [InlineData("thread", KernelSchedule.ThreadPerSequence)]
    [InlineData(" Group ", KernelSchedule.GroupPerSequence)]
    public void The_environment_value_overrides_the_device_kind(string forced, KernelSchedule expected)
    {
        Assert.Equal(expected, KernelScheduleChoice.For(DeviceKind.Cuda, forced));
        Assert.Equal(expected, KernelScheduleChoice.For(DeviceKind.OpenCLCpu, forced));
        Assert.Equal(expected, KernelScheduleChoice.For(DeviceKind.Cpu, forced));
    }

    [Fact]
    public void Host_code_is_chosen_only_for_the_CPU_accelerator()
    {
        Assert.Equal(KernelSchedule.HostCode, KernelScheduleChoice.For(DeviceKind.Cpu, "host"));
        var error = Assert.Throws<ArgumentException>(() => KernelScheduleChoice.For(DeviceKind.OpenCLCpu, "host"));
        Assert.Contains("SEQDSL_SCHEDULE=host", error.Message, StringComparison.Ordinal);
        Assert.Contains("OpenCLCpu", error.Message, StringComparison.Ordinal);
        Assert.Contains("SEQDSL_DEVICE=cpu", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_value_names_the_variable_and_the_choices()
    {
        var error = Assert.Throws<ArgumentException>(() => KernelScheduleChoice.For(DeviceKind.Cpu, "warp"));
        Assert.Contains("SEQDSL_SCHEDULE", error.Message, StringComparison.Ordinal);
        Assert.Contains("'warp'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'thread', 'group', 'host'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(32, 32)]
    [InlineData(100_000, 2 * 132 * (2048 / 96))] // two waves of resident groups, then the group-stride loop
    public void GPU_groups_cover_one_sequence_each_up_to_two_resident_waves(int sequences, int groups)
    {
        var shape = GridShape.ForGroups(DeviceKind.Cuda, sequences, threadsPerGroup: 96, multiprocessors: 132, maxThreadsPerGroup: 1024, maxThreadsPerMultiprocessor: 2048);
        Assert.Equal(new GridShape(groups, 96), shape);
    }

    [Fact]
    public void Group_size_is_capped_by_the_device()
    {
        // ILGPU's CPU accelerator as SeqDevice.Cpu() makes it: 2 threads per group, one group per simulated multiprocessor.
        Assert.Equal(new GridShape(1, 2), GridShape.ForGroups(DeviceKind.Cpu, 7, threadsPerGroup: 96, multiprocessors: 1, maxThreadsPerGroup: 2, maxThreadsPerMultiprocessor: 2));
        Assert.Equal(new GridShape(7, 96), GridShape.ForGroups(DeviceKind.OpenCLCpu, 7, threadsPerGroup: 96, multiprocessors: 2, maxThreadsPerGroup: 4096, maxThreadsPerMultiprocessor: 4096));
    }

    [Fact]
    public void Bad_arguments_are_rejected_by_name()
    {
        Assert.Equal("work", Assert.Throws<ArgumentOutOfRangeException>(() => GridShape.ForGroups(DeviceKind.Cuda, -1, 32, 1, 1024, 2048)).ParamName);
        Assert.Equal("threadsPerGroup", Assert.Throws<ArgumentOutOfRangeException>(() => GridShape.ForGroups(DeviceKind.Cuda, 1, 0, 1, 1024, 2048)).ParamName);
    }
}
