using System;
using System.Runtime.CompilerServices;
using ILGPU.Runtime;

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
    /// Sigmoid for a recurrent layer's gates (its recurrent activation). Where a kernel runs decides the formula, at
    /// kernel compile time (ILGPU folds <see cref="Accelerator.CurrentType"/> to a constant):
    /// <list type="bullet">
    /// <item>On CUDA, <see cref="Sigmoid"/>: the GPU's exponential is a fast built-in, and a thread's gate math sits in
    /// the step's chain of dependent operations, which the rational function's longer chain lengthens.</item>
    /// <item>Everywhere else (PoCL, the CPU accelerator, host code, and OpenCL GPUs, which have not been measured),
    /// 1/2 + tanh(x/2)/2 through <see cref="Tanh"/>'s
    /// rational function, with no exponential. Accurate to 2e-7 absolutely, not relatively: below about −17 it is 0
    /// where <see cref="Sigmoid"/> gives e^x. A gate only scales what it multiplies, so that is far below what moves it.
    /// On PoCL the exponential was most of the gate math: with this and <see cref="Tanh"/>'s rational function, W1's two
    /// LSTM forward kernels took 22% and 31% less time (perf samples against the unchanged backward kernels).</item>
    /// </list>
    /// Outputs keep <see cref="Sigmoid"/> on every device, whose tiny values a loss may take the logarithm of.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float GateSigmoid(float x) =>
        Accelerator.CurrentType == AcceleratorType.Cuda ? Sigmoid(x) : RationalGateSigmoid(x);

    /// <summary>
    /// Hyperbolic tangent. As for <see cref="GateSigmoid"/>, the formula depends on where the kernel runs:
    /// <see cref="ExponentialTanh"/> on CUDA, <see cref="RationalTanh"/> everywhere else. On an H100, W1's LSTM forward
    /// kernels took 59 µs a launch with the exponential forms and 71 µs with the rational ones (interleaved runs of one
    /// build each, benchmarks/results/2026-11-27-h100-cuda-activations.txt); on PoCL the rational forms are the faster.
    /// Both are accurate to a few ulps in .NET (the Runtime tests); on CUDA the exponential is the GPU's approximate one,
    /// which eng/DeviceCheck's activation check measures against double precision on the device (an H100: tanh 5.1e-7
    /// relative, the gates' sigmoid 8.8e-8 absolute at worst over [−40, 40]). So a model computes
    /// the same function on every device to float precision, not to the bit: the device check compares CUDA with host
    /// code to 1e-4, and the bit-for-bit comparisons between schedules run on CPU devices, where both sides use the
    /// rational function.
    /// </summary>
    /// <remarks>
    /// <see cref="Accelerator.CurrentType"/> is an ILGPU intrinsic; outside a kernel ILGPU 1.5 returns
    /// <see cref="AcceleratorType.CPU"/>, which host code and the CPU accelerator rely on (a Runtime test checks it).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) =>
        Accelerator.CurrentType == AcceleratorType.Cuda ? ExponentialTanh(x) : RationalTanh(x);

    /// <summary>At and beyond this |x|, <see cref="RationalTanh"/> is ±1: float's tanh rounds to 1 from about 9.01 on.</summary>
    public const float TanhSaturation = 9.1f;

    // Coefficients of the rational tanh's x · P(x²) / Q(x²) (P and Q of degree 4, P₀ = Q₀ = 1), fitted for the least
    // relative error on [0, 9.1] (a weighted least-squares fit, iterated towards minimax).
    internal const float TanhP1 = 0.133744523f;
    internal const float TanhP2 = 0.00348778139f;
    internal const float TanhP3 = 2.04806129e-05f;
    internal const float TanhP4 = 1.31765985e-08f;
    internal const float TanhQ1 = 0.467077672f;
    internal const float TanhQ2 = 0.0258472823f;
    internal const float TanhQ3 = 0.000327286776f;
    internal const float TanhQ4 = 7.70369354e-07f;

    /// <summary>Below this |x|, <see cref="ExponentialTanh"/> uses its odd Taylor polynomial; at and above it, 2σ(2x) − 1.</summary>
    internal const float TanhSeriesLimit = 0.25f;

    /// <summary>1/2 + tanh(x/2)/2 through <see cref="RationalTanh"/>: <see cref="GateSigmoid"/> off CUDA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float RationalGateSigmoid(float x) => 0.5f + (0.5f * RationalTanh(0.5f * x));

    /// <summary>
    /// Hyperbolic tangent as a rational function, x · P(x²) / Q(x²), so that loops over units vectorize into multiplies,
    /// adds and one division: PoCL leaves OpenCL's tanh scalar, and its exponential (<see cref="ExponentialTanh"/>) is a
    /// long routine. Every float in [−40, 40] checked against double precision: at most 6.4 ulps, 3.8e-7 relative
    /// (<see cref="ExponentialTanh"/> has 11 ulps). Exactly ±1 from ±<see cref="TanhSaturation"/> on, odd, 0 at 0, tiny x
    /// to within 2e-8 relative; the quotient is held in [−1, 1]; NaN stays NaN. <see cref="HostVector.Tanh"/> computes
    /// the same operations in the same order, so host code gives the same bits as the kernels on CPU devices.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float RationalTanh(float x)
    {
        float s = x * x;
        float p = x * (1f + (s * (TanhP1 + (s * (TanhP2 + (s * (TanhP3 + (s * TanhP4))))))));
        float q = 1f + (s * (TanhQ1 + (s * (TanhQ2 + (s * (TanhQ3 + (s * TanhQ4)))))));
        float r = p / q;
        r = r > 1f ? 1f : (r < -1f ? -1f : r); // NaN fails both tests and stays NaN
        return x >= TanhSaturation ? 1f : (x <= -TanhSaturation ? -1f : r); // where s, P and Q overflow, too
    }

    /// <summary>
    /// Hyperbolic tangent from the exponential: for |x| ≥ <see cref="TanhSeriesLimit"/>, 2σ(2x) − 1 (the subtraction loses
    /// no more than a few ulps there, and large |x| saturates to ±1 without overflow: e^(−2x) → ∞ gives −1); below, the
    /// Taylor series to x⁹, whose next term is under 1e-8 relative. Both are computed and one is selected, a select
    /// rather than a branch. At most 11 ulps with .NET's exponential. <see cref="Tanh"/> on CUDA.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float ExponentialTanh(float x)
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
