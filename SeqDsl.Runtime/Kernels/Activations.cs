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

    /// <summary>
    /// Sigmoid for a recurrent layer's gates (its recurrent activation): 1/2 + tanh(x/2)/2, through <see cref="Tanh"/>'s
    /// rational function, with no exponential. Accurate to 2e-7 absolutely, not relatively: below about −17 it is 0
    /// where <see cref="Sigmoid"/> gives e^x. A gate only scales what it multiplies, so that is far below what moves
    /// it; outputs keep <see cref="Sigmoid"/>, whose tiny values a loss may take the logarithm of. On PoCL the exponential
    /// was most of the gate math: with this and <see cref="Tanh"/>'s rational function, W1's two LSTM forward kernels
    /// took 22% and 31% less time (perf samples against the unchanged backward kernels).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float GateSigmoid(float x) => 0.5f + (0.5f * Tanh(0.5f * x));

    /// <summary>At and beyond this |x|, <see cref="Tanh"/> is ±1: float's tanh rounds to 1 from about 9.01 on.</summary>
    public const float TanhSaturation = 9.1f;

    // Coefficients of Tanh's rational function x · P(x²) / Q(x²) (P and Q of degree 4, P₀ = Q₀ = 1), fitted for the
    // least relative error on [0, 9.1] (a weighted least-squares fit, iterated towards minimax).
    internal const float TanhP1 = 0.133744523f;
    internal const float TanhP2 = 0.00348778139f;
    internal const float TanhP3 = 2.04806129e-05f;
    internal const float TanhP4 = 1.31765985e-08f;
    internal const float TanhQ1 = 0.467077672f;
    internal const float TanhQ2 = 0.0258472823f;
    internal const float TanhQ3 = 0.000327286776f;
    internal const float TanhQ4 = 7.70369354e-07f;

    /// <summary>
    /// Hyperbolic tangent as a rational function, x · P(x²) / Q(x²), so that loops over units vectorize into multiplies,
    /// adds and one division: PoCL leaves OpenCL's tanh scalar, and its exponential (the earlier 2σ(2x) − 1) is a long
    /// routine. Every float in [−40, 40] checked against double precision: at most 6.4 ulps, 3.8e-7 relative (2σ(2x) − 1
    /// with a Taylor series near 0 had 11 ulps). Exactly ±1 from ±<see cref="TanhSaturation"/> on, odd, 0 at 0, tiny x
    /// to within 2e-8 relative; the quotient is held in [−1, 1]; NaN stays NaN. <see cref="HostVector.Tanh"/> computes
    /// the same operations in the same order, so host code gives the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x)
    {
        float s = x * x;
        float p = x * (1f + (s * (TanhP1 + (s * (TanhP2 + (s * (TanhP3 + (s * TanhP4))))))));
        float q = 1f + (s * (TanhQ1 + (s * (TanhQ2 + (s * (TanhQ3 + (s * TanhQ4)))))));
        float r = p / q;
        r = r > 1f ? 1f : (r < -1f ? -1f : r); // NaN fails both tests and stays NaN
        return x >= TanhSaturation ? 1f : (x <= -TanhSaturation ? -1f : r); // where s, P and Q overflow, too
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
