using System.Collections.Generic;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// Flatten: [batch, steps, features] → [batch, steps·features]. Row-major data is already flat, so the kernel
/// only gathers the batch's rows into a contiguous buffer (and scatters the gradient back).
/// </summary>
internal sealed class FlattenEmitter : LayerEmitter
{
    public FlattenEmitter(LayerPlan plan, LayerIo io)
        : base(plan, io)
    {
    }

    public override IEnumerable<WorkspaceBuffer> Workspace
    {
        get { yield break; }
    }

    public override IEnumerable<KernelField> Kernels
    {
        get
        {
            yield return new KernelField(FieldPrefix + "Forward", "ArrayView<float>, ArrayView<int>, ArrayView<float>, int", Prefix + "Forward");
            if (!Io.IsFirst)
            {
                yield return new KernelField(FieldPrefix + "Backward", "ArrayView<float>, ArrayView<float>, int", Prefix + "Backward");
            }
        }
    }

    public override void EmitForward(CodeWriter w)
    {
        w.Line("// " + Describe());
        w.Line(FieldPrefix + "Forward(device.GridFor(n), " + Io.Input + ", batch.Rows, " + Io.Output + ", n);");
    }

    public override void EmitBackward(CodeWriter w)
    {
        w.Line("// " + Describe());
        if (Io.IsFirst)
        {
            w.Line("// (first layer: no input gradient to pass on)");
            return;
        }

        w.Line(FieldPrefix + "Backward(device.GridFor(n), " + Io.OutputGradient + ", " + Io.InputGradient + ", n);");
    }

    public override void EmitKernels(CodeWriter w)
    {
        w.Summary(Describe() + ": copies each sample's values into one row, one thread per sample.");
        using (w.Block("public static void " + Prefix + "Forward(ArrayView<float> input, ArrayView<int> rows, ArrayView<float> output, int batch)"))
        {
            Const(w, "Width", Plan.Output.Features, "steps × features of one sample");
            using (GridStride(w, "b", "batch"))
            {
                w.Line("long from = (long)" + (Io.IsFirst ? "rows[b]" : "b") + " * Width;");
                w.Line("for (int e = 0; e < Width; e++) output[(long)b * Width + e] = input[from + e];");
            }
        }

        if (!Io.IsFirst)
        {
            w.Line();
            w.Summary(Describe() + ": passes the gradient through unchanged, one thread per sample.");
            using (w.Block("public static void " + Prefix + "Backward(ArrayView<float> outputGradient, ArrayView<float> inputGradient, int batch)"))
            {
                Const(w, "Width", Plan.Output.Features, "steps × features of one sample");
                using (GridStride(w, "b", "batch"))
                {
                    w.Line("for (int e = 0; e < Width; e++) inputGradient[(long)b * Width + e] = outputGradient[(long)b * Width + e];");
                }
            }
        }
    }
}
