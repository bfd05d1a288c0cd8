using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SeqDsl.Benchmarks;

/// <summary>
/// The machine's FP32 peak as an FMA loop measures it: twelve independent accumulator chains (enough to cover the
/// FMA latency on two ports), AVX-512 when the CPU has it, else AVX2+FMA, else <see cref="System.Numerics.Vector{T}"/>.
/// One thread, and one thread per logical core; the best of a few runs.
/// </summary>
internal static class PeakFlops
{
    private const int Chains = 12;

    public static string Instructions => Avx512F.IsSupported ? "AVX-512 FMA" : Fma.IsSupported ? "AVX2 FMA" : "Vector<float> multiply-add";

    /// <summary>GFLOP/s on <paramref name="threads"/> threads, each running for about <paramref name="seconds"/>.</summary>
    public static double Measure(int threads, double seconds, int repetitions)
    {
        long iterations = 1_000_000;
        // Calibrate on one thread so each measured run lasts about the requested time.
        var watch = Stopwatch.StartNew();
        Run(iterations);
        double perIteration = watch.Elapsed.TotalSeconds / iterations;
        iterations = Math.Max(1_000_000, (long)(seconds / perIteration));
        double flopsPerThread = iterations * Chains * 2.0 * Lanes;

        double best = 0;
        for (int r = 0; r < repetitions; r++)
        {
            using var start = new Barrier(threads + 1);
            var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
            {
                start.SignalAndWait();
                Run(iterations);
            })).ToList();
            workers.ForEach(t => t.Start());
            start.SignalAndWait();
            watch.Restart();
            workers.ForEach(t => t.Join());
            best = Math.Max(best, threads * flopsPerThread / watch.Elapsed.TotalSeconds / 1e9);
        }

        return best;
    }

    private static int Lanes => Avx512F.IsSupported ? 16 : Fma.IsSupported ? 8 : System.Numerics.Vector<float>.Count;

    private static float Run(long iterations) =>
        Avx512F.IsSupported ? Run512(iterations) : Fma.IsSupported ? Run256(iterations) : RunVector(iterations);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Run512(long iterations)
    {
        var m = Vector512.Create(0.999999f);
        var c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, c);
            a1 = Avx512F.FusedMultiplyAdd(a1, m, c);
            a2 = Avx512F.FusedMultiplyAdd(a2, m, c);
            a3 = Avx512F.FusedMultiplyAdd(a3, m, c);
            a4 = Avx512F.FusedMultiplyAdd(a4, m, c);
            a5 = Avx512F.FusedMultiplyAdd(a5, m, c);
            a6 = Avx512F.FusedMultiplyAdd(a6, m, c);
            a7 = Avx512F.FusedMultiplyAdd(a7, m, c);
            a8 = Avx512F.FusedMultiplyAdd(a8, m, c);
            a9 = Avx512F.FusedMultiplyAdd(a9, m, c);
            a10 = Avx512F.FusedMultiplyAdd(a10, m, c);
            a11 = Avx512F.FusedMultiplyAdd(a11, m, c);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Run256(long iterations)
    {
        var m = Vector256.Create(0.999999f);
        var c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, c);
            a1 = Fma.MultiplyAdd(a1, m, c);
            a2 = Fma.MultiplyAdd(a2, m, c);
            a3 = Fma.MultiplyAdd(a3, m, c);
            a4 = Fma.MultiplyAdd(a4, m, c);
            a5 = Fma.MultiplyAdd(a5, m, c);
            a6 = Fma.MultiplyAdd(a6, m, c);
            a7 = Fma.MultiplyAdd(a7, m, c);
            a8 = Fma.MultiplyAdd(a8, m, c);
            a9 = Fma.MultiplyAdd(a9, m, c);
            a10 = Fma.MultiplyAdd(a10, m, c);
            a11 = Fma.MultiplyAdd(a11, m, c);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float RunVector(long iterations)
    {
        var m = new System.Numerics.Vector<float>(0.999999f);
        var c = new System.Numerics.Vector<float>(1e-7f);
        System.Numerics.Vector<float> a0 = System.Numerics.Vector<float>.One, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = System.Numerics.Vector.FusedMultiplyAdd(a0, m, c);
            a1 = System.Numerics.Vector.FusedMultiplyAdd(a1, m, c);
            a2 = System.Numerics.Vector.FusedMultiplyAdd(a2, m, c);
            a3 = System.Numerics.Vector.FusedMultiplyAdd(a3, m, c);
            a4 = System.Numerics.Vector.FusedMultiplyAdd(a4, m, c);
            a5 = System.Numerics.Vector.FusedMultiplyAdd(a5, m, c);
            a6 = System.Numerics.Vector.FusedMultiplyAdd(a6, m, c);
            a7 = System.Numerics.Vector.FusedMultiplyAdd(a7, m, c);
            a8 = System.Numerics.Vector.FusedMultiplyAdd(a8, m, c);
            a9 = System.Numerics.Vector.FusedMultiplyAdd(a9, m, c);
            a10 = System.Numerics.Vector.FusedMultiplyAdd(a10, m, c);
            a11 = System.Numerics.Vector.FusedMultiplyAdd(a11, m, c);
        }

        return System.Numerics.Vector.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
