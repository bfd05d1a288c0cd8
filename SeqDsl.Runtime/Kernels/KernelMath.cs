using System;
using System.Runtime.CompilerServices;
using ILGPU.IR.Intrinsics;

namespace SeqDsl.Kernels;

/// <summary>
/// Scalar math called from generated kernels beyond the activations: logarithms for cross-entropy, square roots for
/// normalization, and the multiply-add of the convolutions and the recurrent layers' fused products (an intrinsic: one
/// instruction on OpenCL). Scalar in, scalar out, so they inline on every backend, PoCL included.
/// </summary>
public static class KernelMath
{
    /// <summary>
    /// a · b + c, one FMA instruction on OpenCL devices (<see cref="FusedMultiplyAdd"/>: PoCL otherwise never fuses
    /// them); a multiply and an add elsewhere.
    /// </summary>
    [IntrinsicImplementation]
    public static float MultiplyAdd(float a, float b, float c) => FusedMultiplyAdd.MultiplyThenAdd(a, b, c);

    /// <summary>Natural logarithm.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Log(float x) => MathF.Log(x);

    /// <summary>1 / √x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float InverseSqrt(float x) => 1f / MathF.Sqrt(x);

    /// <summary>
    /// 2^−100: gradients carried backward through time below this are flushed to zero by <see cref="FlushTiny"/>. Far
    /// below anything that can move a float32 weight, and far enough above float's smallest normal (2^−126) that a
    /// kept gradient times a factor down to 2^−26 (a saturated gate's derivative) is still a normal float.
    /// </summary>
    public const float TinyGradient = 1f / 1267650600228229401496703205376f; // 1 / 2^100, exact in float

    /// <summary>
    /// x, or 0 when |x| &lt; <see cref="TinyGradient"/> (NaN stays NaN). Backpropagation through time multiplies the
    /// carried gradient by a factor below 1 at every step; over long sequences it sinks into float's subnormal range,
    /// where it can stay for the rest of the sequence (a subnormal with few significant bits times 0.99 rounds back
    /// to itself), and every multiply with a subnormal operand takes a microcode assist on x86: measured 37× slower
    /// per multiply here, which made a 256-step GRU(128)'s backward kernels 20–40× slower and its training step 6×
    /// slower on PoCL. GPUs compute with subnormals at full speed, and CPU libraries that set the flush-to-zero mode
    /// (TensorFlow does) avoid them; the kernels cannot set a CPU's MXCSR (PoCL resets it per kernel, .NET has no API),
    /// so they flush the carried gradients themselves, the same way on every backend, so all backends still compute
    /// the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float FlushTiny(float x) => x < TinyGradient && x > -TinyGradient ? 0f : x;

    /// <summary>log(1 + e^−|x|): the stable tail of binary cross-entropy from logits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LogOnePlusExpNegAbs(float x) => MathF.Log(1f + MathF.Exp(x < 0f ? x : -x));
}
