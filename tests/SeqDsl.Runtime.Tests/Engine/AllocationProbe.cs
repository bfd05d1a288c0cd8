using ILGPU.Runtime;
using SeqDsl.Engine;

namespace SeqDsl.Runtime.Tests.Engine;

/// <summary>
/// Watches <see cref="DeviceMemory"/>'s allocations on the test's own flow while it is alive: records every buffer and
/// makes allocation <see cref="FailAt"/> (counting from 0; −1: none) throw as an out-of-memory device would.
/// </summary>
internal sealed class AllocationProbe : IAllocationHook, IDisposable
{
    public AllocationProbe() => DeviceMemory.Hook.Value = this;

    public int FailAt { get; set; } = -1;

    /// <summary>Allocations attempted so far, the failed one included.</summary>
    public int Attempts { get; private set; }

    public List<MemoryBuffer> Buffers { get; } = [];

    public void Allocating()
    {
        if (Attempts++ == FailAt)
        {
            throw new SimulatedOutOfMemoryException(FailAt);
        }
    }

    public void Allocated(MemoryBuffer buffer) => Buffers.Add(buffer);

    public void Dispose() => DeviceMemory.Hook.Value = null;
}

/// <summary>The failure <see cref="AllocationProbe"/> injects: an <see cref="OutOfMemoryException"/>, as ILGPU's CPU accelerator throws.</summary>
internal sealed class SimulatedOutOfMemoryException(int allocation) : OutOfMemoryException($"simulated: allocation {allocation} failed");
