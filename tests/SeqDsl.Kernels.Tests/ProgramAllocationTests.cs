using System.Reflection;
using SeqDsl.Engine;
using SeqDsl.Runtime.Tests.Engine;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// The generated program allocates through the engine (NetworkProgram.AllocateFloats): its state buffers (stateful
/// layers) in its constructor, its workspace in Reserve. When one allocation fails, as on a device out of memory, the
/// constructor frees the state buffers it already holds, and a Reserve that failed part-way leaves a program that
/// reserves and predicts as before.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class ProgramAllocationTests
{
    private readonly SeqDevice cpu;

    public ProgramAllocationTests(CpuDeviceFixture fixture) => cpu = fixture.Device;

    [Fact]
    public void A_failed_state_allocation_frees_the_state_buffers_already_allocated()
    {
        int allocations;
        using (var model = new WideStatefulModel(cpu, seed: 1))
        using (var probe = new AllocationProbe())
        {
            _ = DeviceComparison.ProgramOf(model);
            allocations = probe.Attempts;
            Assert.True(allocations >= 2, $"the program allocated {allocations} buffers; two stateful layers should hold two");
        }

        for (int failAt = 0; failAt < allocations; failAt++)
        {
            using var model = new WideStatefulModel(cpu, seed: 1);
            using var probe = new AllocationProbe { FailAt = failAt };
            var thrown = Assert.Throws<TargetInvocationException>(() => DeviceComparison.ProgramOf(model));
            Assert.IsType<SimulatedOutOfMemoryException>(thrown.InnerException);
            Assert.Equal(failAt, probe.Buffers.Count);
            Assert.All(probe.Buffers, b => Assert.True(b.IsDisposed, $"after allocation {failAt} failed, a state buffer allocated before it is still allocated"));
        }
    }

    [Fact]
    public void A_reserve_that_fails_part_way_leaves_a_program_that_reserves_and_predicts()
    {
        var x = new float[4, 6, 3];
        for (int i = 0; i < x.Length; i++)
        {
            x[i / 18, i / 3 % 6, i % 3] = (float)Math.Sin(i);
        }

        using var reference = new WideStatefulModel(cpu, seed: 2);
        var expected = reference.Predict(x, 3);
        using var model = new WideStatefulModel(cpu, seed: 2);
        var program = DeviceComparison.ProgramOf(model);
        using (var probe = new AllocationProbe { FailAt = 2 })
        {
            Assert.Throws<SimulatedOutOfMemoryException>(() => program.Reserve(3, 6));
            Assert.Equal(2, probe.Buffers.Count);
        }

        program.Reserve(3, 6);
        Assert.Equal(expected, model.Predict(x, 3));
    }
}
