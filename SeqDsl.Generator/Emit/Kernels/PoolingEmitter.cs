using System.Collections.Generic;
using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// MaxPooling1D and AveragePooling1D: a window of <c>KernelSize</c> steps per feature, no weights. Padded steps
/// are skipped, as Keras does (an average divides by the steps inside the input; a max ignores the padding).
/// Forward: one thread per output step of a sample. Backward: one thread per input step, gathering the windows that
/// contain it (the max goes to the window's first largest step), so no scatter and no atomics.
/// </summary>
internal sealed class PoolingEmitter : WindowEmitter
{
    private readonly bool max;

    public PoolingEmitter(LayerPlan plan, LayerIo io)
        : base(plan, io)
    {
        max = plan.Spec.Kind == LayerKind.MaxPooling1D;
    }

    public override IEnumerable<WorkspaceBuffer> Workspace
    {
        get { yield break; }
    }

    public override IEnumerable<KernelField> Kernels
    {
        get
        {
            yield return new KernelField(FieldPrefix + "Forward", "ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int", Prefix + "Forward");
            if (!Io.IsFirst)
            {
                yield return new KernelField(FieldPrefix + "Backward", "ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int", Prefix + "Backward");
            }
        }
    }

    public override void EmitForward(CodeWriter w)
    {
        w.Line("// " + Describe());
        w.Line(FieldPrefix + "Forward(device.GridFor(n * " + OutSteps + "), " + Io.Input + ", batch.Rows, " + Io.Output + ", n, steps, " + OutSteps + ");");
    }

    public override void EmitBackward(CodeWriter w)
    {
        w.Line("// " + Describe());
        if (Io.IsFirst)
        {
            w.Line("// (first layer: no input gradient to pass on, no weights)");
            return;
        }

        w.Line(FieldPrefix + "Backward(device.GridFor(n * steps), " + Io.Input + ", " + Io.OutputGradient + ", " + Io.InputGradient + ", n, steps, " + OutSteps + ");");
    }

    public override void EmitKernels(CodeWriter w)
    {
        w.Summary(Describe() + ": forward, one thread per output step of a sample, every feature.");
        using (w.Block("public static void " + Prefix + "Forward(ArrayView<float> input, ArrayView<int> rows, ArrayView<float> output, int batch, int steps, int outSteps)"))
        {
            Const(w, "Features", Plan.Input.Features, "features per step, pooled independently");
            EmitGeometry(w);
            using (GridStride(w, "r", "batch * outSteps"))
            {
                w.Line("int b = r / outSteps;");
                w.Line("int o = r - b * outSteps;");
                w.Line("long x = " + InputSample("b") + ";");
                w.Line("int start = o * Strides - padLeft;");
                w.Line("int from = start > 0 ? start : 0;");
                w.Line("int to = start + KernelSize < steps ? start + KernelSize : steps; // window ∩ input, never empty");
                using (w.Block("for (int c = 0; c < Features; c++)"))
                {
                    if (max)
                    {
                        w.Line("float best = input[(x + from) * Features + c];");
                        w.Line("for (int t = from + 1; t < to; t++) best = input[(x + t) * Features + c] > best ? input[(x + t) * Features + c] : best;");
                        w.Line("output[(long)r * Features + c] = best;");
                    }
                    else
                    {
                        w.Line("float sum = 0f;");
                        w.Line("for (int t = from; t < to; t++) sum += input[(x + t) * Features + c];");
                        w.Line("output[(long)r * Features + c] = sum / (to - from);");
                    }
                }
            }
        }

        if (Io.IsFirst)
        {
            return;
        }

        w.Line();
        w.Summary(Describe() + ": input gradient, one thread per input step of a sample, gathering every window that contains it.");
        using (w.Block("public static void " + Prefix + "Backward(ArrayView<float> input, ArrayView<float> outputGradient, ArrayView<float> inputGradient, int batch, int steps, int outSteps)"))
        {
            Const(w, "Features", Plan.Input.Features, "features per step, pooled independently");
            EmitGeometry(w);
            using (GridStride(w, "r", "batch * steps"))
            {
                w.Line("int b = r / steps;");
                w.Line("int t = r - b * steps;");
                w.Line("long x = (long)b * steps;");
                w.Line("// windows o with o · Strides − padLeft ≤ t < o · Strides − padLeft + KernelSize");
                w.Line("int last = (t + padLeft) / Strides;");
                w.Line("int lowest = t + padLeft - KernelSize + 1;");
                w.Line("int first = lowest > 0 ? (lowest + Strides - 1) / Strides : 0;");
                w.Line("if (last >= outSteps) last = outSteps - 1;");
                using (w.Block("for (int c = 0; c < Features; c++)"))
                {
                    w.Line("float sum = 0f;");
                    using (w.Block("for (int o = first; o <= last; o++)"))
                    {
                        w.Line("int start = o * Strides - padLeft;");
                        w.Line("int from = start > 0 ? start : 0;");
                        w.Line("int to = start + KernelSize < steps ? start + KernelSize : steps;");
                        w.Line("float dy = outputGradient[((long)b * outSteps + o) * Features + c];");
                        if (max)
                        {
                            w.Line("int best = from;");
                            w.Line("for (int s = from + 1; s < to; s++) best = input[(x + s) * Features + c] > input[(x + best) * Features + c] ? s : best;");
                            w.Line("if (best == t) sum += dy;");
                        }
                        else
                        {
                            w.Line("sum += dy / (to - from);");
                        }
                    }

                    w.Line("inputGradient[(long)r * Features + c] = sum;");
                }
            }
        }
    }
}
