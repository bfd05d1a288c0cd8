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

    /// <summary>Below this |x|, <see cref="Tanh"/> uses its odd Taylor polynomial; at and above it, 2σ(2x) − 1.</summary>
    private const float TanhSeriesLimit = 0.25f;

    /// <summary>
    /// Hyperbolic tangent from the exponential, so that loops over units vectorize: PoCL vectorizes loops calling
    /// exp but leaves OpenCL's tanh scalar (measured: the LSTM forward's cell loop ran scalar and took a quarter of
    /// the kernel). For |x| ≥ 0.25, 2σ(2x) − 1 (the subtraction loses no more than a few ulps there, and large |x|
    /// saturates to ±1 without overflow: e^(−2x) → ∞ gives −1); below, the Taylor series to x⁹, whose next term is
    /// under 1e-8 relative. Both are computed and one is selected, a form vectorizers turn into a blend, not a branch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x)
    {
        float x2 = x * x;
        float series = x * (1f + (x2 * (-1f / 3f + (x2 * (2f / 15f + (x2 * (-17f / 315f + (x2 * (62f / 2835f)))))))));
        float viaSigmoid = (2f / (1f + MathF.Exp(-2f * x))) - 1f;
        return Abs(x) < TanhSeriesLimit ? series : viaSigmoid;
    }

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
