using System.Collections.Generic;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// Dropout (Keras semantics, inverted dropout): while training — or in MC Dropout — each element is kept with
/// probability 1 − rate and scaled by 1 / (1 − rate); otherwise the layer is the identity. The mask is drawn by
/// <c>SeqDsl.Kernels.KernelRandom</c> from (batch seed, sample, step, feature), so the backward pass redraws exactly the
/// forward's mask and stores nothing. One thread per row for both passes; no parameters.
/// </summary>
internal sealed class DropoutEmitter : RowLayerEmitter
{
    private const string Random = "global::SeqDsl.Kernels.KernelRandom";

    /// <summary>1 when the mask applies: training, or MC Dropout at inference.</summary>
    private const string Active = "batch.Training || batch.DropoutAtInference ? 1 : 0";

    public DropoutEmitter(LayerPlan plan, LayerIo io)
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
            yield return new KernelField(FieldPrefix + "Forward", "ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int, int", Prefix + "Forward");
            if (!Io.IsFirst)
            {
                yield return new KernelField(FieldPrefix + "Backward", "ArrayView<float>, ArrayView<float>, int, int, int, int", Prefix + "Backward");
            }
        }
    }

    public override void EmitForward(CodeWriter w)
    {
        w.Line("// " + Describe());
        w.Line(FieldPrefix + "Forward(device.GridFor(n * " + RowsPerSample + "), " + Io.Input + ", batch.Rows, " + Io.Output + ", n, " + RowsPerSample + ", batch.Seed, " + Active + ");");
    }

    public override void EmitBackward(CodeWriter w)
    {
        w.Line("// " + Describe());
        if (Io.IsFirst)
        {
            w.Line("// (first layer: no input gradient to pass on)");
            return;
        }

        w.Line(FieldPrefix + "Backward(device.GridFor(n * " + RowsPerSample + "), " + Io.OutputGradient + ", " + Io.InputGradient + ", n, " + RowsPerSample + ", batch.Seed, " + Active + ");");
    }

    public override void EmitKernels(CodeWriter w)
    {
        void Layout()
        {
            Const(w, "Features", Features, "features per row");
            w.Line("const float Rate = " + Float(Plan.Spec.Dropout) + "; // fraction dropped");
        }

        w.Summary(Describe() + ": forward, one thread per row; the mask applies only when active (training or MC Dropout).");
        using (w.Block("public static void " + Prefix + "Forward(ArrayView<float> input, ArrayView<int> rows, ArrayView<float> output, int batch, int rowsPerSample, int seed, int active)"))
        {
            Layout();
            using (GridStride(w, "r", "batch * rowsPerSample"))
            {
                w.Line("long x = " + InputRow("r") + ";");
                w.Line("long y = (long)r * Features;");
                w.Line("int sample = r / rowsPerSample;");
                w.Line("int step = r - sample * rowsPerSample;");
                w.Line("for (int f = 0; f < Features; f++) output[y + f] = active != 0 ? input[x + f] * " + Random + ".DropoutScale(Rate, seed, sample, step, f) : input[x + f];");
            }
        }

        if (Io.IsFirst)
        {
            return;
        }

        w.Line();
        w.Summary(Describe() + ": backward, one thread per row: the forward's mask (redrawn from the same seed) times the output gradient.");
        using (w.Block("public static void " + Prefix + "Backward(ArrayView<float> outputGradient, ArrayView<float> inputGradient, int batch, int rowsPerSample, int seed, int active)"))
        {
            Layout();
            using (GridStride(w, "r", "batch * rowsPerSample"))
            {
                w.Line("long y = (long)r * Features;");
                w.Line("int sample = r / rowsPerSample;");
                w.Line("int step = r - sample * rowsPerSample;");
                w.Line("for (int f = 0; f < Features; f++) inputGradient[y + f] = active != 0 ? outputGradient[y + f] * " + Random + ".DropoutScale(Rate, seed, sample, step, f) : outputGradient[y + f];");
            }
        }
    }
}
