using System.Numerics;
using System.Runtime.CompilerServices;

namespace SeqDsl.Kernels;

/// <summary>
/// The activations of <see cref="Activations"/> on a whole <see cref="Vector{T}"/>, for the vectorized loops of the
/// generated host kernels. The same formulas as the scalar versions, with <see cref="Exp"/> computed here (the runtime
/// targets .NET 8, which has no vector exponential); it differs from <see cref="System.MathF.Exp"/> by at most a few ulps.
/// </summary>
public static class HostVector
{
    /// <summary>Floats per vector on this machine (8 with AVX2 or AVX-512, 4 with SSE or NEON).</summary>
    public static int Width => Vector<float>.Count;

    /// <summary>Logistic sigmoid 1 / (1 + e^−x), lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sigmoid(Vector<float> x) => Vector<float>.One / (Vector<float>.One + Exp(-x));

    /// <summary><see cref="Activations.GateSigmoid"/> as CPU devices compute it (<see cref="Activations.RationalGateSigmoid"/>) lane by lane: 1/2 + tanh(x/2)/2, for recurrent gates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> GateSigmoid(Vector<float> x) => new Vector<float>(0.5f) + (new Vector<float>(0.5f) * Tanh(new Vector<float>(0.5f) * x));

    /// <summary>Hyperbolic tangent as <see cref="Activations.Tanh"/> computes it on CPU devices (<see cref="Activations.RationalTanh"/>), the same operations in the same order, lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Tanh(Vector<float> x)
    {
        var s = x * x;
        var p = x * (Vector<float>.One + (s * (new Vector<float>(Activations.TanhP1) + (s * (new Vector<float>(Activations.TanhP2) + (s * (new Vector<float>(Activations.TanhP3) + (s * new Vector<float>(Activations.TanhP4)))))))));
        var q = Vector<float>.One + (s * (new Vector<float>(Activations.TanhQ1) + (s * (new Vector<float>(Activations.TanhQ2) + (s * (new Vector<float>(Activations.TanhQ3) + (s * new Vector<float>(Activations.TanhQ4))))))));
        var r = p / q;
        // Comparisons, not Vector.Min/Max, so that NaN stays NaN.
        r = Vector.ConditionalSelect(Vector.GreaterThan(r, Vector<float>.One), Vector<float>.One, r);
        r = Vector.ConditionalSelect(Vector.LessThan(r, -Vector<float>.One), -Vector<float>.One, r);
        var saturation = new Vector<float>(Activations.TanhSaturation);
        r = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, saturation), Vector<float>.One, r);
        return Vector.ConditionalSelect(Vector.LessThanOrEqual(x, -saturation), -Vector<float>.One, r);
    }

    /// <summary>max(0, x), lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Relu(Vector<float> x) => Vector.Max(x, Vector<float>.Zero);

    /// <summary>Above this, e^x overflows float: +∞.</summary>
    private const float ExpOverflow = 88.72283f;

    /// <summary>Below this, e^x is under float's smallest normal: 0.</summary>
    private const float ExpUnderflow = -87.33654f;

    /// <summary>
    /// e^x, lane by lane: x = n·ln 2 + r with |r| ≤ ln 2 / 2 (ln 2 split in two parts so r is exact), e^r from its
    /// degree-6 Taylor polynomial (relative error under 2e-7 on that interval), times 2^n built in exponent bits.
    /// Saturates to +∞ above <see cref="ExpOverflow"/> and to 0 below <see cref="ExpUnderflow"/>; NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> x)
    {
        var clamped = Vector.Min(Vector.Max(x, new Vector<float>(ExpUnderflow)), new Vector<float>(ExpOverflow));
        var n = Vector.Floor((clamped * new Vector<float>(1.44269504f)) + new Vector<float>(0.5f)); // round(x / ln 2)
        var r = clamped - (n * new Vector<float>(0.693359375f)) + (n * new Vector<float>(2.12194440e-4f));
        var p = new Vector<float>(1f / 720f);
        p = (p * r) + new Vector<float>(1f / 120f);
        p = (p * r) + new Vector<float>(1f / 24f);
        p = (p * r) + new Vector<float>(1f / 6f);
        p = (p * r) + new Vector<float>(0.5f);
        p = (p * r) + Vector<float>.One;
        p = (p * r) + Vector<float>.One;
        // 2^n as two normal floats 2^half · 2^(n − half): n runs from −126 to 128, beyond one float's exponent range.
        var whole = Vector.ConvertToInt32(n);
        var half = Vector.ShiftRightArithmetic(whole, 1);
        var result = p * Vector.AsVectorSingle((half + new Vector<int>(127)) << 23) * Vector.AsVectorSingle((whole - half + new Vector<int>(127)) << 23);
        result = Vector.ConditionalSelect(Vector.GreaterThan(x, new Vector<float>(ExpOverflow)), new Vector<float>(float.PositiveInfinity), result);
        result = Vector.ConditionalSelect(Vector.LessThan(x, new Vector<float>(ExpUnderflow)), Vector<float>.Zero, result);
        return Vector.ConditionalSelect(Vector.Equals(x, x), result, x); // NaN in, NaN out
    }

    /// <summary>|x|, lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Abs(Vector<float> x) => Vector.Abs(x);

    /// <summary><see cref="KernelMath.FlushTiny"/> lane by lane: 0 where |x| &lt; <see cref="KernelMath.TinyGradient"/>, x elsewhere (NaN stays NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> FlushTiny(Vector<float> x) =>
        Vector.ConditionalSelect(Vector.LessThan(Vector.Abs(x), new Vector<float>(KernelMath.TinyGradient)), Vector<float>.Zero, x);

    /// <summary>√x, lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sqrt(Vector<float> x) => Vector.SquareRoot(x);
}
