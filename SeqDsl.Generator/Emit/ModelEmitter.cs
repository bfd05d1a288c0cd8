using System.Collections.Generic;
using System.Linq;
using SeqDsl.Generator.Emit.Host;
using SeqDsl.Generator.Emit.Kernels;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit;

/// <summary>All the files of one model: the class, its kernel report, its kernels (and its training-pass kernel), its program — or a stub when it has errors.</summary>
internal static class ModelEmitter
{
    public static IEnumerable<GeneratedFile> Emit(ModelPlan plan)
    {
        if (plan.HasErrors)
        {
            yield return StubEmitter.Emit(plan);
            yield break;
        }

        string? unsupported = LayerEmitterFactory.Unsupported(plan);
        var layers = unsupported is null ? LayerEmitterFactory.Create(plan) : null;
        yield return ModelClassEmitter.Emit(plan, unsupported);
        yield return KernelReportEmitter.Emit(plan, layers);
        if (layers is not null)
        {
            var kernels = KernelsEmitter.Emit(plan, layers);
            yield return kernels;
            yield return HostKernelsEmitter.Emit(plan.Spec, kernels, ThreadScheduleKernels(layers));
            if (TrainingPassKernel.AppliesTo(layers))
            {
                yield return TrainingPassEmitter.Emit(plan, layers, kernels);
            }

            yield return ProgramEmitter.Emit(plan, layers);
        }
    }

    /// <summary>The kernels host code translates: every layer's one-sequence thread-schedule variant (not the CPU's block kernels, nor the GPU-only ones), the model-wide ones and the loss kernel.</summary>
    private static IReadOnlyCollection<string> ThreadScheduleKernels(IReadOnlyList<LayerEmitter> layers) =>
        layers.SelectMany(l => l.Kernels).Where(k => !k.GroupOnly && !k.BlockOnly).Concat(ModelWideKernels.Fields(layers)).Select(k => k.Method).Append(LossEmitter.Method).Distinct().ToList();
}
