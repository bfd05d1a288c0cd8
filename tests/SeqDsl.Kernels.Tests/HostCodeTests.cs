using System.Reflection;
using ILGPU;
using ILGPU.Runtime;
using SeqDsl.Engine;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// The host code (<see cref="KernelSchedule.HostCode"/>: the kernels translated to plain C# with Vector&lt;float&gt;
/// loops, the default on ILGPU's CPU accelerator) computes what ILGPU's own kernels compute on the same accelerator,
/// for every generated model of this test assembly: predictions, loss and the gradient of every parameter. (Every
/// other kernel test that uses the CPU accelerator runs the host code against its C# reference or finite differences.)
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class HostCodeTests
{
    private const double Tolerance = 1e-5;

    private readonly SeqDevice cpu;

    public HostCodeTests(CpuDeviceFixture fixture) => cpu = fixture.Device;

    [Theory]
    [MemberData(nameof(BackendTests.ModelTypes), MemberType = typeof(BackendTests))]
    public void Host_code_matches_ILGPU_kernels_on_the_CPU_accelerator(Type modelType)
    {
        Assert.Equal(KernelSchedule.HostCode, cpu.Schedule);
        var result = DeviceComparison.Compare(modelType, cpu.WithSchedule(KernelSchedule.ThreadPerSequence), cpu, (kernels, host) =>
        {
            Assert.False(RunsHostCode(kernels));
            Assert.True(RunsHostCode(host));
        });
        Assert.True(result.Failure(Tolerance) is null, result.Failure(Tolerance) + " (reference: ILGPU kernels; compared: host code)");
    }

    /// <summary>
    /// The GPU schedule's kernels (group-per-sequence recurrent kernels where a layer has them, and for every layer
    /// the per-column weight-gradient partials) on the CPU accelerator against host code, for every model: the
    /// per-column partials cover stateful, dropout, reset-before GRU, bidirectional and Dense layers, which the
    /// six models of ScheduleTests do not all have. (The same comparison on CUDA is eng/DeviceCheck's.)
    /// </summary>
    [Theory]
    [MemberData(nameof(BackendTests.ModelTypes), MemberType = typeof(BackendTests))]
    public void The_GPU_schedule_s_kernels_match_host_code_on_the_CPU_accelerator(Type modelType)
    {
        var result = DeviceComparison.Compare(modelType, cpu, cpu.WithSchedule(KernelSchedule.GroupPerSequence));
        Assert.True(result.Failure(Tolerance) is null, result.Failure(Tolerance) + " (reference: host code; compared: GroupPerSequence kernels)");
    }

    [Fact]
    public void Host_code_needs_ILGPU_s_CPU_accelerator()
    {
        var pocl = PoclDevice.OpenOrExplain();
        if (pocl is null)
        {
            return; // only with SEQDSL_REQUIRE_POCL=0 on a machine without PoCL (CI installs it)
        }

        using (pocl)
        {
            var error = Assert.Throws<ArgumentException>(() => pocl.WithSchedule(KernelSchedule.HostCode));
            Assert.Contains("CPU accelerator", error.Message, StringComparison.Ordinal);
            Assert.Contains("OpenCLCpu", error.Message, StringComparison.Ordinal);

            // Device memory is refused by the view itself too; host memory is read in place.
            using var onDevice = pocl.Accelerator.Allocate1D<float>(4);
            var refused = Assert.Throws<InvalidOperationException>(() => { _ = HostView.Of<float>(onDevice.View).Length; });
            Assert.Contains("OpenCL", refused.Message, StringComparison.Ordinal);
            using var onHost = cpu.Accelerator.Allocate1D(new[] { 1f, 2f, 3f });
            Assert.Equal(2f, ReadSecond(onHost.View));
        }
    }

    private static float ReadSecond(ArrayView<float> view) => HostView.Of(view)[1];

    /// <summary>The program's private flag, so the test cannot pass by running one kind of code twice.</summary>
    private static bool RunsHostCode(ModelBase model)
    {
        var program = DeviceComparison.ProgramOf(model);
        return (bool)program.GetType().GetField("hostCode", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(program)!;
    }
}
