using SeqDsl;

namespace SeqDsl.Runtime.Tests.Devices;

/// <summary>Launch shapes per backend, computed from the numbers an accelerator reports.</summary>
public sealed class GridShapeTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(16, 1)]
    [InlineData(17, 2)]
    [InlineData(100_000, 256)] // capped: 2 compute units x 128 groups
    public void OpenCL_CPU_uses_groups_of_16_and_at_most_128_groups_per_compute_unit(int work, int groups)
    {
        var shape = GridShape.For(DeviceKind.OpenCLCpu, work, multiprocessors: 2, maxThreadsPerGroup: 4096, maxThreadsPerMultiprocessor: 4096);
        Assert.Equal(new GridShape(groups, 16), shape);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(256, 1)]
    [InlineData(257, 2)]
    [InlineData(1_000_000, 2112)] // H100-like: 132 SMs x (2048 / 256) resident x 2 waves
    public void CUDA_uses_groups_of_256_and_at_most_two_resident_waves(int work, int groups)
    {
        var shape = GridShape.For(DeviceKind.Cuda, work, multiprocessors: 132, maxThreadsPerGroup: 1024, maxThreadsPerMultiprocessor: 2048);
        Assert.Equal(new GridShape(groups, 256), shape);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)] // a batch of one runs on the calling thread
    [InlineData(3, 3)]
    [InlineData(7_000, 4)]
    public void Host_code_gets_one_worker_per_core_but_never_more_than_items(int work, int workers)
    {
        Assert.Equal(new GridShape(workers, 1), GridShape.ForHostCode(work, cores: 4));
        Assert.Equal("work", Assert.Throws<ArgumentOutOfRangeException>(() => GridShape.ForHostCode(-1, 4)).ParamName);
    }

    [Theory]
    [InlineData(50, 82, 1)] // a Predict of one 50-step sequence through TimeDistributed(Dense(10)) on 20 features
    [InlineData(1_600, 82, 4)] // a training batch of 32
    [InlineData(83, 82, 2)]
    public void Host_code_keeps_cheap_items_together(int work, int minimumItemsPerWorker, int workers)
    {
        Assert.Equal(new GridShape(workers, 1), GridShape.ForHostCode(work, cores: 4, minimumItemsPerWorker));
        Assert.Equal("minimumItemsPerWorker", Assert.Throws<ArgumentOutOfRangeException>(() => GridShape.ForHostCode(1, 4, 0)).ParamName);
    }

    [Fact]
    public void GPU_group_size_never_exceeds_what_the_device_allows()
    {
        var shape = GridShape.For(DeviceKind.OpenCLGpu, 10_000, multiprocessors: 8, maxThreadsPerGroup: 64, maxThreadsPerMultiprocessor: 64);
        Assert.Equal(new GridShape(8 * 1 * 2, 64), shape);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 2)]
    [InlineData(1_000_000, 4)]
    public void CPU_accelerator_uses_one_group_per_simulated_multiprocessor(int work, int groups)
    {
        var shape = GridShape.For(DeviceKind.Cpu, work, multiprocessors: 4, maxThreadsPerGroup: 2, maxThreadsPerMultiprocessor: 2);
        Assert.Equal(new GridShape(groups, 2), shape);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(16, 16)]
    [InlineData(32, 32)] // W1's batch: 32 single-thread groups, where groups of 16 gave two
    [InlineData(100_000, 256)] // capped as For caps groups
    public void PoCL_gives_each_sequence_a_group_of_its_own(int work, int groups)
    {
        Assert.Equal(new GridShape(groups, 1), GridShape.ForSequences(DeviceKind.OpenCLCpu, work, multiprocessors: 2, maxThreadsPerGroup: 4096, maxThreadsPerMultiprocessor: 4096));
    }

    [Fact]
    public void GPUs_and_the_CPU_accelerator_launch_sequences_on_the_grid_stride_shape()
    {
        Assert.Equal(GridShape.For(DeviceKind.Cuda, 32, 132, 1024, 2048), GridShape.ForSequences(DeviceKind.Cuda, 32, 132, 1024, 2048));
        Assert.Equal(GridShape.For(DeviceKind.Cpu, 32, 4, 2, 2), GridShape.ForSequences(DeviceKind.Cpu, 32, 4, 2, 2));
        Assert.Equal("work", Assert.Throws<ArgumentOutOfRangeException>(() => GridShape.ForSequences(DeviceKind.OpenCLCpu, -1, 2, 16, 16)).ParamName);
    }

    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(100, 1, 7)] // fewer than 16 × 64 elements: one group
    [InlineData(5_250, 2, 165)] // W1's weights: a group per compute unit, one pass
    [InlineData(1_000_000, 2, 31_250)]
    public void OpenCL_CPU_runs_take_a_group_per_compute_unit_and_cover_the_work_in_one_pass(int work, int groups, int run)
    {
        var grid = GridShape.For(DeviceKind.OpenCLCpu, work, multiprocessors: 2, maxThreadsPerGroup: 4096, maxThreadsPerMultiprocessor: 4096);
        Assert.Equal((new GridShape(groups, 16), run), GridShape.ForRuns(DeviceKind.OpenCLCpu, work, grid, multiprocessors: 2));
    }

    [Fact]
    public void GPU_runs_are_single_elements_on_the_grid_stride_shape()
    {
        var grid = GridShape.For(DeviceKind.Cuda, 1_000_000, multiprocessors: 132, maxThreadsPerGroup: 1024, maxThreadsPerMultiprocessor: 2048);
        Assert.Equal((grid, 1), GridShape.ForRuns(DeviceKind.Cuda, 1_000_000, grid, multiprocessors: 132));
        Assert.Equal((grid, 1), GridShape.ForRuns(DeviceKind.OpenCLGpu, 1_000_000, grid, multiprocessors: 132));
    }

    [Fact]
    public void CPU_accelerator_runs_split_the_work_between_its_threads()
    {
        var workers = GridShape.ForHostCode(1_003, cores: 4);
        Assert.Equal((workers, 251), GridShape.ForRuns(DeviceKind.Cpu, 1_003, workers, multiprocessors: 1));
        Assert.Equal("work", Assert.Throws<ArgumentOutOfRangeException>(() => GridShape.ForRuns(DeviceKind.Cpu, -1, workers, 1)).ParamName);
    }

    [Theory]
    [InlineData(DeviceKind.OpenCLCpu, 1)]
    [InlineData(DeviceKind.OpenCLCpu, 1_003)]
    [InlineData(DeviceKind.OpenCLCpu, 70_001)]
    [InlineData(DeviceKind.OpenCLCpu, int.MaxValue)]
    [InlineData(DeviceKind.Cpu, 1_003)]
    public void CPU_runs_cover_the_work_in_one_pass_without_a_spare_thread_run(DeviceKind kind, int work)
    {
        var grid = kind == DeviceKind.Cpu ? GridShape.ForHostCode(work, cores: 3) : GridShape.For(kind, work, multiprocessors: 2, maxThreadsPerGroup: 256, maxThreadsPerMultiprocessor: 512);
        var (shape, run) = GridShape.ForRuns(kind, work, grid, multiprocessors: 2);
        long threads = (long)shape.Groups * shape.GroupSize;
        Assert.True(threads * run >= work, $"{threads} threads × run {run} < {work}: a second pass");
        Assert.True(threads * (run - 1) < work, $"{threads} threads × run {run}: runs one element shorter would still cover {work}");
    }

    [Fact]
    public void The_largest_work_does_not_overflow()
    {
        var shape = GridShape.For(DeviceKind.Cuda, int.MaxValue, multiprocessors: 1_000_000, maxThreadsPerGroup: 1024, maxThreadsPerMultiprocessor: 2048);
        Assert.Equal((int.MaxValue + 255L) / 256, shape.Groups);
    }

    [Fact]
    public void Negative_work_is_rejected_with_its_value()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => GridShape.For(DeviceKind.Cpu, -3, 1, 2, 2));
        Assert.Equal("work", error.ParamName);
        Assert.Contains("-3", error.Message, StringComparison.Ordinal);
    }
}
