using System;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;

namespace SeqDsl.Engine;

/// <summary>
/// What a generated host kernel (<see cref="KernelSchedule.HostCode"/>) sees in place of an ILGPU
/// <c>ArrayView&lt;T&gt;</c>: a reference to the first element and a length, indexed with the kernel's own
/// <c>long</c> indices and loaded or stored a whole <see cref="Vector{T}"/> at a time by the vectorized loops.
/// </summary>
/// <remarks>
/// Indexing is unchecked in release builds, like the ILGPU kernels it stands for: the generated code computes every
/// index from constants and the workspace sizes it allocated, and the kernel tests compare each model's results with
/// the ILGPU kernels and with finite differences. Debug builds assert every index.
/// </remarks>
public readonly ref struct HostView<T>
    where T : unmanaged
{
    private readonly ref T start;

    /// <summary>A view of host memory starting at <paramref name="start"/>, <paramref name="length"/> elements long.</summary>
    public HostView(ref T start, long length)
    {
        this.start = ref start;
        Length = length;
    }

    /// <summary>A view of a span, e.g. the stack memory a host kernel allocates in place of ILGPU's local memory.</summary>
    public HostView(Span<T> span)
        : this(ref MemoryMarshal.GetReference(span), span.Length)
    {
    }

    /// <summary>The number of elements.</summary>
    public long Length { get; }

    /// <summary>The element at <paramref name="index"/>.</summary>
    public ref T this[long index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            Debug.Assert(index >= 0 && index < Length, $"index {index} outside a host view of {Length} elements");
            return ref Unsafe.Add(ref start, (nint)index);
        }
    }

    /// <summary>The <see cref="Vector{T}.Count"/> elements starting at <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> Load(long index)
    {
        Debug.Assert(index >= 0 && index + Vector<T>.Count <= Length, $"vector at {index} outside a host view of {Length} elements");
        return Vector.LoadUnsafe(ref start, (nuint)index);
    }

    /// <summary>Writes <paramref name="value"/> to the <see cref="Vector{T}.Count"/> elements starting at <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(long index, Vector<T> value)
    {
        Debug.Assert(index >= 0 && index + Vector<T>.Count <= Length, $"vector at {index} outside a host view of {Length} elements");
        value.StoreUnsafe(ref start, (nuint)index);
    }
}

/// <summary>Makes <see cref="HostView{T}"/>s of the buffers of ILGPU's CPU accelerator, whose memory is host memory.</summary>
public static class HostView
{
    /// <summary>The host memory behind <paramref name="view"/>.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="view"/> lives on an accelerator other than ILGPU's CPU accelerator (device memory the host cannot address).</exception>
    public static unsafe HostView<T> Of<T>(ArrayView<T> view)
        where T : unmanaged
    {
        if (view.Length == 0)
            return default;
        var type = AcceleratorOf(view);
        if (type != AcceleratorType.CPU)
        {
            throw new InvalidOperationException(
                $"Host code (KernelSchedule.HostCode) reads memory directly, so it runs only on ILGPU's CPU accelerator, but this buffer lives on a {type} accelerator.");
        }

        var first = (T*)view.LoadEffectiveAddressAsPtr();
        return new HostView<T>(ref Unsafe.AsRef<T>(first), view.Length);
    }

    /// <summary>The accelerator type of a view's buffer, read through the interface without boxing (this runs per launch and worker).</summary>
    private static AcceleratorType AcceleratorOf<TView>(TView view)
        where TView : struct, IArrayView => view.Buffer.AcceleratorType;
}
