using System;
using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;
using SeqDsl.Engine;
using SeqDsl.Kernels;

namespace SeqDsl.Training;

/// <summary>Scalars of one Adam step; the host folds the bias corrections into <see cref="StepSize"/>.</summary>
internal struct AdamStep
{
    public float Beta1;
    public float Beta2;
    /// <summary>lr · sqrt(1 − β2^t) / (1 − β1^t), as Keras computes it.</summary>
    public float StepSize;
    public float Epsilon;
    /// <summary>Global-norm clip threshold; ≤ 0 means no clipping and the norm buffer is not read.</summary>
    public float ClipNorm;
    public int Length;
    /// <summary>Consecutive elements a thread updates per pass (<see cref="SeqDevice.RunsFor"/>); 0 reads as 1.</summary>
    public int Run;
}

/// <summary>Scalars of one SGD step.</summary>
internal struct SgdStep
{
    public float LearningRate;
    public float Momentum;
    /// <summary>1 for Nesterov momentum, 0 otherwise.</summary>
    public int Nesterov;
    public float ClipNorm;
    public int Length;
    /// <summary>Consecutive elements a thread updates per pass (<see cref="SeqDevice.RunsFor"/>); 0 reads as 1.</summary>
    public int Run;
}

/// <summary>
/// The optimizer's kernels over the flat parameter buffer. Plain static C# so they build on CUDA, OpenCL (PoCL) and
/// the CPU accelerator: explicitly grouped loops, no atomics, no group reductions (PoCL cannot build them), which is
/// why the global norm is two passes (per-chunk partial sums, then one thread). The updates walk runs of consecutive
/// elements (<see cref="SeqDevice.RunsFor"/>): long on CPU devices, 1 (a grid-stride loop) on GPUs.
/// Elements whose mask is 0 (non-trainable parameters) are never read or written: their gradients may hold anything.
/// </summary>
internal sealed class OptimizerKernels
{
    /// <summary>Elements each thread of the first norm pass sums.</summary>
    public const int NormChunk = 1024;

    private static readonly ConditionalWeakTable<Accelerator, OptimizerKernels> Loaded = new();
    private static readonly object LoadGate = new();

    private OptimizerKernels(Accelerator accelerator)
    {
        // Each load through CompileGarbage.After, as the model's own kernels (NetworkProgram.Compiled).
        Adam = CompileGarbage.After(accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamStep>(AdamKernel));
        Sgd = CompileGarbage.After(accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdStep>(SgdKernel));
        SumSquares = CompileGarbage.After(accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(SumSquaresKernel));
        FinishNorm = CompileGarbage.After(accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int>(FinishNormKernel));
    }

    /// <summary>(weights, gradients, m, v, mask, norm, step).</summary>
    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamStep> Adam { get; }

    /// <summary>(weights, gradients, velocity, mask, norm, step).</summary>
    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, SgdStep> Sgd { get; }

    /// <summary>(gradients, mask, partials, length, chunks).</summary>
    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> SumSquares { get; }

    /// <summary>(partials, norm, chunks).</summary>
    public Action<KernelConfig, ArrayView<float>, ArrayView<float>, int> FinishNorm { get; }

    /// <summary>The kernels on <paramref name="accelerator"/>, compiled on first use and then shared.</summary>
    public static OptimizerKernels For(Accelerator accelerator)
    {
        lock (LoadGate)
        {
            if (!Loaded.TryGetValue(accelerator, out var kernels))
            {
                kernels = new OptimizerKernels(accelerator);
                Loaded.Add(accelerator, kernels);
            }

            return kernels;
        }
    }

