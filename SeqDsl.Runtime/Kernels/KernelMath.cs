using System;
using System.Runtime.CompilerServices;

namespace SeqDsl.Kernels;

/// <summary>
/// Scalar math called from generated kernels beyond the activations: logarithms for cross-entropy and square roots
/// for normalization. Scalar in, scalar out, so they inline on every backend, PoCL included.
/// </summary>
public static class KernelMath
{
    /// <summary>Natural logarithm.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Log(float x) => MathF.Log(x);

    /// <summary>1 / √x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float InverseSqrt(float x) => 1f / MathF.Sqrt(x);

    /// <summary>log(1 + e^−|x|): the stable tail of binary cross-entropy from logits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LogOnePlusExpNegAbs(float x) => MathF.Log(1f + MathF.Exp(x < 0f ? x : -x));
}
