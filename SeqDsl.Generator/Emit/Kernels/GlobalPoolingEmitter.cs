using System.Collections.Generic;
using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// GlobalAveragePooling1D and GlobalMaxPooling1D: [batch, steps, features] → [batch, features], no weights.
/// Forward and backward: one thread per (sample, feature), walking the steps in order (the max's gradient goes to
/// the first largest step, the one the forward pass picked).
/// </summary>
internal sealed class GlobalPoolingEmitter : LayerEmitter
{
    private readonly bool max;

    public GlobalPoolingEmitter(LayerPlan plan, LayerIo io)
        : base(plan, io)
    {
        max = plan.Spec.Kind == LayerKind.GlobalMaxPooling1D;
    }

    public override IEnumerable<WorkspaceBuffer> Workspace
    {
        get { yield break; }
    }

    public override IEnumerable<KernelField> Kernels
    {
        get
        {
            yield return new KernelField(FieldPrefix + "Forward", "ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int", Prefix + "Forward");
            if (!Io.IsFirst)
            {
                yield return new KernelField(FieldPrefix + "Backward", "ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int", Prefix + "Backward");
            }
        }
    }

    public override void EmitForward(CodeWriter w)
    {
        w.Line("// " + Describe());
        w.Line(FieldPrefix + "Forward(device.GridFor(n * " + I(Plan.Input.Features) + "), " + Io.Input + ", batch.Rows, " + Io.Output + ", n, steps);");
    }

    public override void EmitBackward(CodeWriter w)
    {
        w.Line("// " + Describe());
        if (Io.IsFirst)
        {
            w.Line("// (first layer: no input gradient to pass on, no weights)");
            return;
        }

        w.Line(FieldPrefix + "Backward(device.GridFor(n * " + I(Plan.Input.Features) + "), " + Io.Input + ", " + Io.OutputGradient + ", " + Io.InputGradient + ", n, steps);");
    }

    public override void EmitKernels(CodeWriter w)
    {
        string sample = Io.IsFirst ? "(long)rows[b] * steps" : "(long)b * steps";
        w.Summary(Describe() + ": forward, one thread per (sample, feature), " + (max ? "the largest value over the steps." : "the mean over the steps."));
        using (w.Block("public static void " + Prefix + "Forward(ArrayView<float> input, ArrayView<int> rows, ArrayView<float> output, int batch, int steps)"))
        {
            Const(w, "Features", Plan.Input.Features, "features per step, pooled independently");
            using (GridStride(w, "i", "batch * Features"))
            {
                w.Line("int b = i / Features;");
                w.Line("int c = i - b * Features;");
                w.Line("long x = " + sample + ";");
                if (max)
                {
                    w.Line("float best = input[x * Features + c];");
                    w.Line("for (int t = 1; t < steps; t++) best = input[(x + t) * Features + c] > best ? input[(x + t) * Features + c] : best;");
                    w.Line("output[i] = best;");
                }
                else
                {
                    w.Line("float sum = 0f;");
                    w.Line("for (int t = 0; t < steps; t++) sum += input[(x + t) * Features + c];");
                    w.Line("output[i] = sum / steps;");
                }
            }
        }

        if (Io.IsFirst)
        {
            return;
        }

        w.Line();
        w.Summary(Describe() + ": input gradient, one thread per (sample, feature), written for every step.");
        using (w.Block("public static void " + Prefix + "Backward(ArrayView<float> input, ArrayView<float> outputGradient, ArrayView<float> inputGradient, int batch, int steps)"))
        {
            Const(w, "Features", Plan.Input.Features, "features per step, pooled independently");
            using (GridStride(w, "i", "batch * Features"))
            {
                w.Line("int b = i / Features;");
                w.Line("int c = i - b * Features;");
                w.Line("long x = (long)b * steps;");
                w.Line("float dy = outputGradient[i];");
                if (max)
                {
                    w.Line("int best = 0;");
                    w.Line("for (int t = 1; t < steps; t++) best = input[(x + t) * Features + c] > input[(x + best) * Features + c] ? t : best;");
                    w.Line("for (int t = 0; t < steps; t++) inputGradient[(x + t) * Features + c] = t == best ? dy : 0f;");
                }
                else
                {
                    w.Line("float share = dy / steps;");
                    w.Line("for (int t = 0; t < steps; t++) inputGradient[(x + t) * Features + c] = share;");
                }
            }
        }
    }
}
