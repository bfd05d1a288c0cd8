using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SeqDsl.Data;

/// <summary>
/// Views a float array of any rank as its row-major run of elements, so element-wise code (metrics, scalers)
/// is written once for float[], float[,] and float[,,] without boxing or copying.
/// </summary>
internal static class FlatView
{
    internal static Span<float> Of(Array array)
    {
        if (array.GetType().GetElementType() != typeof(float))
        {
            throw new ArgumentException($"Expected a float array, got {array.GetType()}.", nameof(array));
        }

        ref byte start = ref MemoryMarshal.GetArrayDataReference(array);
        return MemoryMarshal.CreateSpan(ref Unsafe.As<byte, float>(ref start), array.Length);
    }
}
