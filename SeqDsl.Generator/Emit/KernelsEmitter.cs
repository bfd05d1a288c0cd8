using System.Collections.Generic;
using SeqDsl.Generator.Emit.Kernels;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit;

/// <summary>Writes <c>Model.Kernels.g.cs</c>: every kernel of the model, as plain static C# that ILGPU compiles for any backend.</summary>
internal static class KernelsEmitter
{
    public static GeneratedFile Emit(ModelPlan plan, IReadOnlyList<LayerEmitter> layers)
    {
        var spec = plan.Spec;
        var w = new CodeWriter();
        FileHeader.Open(w, spec, "ILGPU", "ILGPU.Runtime");
        using (FileHeader.OpenContainingTypes(w, spec))
        {
            using (w.Block("partial class " + spec.ClassName))
            {
                w.Summary("The kernels of " + spec.ClassName + ". Every size is a constant; each kernel is explicitly grouped and walks its\nwork with a grid-stride loop, and uses no atomics, shared-memory reductions or view-taking helpers, so the same\ncode builds for CUDA, OpenCL (PoCL included) and ILGPU's CPU accelerator.");
                using (w.Block("private static class Kernels"))
                {
                    foreach (var layer in layers)
                    {
                        layer.EmitKernels(w);
                        w.Line();
                    }

                    ConvStacks.EmitKernels(w, plan, layers);
                    ModelWideKernels.EmitKernels(w, layers);
                    LossEmitter.EmitKernel(w, plan, layers);
                }
            }
        }

        return new GeneratedFile(spec.FullName.Replace('.', '_') + ".Kernels.g.cs", w.ToString());
    }
}
