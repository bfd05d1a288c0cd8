using System.Collections.Generic;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// RepeatVector(n): [batch, features] → [batch, n, features], the same vector at every step (an encoder's summary fed to
/// a decoder). Forward: one thread per sample copies the vector n times. Backward: one thread per sample sums the n
/// steps' gradients in step order. No parameters.
/// </summary>
internal sealed class RepeatVectorEmitter : LayerEmitter
{
    public RepeatVectorEmitter(LayerPlan plan, LayerIo io)
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
        void Layout()
        {
            Const(w, "Features", Plan.Input.Features, "features of the repeated vector");
            Const(w, "Repeats", Plan.Spec.Units, "output steps");
        }

        w.Summary(Describe() + ": forward, one thread per sample: the vector at every step.");
        using (w.Block("public static void " + Prefix + "Forward(ArrayView<float> input, ArrayView<int> rows, ArrayView<float> output, int batch)"))
        {
            Layout();
            using (GridStride(w, "b", "batch"))
            {
                w.Line("long x = (long)" + (Io.IsFirst ? "rows[b]" : "b") + " * Features;");
                w.Line("long y = (long)b * Repeats * Features;");
                w.Line("for (int s = 0; s < Repeats; s++) for (int f = 0; f < Features; f++) output[y + s * Features + f] = input[x + f];");
            }
        }

        if (Io.IsFirst)
        {
            return;
        }

        w.Line();
        w.Summary(Describe() + ": backward, one thread per sample: the sum over steps of the output gradient.");
        using (w.Block("public static void " + Prefix + "Backward(ArrayView<float> outputGradient, ArrayView<float> inputGradient, int batch)"))
        {
            Layout();
            using (GridStride(w, "b", "batch"))
            {
                w.Line("long y = (long)b * Repeats * Features;");
                using (w.Block("for (int f = 0; f < Features; f++)"))
                {
                    w.Line("float sum = 0f;");
                    w.Line("for (int s = 0; s < Repeats; s++) sum += outputGradient[y + s * Features + f];");
                    w.Line("inputGradient[(long)b * Features + f] = sum;");
                }
            }
        }
    }
}
