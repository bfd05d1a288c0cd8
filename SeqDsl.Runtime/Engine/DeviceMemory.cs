using System;
using System.Threading;
using ILGPU;
using ILGPU.Runtime;

namespace SeqDsl.Engine;

/// <summary>
/// The engine's device allocations: weights, gradients, data sets, Fit's training batches, loss, optimizer and
/// prediction buffers. Any allocation can fail when the device is out of memory, and a buffer nobody disposes stays
/// allocated until the accelerator is disposed, so an owner that allocates several frees those it already holds before
/// it passes the failure on. <see cref="Hook"/> lets tests make any one allocation fail and check that.
/// </summary>
internal static class DeviceMemory
{
    /// <summary>
    /// Tests only: sees every allocation made here on the current flow (an async local, so tests running in parallel
    /// do not see each other's) and may throw before one, as an out-of-memory device would. Null outside tests.
    /// </summary>
    internal static readonly AsyncLocal<IAllocationHook?> Hook = new();

    /// <summary>A new buffer of <paramref name="length"/> elements, contents undefined.</summary>
    public static MemoryBuffer1D<T, Stride1D.Dense> Allocate<T>(Accelerator accelerator, long length)
        where T : unmanaged
    {
        var hook = Hook.Value;
        hook?.Allocating();
        var buffer = accelerator.Allocate1D<T>(length);
        hook?.Allocated(buffer);
        return buffer;
    }

    /// <summary>A new buffer holding a copy of <paramref name="values"/>.</summary>
    public static MemoryBuffer1D<T, Stride1D.Dense> Upload<T>(Accelerator accelerator, ReadOnlySpan<T> values)
        where T : unmanaged
    {
        var buffer = Allocate<T>(accelerator, values.Length);
        try
        {
            ArrayView<T> view = buffer.View;
            view.CopyFromCPU(values);
            return buffer;
        }
        catch
        {
            buffer.Dispose(); // not returned, so nobody else would
            throw;
        }
    }
}

/// <summary>Tests only: watches <see cref="DeviceMemory"/>'s allocations (see <see cref="DeviceMemory.Hook"/>).</summary>
internal interface IAllocationHook
{
    /// <summary>Called before each allocation; an exception thrown here stands for the device being out of memory.</summary>
    void Allocating();

    /// <summary>Called with each new buffer.</summary>
    void Allocated(MemoryBuffer buffer);
}
