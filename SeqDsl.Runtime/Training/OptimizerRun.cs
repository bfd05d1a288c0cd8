using System;
using System.Collections.Generic;
using System.Linq;
using ILGPU;
using ILGPU.Runtime;
using SeqDsl.Engine;

namespace SeqDsl.Training;

/// <summary>
/// The optimizer state of one Fit on the device (Adam's moments or SGD's velocity, the trainable mask, the norm
/// buffers) and the launches of one update. The state starts at zero with every Fit call, unless Fit resumes from a
/// checkpoint, which restores it (<see cref="RestoreState"/>).
/// </summary>
internal sealed class OptimizerRun : IDisposable
{
    private readonly SeqDevice device;
    private readonly OptimizerKernels kernels;
    private readonly OptimizerSettings settings;
    private readonly int length;
    private readonly int chunks;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> mask;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> first;
    private readonly MemoryBuffer1D<float, Stride1D.Dense>? second;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> partials;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> norm;
    private long steps;

    public OptimizerRun(SeqDevice device, OptimizerSettings settings, IReadOnlyList<ParameterInfo> parameters, int length)
    {
        this.device = device;
        this.settings = settings;
        this.length = length;
        kernels = OptimizerKernels.For(device.Accelerator);
        var accelerator = device.Accelerator;
        int size = Math.Max(1, length);
        chunks = Math.Max(1, (length + OptimizerKernels.NormChunk - 1) / OptimizerKernels.NormChunk);

        try
        {
            mask = DeviceMemory.Upload<float>(accelerator, TrainableMask(parameters, size));
            first = DeviceMemory.Allocate<float>(accelerator, size);
            first.MemSetToZero();
            if (settings.Kind == Optimizer.Adam)
            {
                second = DeviceMemory.Allocate<float>(accelerator, size);
                second.MemSetToZero();
            }

            partials = DeviceMemory.Allocate<float>(accelerator, chunks);
            norm = DeviceMemory.Allocate<float>(accelerator, 1);
            norm.MemSetToZero();
        }
        catch
        {
            // Out of device memory: free the buffers allocated before the failure, which would otherwise stay
            // allocated until the accelerator is disposed (Dispose skips those not allocated yet).
            Dispose();
            throw;
        }
    }

    /// <summary>1 for every element of a trainable parameter, 0 elsewhere (non-trainable tensors and gaps).</summary>
    internal static float[] TrainableMask(IReadOnlyList<ParameterInfo> parameters, int length)
    {
        var result = new float[length];
        foreach (var parameter in parameters)
        {
            if (parameter.Trainable)
            {
                Array.Fill(result, 1f, parameter.Offset, parameter.Length);
            }
        }

        return result;
    }

    /// <summary>Queues one update of <paramref name="weights"/> from <paramref name="gradients"/>; nothing is read back.</summary>
    public void Step(ArrayView<float> weights, ArrayView<float> gradients)
    {
        if (length == 0)
        {
            return;
        }

        steps++;
        float clip = settings.ClipNorm > 0 ? (float)settings.ClipNorm : 0f;
        if (clip > 0f)
        {
            kernels.SumSquares(device.GridFor(chunks), gradients, mask.View, partials.View, length, chunks);
            kernels.FinishNorm(device.GridFor(1), partials.View, norm.View, chunks);
        }

        var (grid, run) = device.RunsFor(length);
        if (settings.Kind == Optimizer.Adam)
        {
            // Bias corrections are folded into the step size on the host, in double, per step (as Keras does).
            double correction = Math.Sqrt(1 - Math.Pow(settings.Beta2, steps)) / (1 - Math.Pow(settings.Beta1, steps));
            var step = new AdamStep
            {
                Beta1 = (float)settings.Beta1,
                Beta2 = (float)settings.Beta2,
                StepSize = (float)(settings.LearningRate * correction),
                Epsilon = (float)settings.Epsilon,
                ClipNorm = clip,
                Length = length,
                Run = run,
            };
            kernels.Adam(grid, weights, gradients, first.View, second!.View, mask.View, norm.View, step);
        }
        else
        {
            var step = new SgdStep
            {
                LearningRate = (float)settings.LearningRate,
                Momentum = (float)settings.Momentum,
                Nesterov = settings.Nesterov ? 1 : 0,
                ClipNorm = clip,
                Length = length,
                Run = run,
            };
            kernels.Sgd(grid, weights, gradients, first.View, mask.View, norm.View, step);
        }
    }

    /// <summary>The optimizer's kind, for checkpoints.</summary>
    public Optimizer Kind => settings.Kind;

    /// <summary>Updates applied so far (Adam's bias correction depends on it).</summary>
    public long Steps => steps;

    /// <summary>
    /// Copies the optimizer's state to the host for a checkpoint: Adam's first and second moments, or SGD's velocity,
    /// each <see cref="length"/> long, and the step count.
    /// </summary>
    public (float[][] Moments, long Steps) ReadState()
    {
        var moments = new float[second is null ? 1 : 2][];
        moments[0] = new float[length];
        if (length > 0)
        {
            first.View.SubView(0, length).CopyToCPU(moments[0]);
        }

        if (second is not null)
        {
            moments[1] = new float[length];
            if (length > 0)
            {
                second.View.SubView(0, length).CopyToCPU(moments[1]);
            }
        }

        return (moments, steps);
    }

    /// <summary>Puts back a state read by <see cref="ReadState"/>; the caller has checked the kind and the lengths.</summary>
    public void RestoreState(float[][] moments, long restoredSteps)
    {
        if (moments.Length != (second is null ? 1 : 2) || moments.Any(m => m.Length != length) || restoredSteps < 0)
        {
            throw new ArgumentException($"The optimizer state does not fit this {settings.Kind} run of {length} parameters.", nameof(moments));
        }

        if (length > 0)
        {
            first.View.SubView(0, length).CopyFromCPU(moments[0]);
            second?.View.SubView(0, length).CopyFromCPU(moments[1]);
        }

        steps = restoredSteps;
    }

    /// <summary>Frees the buffers; also called by the constructor when an allocation fails, so any may still be null.</summary>
    public void Dispose()
    {
        mask?.Dispose();
        first?.Dispose();
        second?.Dispose();
        partials?.Dispose();
        norm?.Dispose();
    }
}
