using System.Diagnostics;
using ILGPU;
using ILGPU.Runtime;
using SeqDsl;

namespace SeqDsl.Runtime.Tests.Devices;

/// <summary>PoCL reports build errors only through Trace; <see cref="SeqDevice.WithBuildLog{T}"/> must put them in the exception.</summary>
[Collection(DeviceCollection.Name)]
public sealed class KernelBuildLogTests(DeviceFixture devices)
{
    /// <summary>ILGPU emits <c>atomic_compare_exchange_strong((atomic_uint*)p, …)</c> for this, a cast to a generic
    /// pointer that PoCL (no generic address space) rejects at clBuildProgram.</summary>
    internal static void FloatAtomicAddKernel(ArrayView<float> data) => Atomic.Add(ref data[0], 1f);

    internal static void CopyKernel(ArrayView<float> source, ArrayView<float> target, int work)
    {
        for (int i = Grid.GlobalIndex.X; i < work; i += Grid.DimX * Group.DimX)
            target[i] = source[i];
    }

    [Fact]
    public void A_kernel_PoCL_cannot_build_throws_with_PoCLs_build_log_in_the_message()
    {
        var pocl = devices.RequirePoCL();
        if (pocl is null)
            return;

        var error = Assert.Throws<KernelBuildException>(() =>
            pocl.WithBuildLog(() => pocl.Accelerator.LoadStreamKernel<ArrayView<float>>(FloatAtomicAddKernel)));

        // PoCL's (clang's) own words for the generic-pointer cast, which ILGPU's CLException does not carry.
        Assert.Contains("changes address space of pointer", error.Message, StringComparison.Ordinal);
        Assert.Contains("failed to build the program", error.BuildLog, StringComparison.Ordinal);
        Assert.Contains(pocl.Description, error.Message, StringComparison.Ordinal);
        Assert.Contains("CL_BUILD_PROGRAM_FAILURE", error.Message, StringComparison.Ordinal);
        Assert.Equal(pocl.Description, error.DeviceDescription);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public void After_a_failed_build_the_PoCL_accelerator_still_loads_and_runs_kernels()
    {
        var pocl = devices.RequirePoCL();
        if (pocl is null)
            return;
        Assert.Throws<KernelBuildException>(() =>
            pocl.WithBuildLog(() => pocl.Accelerator.LoadStreamKernel<ArrayView<float>>(FloatAtomicAddKernel)));

        var copy = pocl.WithBuildLog(() => pocl.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int>(CopyKernel));
        float[] data = { 1f, 2f, 3f, 4f, 5f };
        using var source = pocl.Accelerator.Allocate1D(data);
        using var target = pocl.Accelerator.Allocate1D<float>(data.Length);
        copy(pocl.GridFor(data.Length), source.View, target.View, data.Length);
        pocl.Accelerator.Synchronize();
        Assert.Equal(data, target.GetAsArray1D());
    }

    [Fact]
    public void The_same_atomic_kernel_loads_on_the_CPU_accelerator()
    {
        // Shows the failure above is PoCL's restriction, not a broken kernel.
        var kernel = devices.Cpu.WithBuildLog(() => devices.Cpu.Accelerator.LoadStreamKernel<ArrayView<float>>(FloatAtomicAddKernel));
        using var data = devices.Cpu.Accelerator.Allocate1D(new float[] { 0f });
        kernel(new KernelConfig(1, 2), data.View);
        devices.Cpu.Accelerator.Synchronize();
        Assert.Equal(2f, data.GetAsArray1D()[0]);
    }

    [Fact]
    public void Capture_returns_trace_output_only_when_the_load_fails_and_removes_its_listener()
    {
        int listenersBefore = Trace.Listeners.Count;

        var ok = KernelBuildLog.Capture(() =>
        {
            Trace.WriteLine("noise from a successful load");
            return 42;
        });
        Assert.Equal((42, (Exception?)null, ""), ok);

        var failed = KernelBuildLog.Capture<int>(() =>
        {
            Trace.WriteLine("Kernel loading failed:");
            Trace.WriteLine("error: line 3: something");
            throw new InvalidOperationException("driver said no");
        });
        Assert.IsType<InvalidOperationException>(failed.Error);
        Assert.Equal("Kernel loading failed:\nerror: line 3: something", failed.Log);

        Assert.Equal(listenersBefore, Trace.Listeners.Count);
    }

    [Fact]
    public async Task Concurrent_captures_each_see_only_their_own_threads_trace_output()
    {
        using var bothWriting = new Barrier(2);
        string CaptureOn(string name) => KernelBuildLog.Capture<int>(() =>
        {
            bothWriting.SignalAndWait();
            Trace.WriteLine($"log of {name}");
            bothWriting.SignalAndWait();
            throw new InvalidOperationException(name);
        }).Log;

        // Dedicated threads: the barrier blocks, and both captures must overlap in time.
        var first = Task.Factory.StartNew(() => CaptureOn("first"), TaskCreationOptions.LongRunning);
        var second = Task.Factory.StartNew(() => CaptureOn("second"), TaskCreationOptions.LongRunning);
        Assert.Equal("log of first", await first);
        Assert.Equal("log of second", await second);
    }

    [Fact]
    public void WithBuildLog_returns_the_loaded_value_and_wraps_failures_without_a_log()
    {
        Assert.Equal("kernel", devices.Cpu.WithBuildLog(() => "kernel"));
        var error = Assert.Throws<KernelBuildException>(() => devices.Cpu.WithBuildLog<string>(() => throw new NotSupportedException("no Span in kernels")));
        Assert.Contains("NotSupportedException: no Span in kernels", error.Message, StringComparison.Ordinal);
        Assert.Contains(devices.Cpu.Description, error.Message, StringComparison.Ordinal);
        Assert.Equal("", error.BuildLog);
    }
}
