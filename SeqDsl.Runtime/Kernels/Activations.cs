using System;
using System.Runtime.CompilerServices;

namespace SeqDsl.Kernels;

/// <summary>
/// Activation functions called from generated kernels. Scalar in, scalar out (no views), so they inline on
/// every ILGPU backend, PoCL included. MathF compiles to the backends' built-ins when the context enables
/// ILGPU.Algorithms.
/// </summary>
public static class Activations
{
    /// <summary>Logistic sigmoid 1 / (1 + e^−x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>Hyperbolic tangent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => MathF.Tanh(x);

    /// <summary>max(0, x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Relu(float x) => x > 0f ? x : 0f;

    /// <summary>x for x &gt; 0, e^x − 1 otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Elu(float x) => x > 0f ? x : MathF.Exp(x) - 1f;

    /// <summary>log(1 + e^x), computed without overflow for large x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Softplus(float x) => x > 20f ? x : MathF.Log(1f + MathF.Exp(x));

    /// <summary>e^x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x) => MathF.Exp(x);

    /// <summary>|x|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Abs(float x) => x < 0f ? -x : x;
}