    internal static void AdamKernel(ArrayView<float> weights, ArrayView<float> gradients, ArrayView<float> m, ArrayView<float> v, ArrayView<float> mask, ArrayView<float> norm, AdamStep step)
    {
        float scale = ClipScale(norm, step.ClipNorm);
        int run = step.Run > 0 ? step.Run : 1;
        long pass = (long)Grid.DimX * Group.DimX * run; // elements every thread's run covers together
        for (long start = (long)Grid.GlobalIndex.X * run; start < step.Length; start += pass)
        {
            int end = step.Length - start < run ? step.Length : (int)start + run;
            for (int i = (int)start; i < end; i++) // consecutive elements: on PoCL this loop vectorizes
            {
                if (mask[i] != 0f)
                {
                    float g = gradients[i] * scale;
                    // The moments decay geometrically while a weight's gradient is 0 (an embedding row no batch uses, a dead
                    // unit) and would settle in float's subnormal range, where every later step multiplies subnormals (a
                    // microcode assist per multiply on x86). m is flushed below 2^-100, where it moves no weight; v only
                    // once m is 0 (the step is 0 then): a tiny v next to a live m still matters when ε is tiny too.
                    float mi = KernelMath.FlushTiny(step.Beta1 * m[i] + (1f - step.Beta1) * g);
                    float vi = step.Beta2 * v[i] + (1f - step.Beta2) * g * g;
                    if (mi == 0f)
                    {
                        vi = KernelMath.FlushTiny(vi);
                    }
                    m[i] = mi;
                    v[i] = vi;
                    weights[i] = weights[i] - step.StepSize * mi / (MathF.Sqrt(vi) + step.Epsilon);
                }
            }
        }
    }

    internal static void SgdKernel(ArrayView<float> weights, ArrayView<float> gradients, ArrayView<float> velocity, ArrayView<float> mask, ArrayView<float> norm, SgdStep step)
    {
        float scale = ClipScale(norm, step.ClipNorm);
        int run = step.Run > 0 ? step.Run : 1;
        long pass = (long)Grid.DimX * Group.DimX * run; // elements every thread's run covers together
        for (long start = (long)Grid.GlobalIndex.X * run; start < step.Length; start += pass)
        {
            int end = step.Length - start < run ? step.Length : (int)start + run;
            for (int i = (int)start; i < end; i++) // consecutive elements: on PoCL this loop vectorizes
            {
                if (mask[i] != 0f)
                {
                    float g = gradients[i] * scale;
                    // Keras: velocity = momentum·velocity − lr·g; w += velocity (Nesterov: w += momentum·velocity − lr·g).
                    // Flushed below 2^-100 like Adam's moments: a velocity decaying with no gradient would settle in subnormals.
                    float vel = KernelMath.FlushTiny(step.Momentum * velocity[i] - step.LearningRate * g);
                    velocity[i] = vel;
                    float delta = step.Nesterov != 0 ? step.Momentum * vel - step.LearningRate * g : vel;
                    weights[i] = weights[i] + delta;
                }
            }
        }
    }

    /// <summary>
    /// The factor every gradient is scaled by: clipNorm / ‖g‖ where a clip threshold is set (above 0) and the global
    /// norm (from <see cref="FinishNormKernel"/>) exceeds it, else 1.
    /// </summary>
    private static float ClipScale(ArrayView<float> norm, float clipNorm)
    {
        if (clipNorm > 0f)
        {
            float total = norm[0];
            if (total > clipNorm)
            {
                return clipNorm / total;
            }
        }

        return 1f;
    }

    internal static void SumSquaresKernel(ArrayView<float> gradients, ArrayView<float> mask, ArrayView<float> partials, int length, int chunks)
    {
        int stride = Grid.DimX * Group.DimX;
        for (int c = Grid.GlobalIndex.X; c < chunks; c += stride)
        {
            int start = c * NormChunk;
            int end = Math.Min(start + NormChunk, length);
            float sum = 0f;
            for (int i = start; i < end; i++)
            {
                if (mask[i] != 0f)
                {
                    float g = gradients[i];
                    sum += g * g;
                }
            }

            partials[c] = sum;
        }
    }

    internal static void FinishNormKernel(ArrayView<float> partials, ArrayView<float> norm, int chunks)
    {
        // One thread, in a fixed order: deterministic, and no group reduction (unavailable on PoCL).
        if (Grid.GlobalIndex.X == 0)
        {
            float sum = 0f;
            for (int c = 0; c < chunks; c++)
            {
                sum += partials[c];
            }

            norm[0] = MathF.Sqrt(sum);
        }
    }
}
