using ILGPU.Runtime;
using ILGPU.Runtime.OpenCL;
using SeqDsl;

namespace SeqDsl.Runtime.Tests.Devices;

/// <summary>The real probes on this machine (no GPU; PoCL required unless SEQDSL_REQUIRE_POCL=0).</summary>
[Collection(DeviceCollection.Name)]
public sealed class SeqDeviceTests(DeviceFixture devices)
{
    [Fact]
    public void Cpu_is_ILGPUs_CPU_accelerator_with_one_simulated_thread_per_core()
    {
        var cpu = devices.Cpu;
        Assert.Equal(DeviceKind.Cpu, cpu.Kind);
        Assert.Equal(AcceleratorType.CPU, cpu.Accelerator.AcceleratorType);
        Assert.Equal(2 * Math.Max(1, Environment.ProcessorCount / 2), cpu.Accelerator.NumMultiprocessors * cpu.Accelerator.MaxNumThreadsPerGroup);
        Assert.StartsWith("ILGPU CPU accelerator", cpu.Description, StringComparison.Ordinal);
        Assert.Equal(cpu.Description, cpu.ToString());
        Assert.False(cpu.IsShared);
    }

    [Fact]
    public void PoCL_is_an_OpenCL_CPU_accelerator_described_with_its_driver()
    {
        var pocl = devices.RequirePoCL();
        if (pocl is null)
            return;
        Assert.Equal(DeviceKind.OpenCLCpu, pocl.Kind);
        Assert.IsType<CLAccelerator>(pocl.Accelerator);
        Assert.Equal(pocl.Accelerator.Name, pocl.Name);
        Assert.Matches(@"^OpenCL CPU: .+ \(PoCL \d+\.\d+", pocl.Description);
        Assert.Single(pocl.SelectionLog);
        Assert.StartsWith("pocl: selected OpenCL CPU: ", pocl.SelectionLog[0], StringComparison.Ordinal);
    }

    [Fact]
    public void CreateBest_forced_to_cpu_returns_an_owned_CPU_device()
    {
        using var device = SeqDevice.CreateBest("cpu");
        Assert.Equal(DeviceKind.Cpu, device.Kind);
        Assert.False(device.IsShared);
        Assert.Equal(new[] { "cpu" }, device.SelectionLog.Select(line => line.Split(':')[0]));
    }

    [Fact]
    public void CreateBest_with_an_unknown_override_names_the_variable_and_the_valid_values()
    {
        var error = Assert.Throws<SeqDeviceUnavailableException>(() => SeqDevice.CreateBest("tpu"));
        Assert.Contains("SEQDSL_DEVICE is 'tpu'", error.Message, StringComparison.Ordinal);
        Assert.Contains("cuda, opencl, pocl, cpu", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Best_is_one_shared_device_that_survives_Dispose()
    {
        var first = SeqDevice.Best();
        first.Dispose(); // a model disposing its device must not break the others
        var second = SeqDevice.Best();
        Assert.Same(first, second);
        Assert.Same(SeqDevice.Default, second);
        Assert.True(second.IsShared);
        using var buffer = second.Accelerator.Allocate1D(new float[] { 1f, 2f });
        Assert.Equal(new[] { 1f, 2f }, buffer.GetAsArray1D());
    }

    [Fact]
    public void Automatic_selection_logs_every_probe_up_to_the_chosen_one()
    {
        using var device = SeqDevice.CreateBest("auto");
        var keys = device.SelectionLog.Select(line => line.Split(':')[0]).ToArray();
        string[] order = { "cuda", "opencl", "pocl", "cpu" };
        Assert.Equal(order.Take(keys.Length), keys);
        string chosen = device.Kind switch
        {
            DeviceKind.Cuda => "cuda",
            DeviceKind.OpenCLGpu => "opencl",
            DeviceKind.OpenCLCpu => "pocl",
            _ => "cpu",
        };
        Assert.Equal(chosen, keys[^1]);
        Assert.Contains(": selected ", device.SelectionLog[^1], StringComparison.Ordinal);
        if (DeviceFixture.PoclRequired)
            Assert.NotEqual(DeviceKind.Cpu, device.Kind); // PoCL is installed, so the simulator must not win
    }
}
