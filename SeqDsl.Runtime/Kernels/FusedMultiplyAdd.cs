using System.Reflection;
using ILGPU;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.IR;
using ILGPU.IR.Intrinsics;
using ILGPU.IR.Values;

namespace SeqDsl.Kernels;

/// <summary>
/// Registers <see cref="KernelMath.MultiplyAdd"/> with ILGPU's OpenCL backend as OpenCL C's <c>fma</c>. ILGPU writes
/// OpenCL C one operation per statement, so PoCL's compiler never contracts a multiply and an add into one FMA
/// instruction (contraction works within one expression only); the convolution loops call
/// <see cref="KernelMath.MultiplyAdd"/> to get it (the seed's WaveNet epoch 0.68 → 0.62 s on PoCL with it,
/// benchmarks/results/2026-11-26-w4-padded-filters-fma.txt), and so do the recurrent layers' backward products and the
/// forward products of those wider than 128 gate columns (the generator's <c>RecurrentEmitter.FusesProductsFor</c>; W3's
/// training step about 20% faster, benchmarks/results/2026-11-27-fused-wide-recurrent-products.txt; W1's epoch about 10%,
/// benchmarks/results/2026-11-27-xeon-backward-fma.txt). CUDA keeps
/// the multiply and add it compiled before (not measured with <c>fma.rn</c>); ILGPU's CPU accelerator and host code
/// run the method's body, .NET's separately rounded multiply and add.
/// </summary>
internal static class FusedMultiplyAdd
{
    /// <summary>
    /// Makes contexts built by <paramref name="builder"/> compile <see cref="KernelMath.MultiplyAdd"/>: to <c>fma</c> on
    /// OpenCL when <paramref name="fastFma"/> (the device has FMA instructions; without them OpenCL's exactly rounded
    /// <c>fma</c> is a slow routine, and <c>mad</c> is no help: PoCL computes it as a multiply and an add), else to
    /// <see cref="MultiplyThenAdd"/>, as on CUDA.
    /// </summary>
    public static Context.Builder EnableFusedMultiplyAdd(this Context.Builder builder, bool fastFma)
    {
        var method = typeof(KernelMath).GetMethod(nameof(KernelMath.MultiplyAdd), BindingFlags.Public | BindingFlags.Static)!;
        var manager = builder.GetIntrinsicManager();
        manager.RegisterMethod(method, fastFma
            ? new CLIntrinsic(typeof(FusedMultiplyAdd), nameof(GenerateOpenCL), IntrinsicImplementationMode.GenerateCode)
            : new CLIntrinsic(typeof(FusedMultiplyAdd), nameof(MultiplyThenAdd), IntrinsicImplementationMode.Redirect));
        manager.RegisterMethod(method, new PTXIntrinsic(typeof(FusedMultiplyAdd), nameof(MultiplyThenAdd), IntrinsicImplementationMode.Redirect));
        return builder;
    }

    /// <summary>
    /// The multiply and add that <see cref="KernelMath.MultiplyAdd"/>'s body, ILGPU's CPU accelerator and CUDA run (an
    /// intrinsic needs an implementation for every backend that compiles it).
    /// </summary>
    internal static float MultiplyThenAdd(float a, float b, float c) => a * b + c;

    /// <summary>Writes <c>target = fma(a, b, c);</c> for a call <c>MultiplyAdd(a, b, c)</c>.</summary>
    private static void GenerateOpenCL(CLBackend backend, CLCodeGenerator codeGenerator, Value value)
    {
        var a = codeGenerator.Load(value[0]);
        var b = codeGenerator.Load(value[1]);
        var c = codeGenerator.Load(value[2]);
        var target = codeGenerator.Allocate(value);
        using var statement = codeGenerator.BeginStatement(target);
        statement.AppendCommand("fma");
        statement.BeginArguments();
        statement.AppendArgument(a);
        statement.AppendArgument(b);
        statement.AppendArgument(c);
        statement.EndArguments();
    }
}
