using System.Collections.Generic;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// BatchNormalization over the features axis (Keras semantics). Training: each feature is normalized with the mean and
/// biased variance of the batch (over every sample, and every step of a sequence), and the running statistics move
/// toward them: m ← momentum·m + (1 − momentum)·μ. Inference: the running statistics are used instead. γ and β are
/// trained; moving_mean and moving_variance are non-trainable parameters the optimizer never touches (it masks them).
/// One thread per feature for the forward and for the backward pass, which writes the input gradient and γ/β's
/// gradients together, summing over rows in a fixed order.
/// </summary>
internal sealed class BatchNormalizationEmitter : RowLayerEmitter
{
    private const string Math = "global::SeqDsl.Kernels.KernelMath";

    public BatchNormalizationEmitter(LayerPlan plan, LayerIo io)
        : base(plan, io)
    {
    }

    private string Stats => FieldPrefix + "Statistics!.View";

    public override IEnumerable<WorkspaceBuffer> Workspace
    {
        get
        {
            // Allocated per sample like every buffer; only the first 2·Features values are used.
            yield return new WorkspaceBuffer(FieldPrefix + "Statistics", I(2 * Features), "mean and 1/√(variance + ε) of every feature used by the last forward pass");
        }
    }

    public override IEnumerable<KernelField> Kernels
    {
        get
        {
            yield return new KernelField(FieldPrefix + "Forward", "ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int, int", Prefix + "Forward");
            yield return new KernelField(FieldPrefix + "Backward", "ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int", Prefix + "Backward");
        }
    }

    public override void EmitForward(CodeWriter w)
    {
        w.Line("// " + Describe() + " (batch statistics while training, running statistics otherwise)");
        w.Line(FieldPrefix + "Forward(device.GridFor(" + I(Features) + "), batch.Parameters, " + Io.Input + ", batch.Rows, " + Io.Output + ", " + Stats + ", n, " + RowsPerSample + ", batch.Training ? 1 : 0);");
    }

    public override void EmitBackward(CodeWriter w)
    {
        w.Line("// " + Describe());
        w.Line(FieldPrefix + "Backward(device.GridFor(" + I(Features) + "), batch.Parameters, " + Io.Input + ", batch.Rows, " + Stats + ", " + Io.OutputGradient + ", " + Io.InputGradient + ", batch.Gradients, n, " + RowsPerSample + ");");
    }

    public override void EmitKernels(CodeWriter w)
    {
        void Layout()
        {
            Const(w, "Features", Features, "features, each normalized over the batch's rows");
            Const(w, "Gamma", Tensor("gamma")!.Offset, Plan.Name + "/gamma [Features]");
            Const(w, "Beta", Tensor("beta")!.Offset, Plan.Name + "/beta [Features]");
        }

        w.Summary(Describe() + ": forward, one thread per feature: statistics over the batch's rows (training) or the running ones, then the normalized rows.");
        using (w.Block("public static void " + Prefix + "Forward(ArrayView<float> parameters, ArrayView<float> input, ArrayView<int> rows, ArrayView<float> output, ArrayView<float> statistics, int batch, int rowsPerSample, int training)"))
        {
            Layout();
            Const(w, "MovingMean", Tensor("moving_mean")!.Offset, Plan.Name + "/moving_mean [Features] (not trainable)");
            Const(w, "MovingVariance", Tensor("moving_variance")!.Offset, Plan.Name + "/moving_variance [Features] (not trainable)");
            w.Line("const float Momentum = " + Float(Plan.Spec.Momentum) + "; // weight of the old running statistics");
            w.Line("const float Epsilon = " + Float(Plan.Spec.Epsilon) + "; // added to the variance");
            using (GridStride(w, "f", "Features"))
            {
                w.Line("int rowCount = batch * rowsPerSample;");
                w.Line("float mean = parameters[MovingMean + f];");
                w.Line("float variance = parameters[MovingVariance + f];");
                using (w.Block("if (training != 0)"))
                {
                    w.Line("mean = 0f;");
                    w.Line("for (int r = 0; r < rowCount; r++) mean += input[" + InputRow("r") + " + f];");
                    w.Line("mean /= rowCount;");
                    w.Line("variance = 0f; // biased, as Keras normalizes with it; two passes: no cancellation");
                    using (w.Block("for (int r = 0; r < rowCount; r++)"))
                    {
                        w.Line("float d = input[" + InputRow("r") + " + f] - mean;");
                        w.Line("variance += d * d;");
                    }

                    w.Line("variance /= rowCount;");
                    w.Line("parameters[MovingMean + f] = Momentum * parameters[MovingMean + f] + (1f - Momentum) * mean; // only this thread touches feature f");
                    w.Line("parameters[MovingVariance + f] = Momentum * parameters[MovingVariance + f] + (1f - Momentum) * variance;");
                }

                w.Line("float inverse = " + Math + ".InverseSqrt(variance + Epsilon);");
                w.Line("statistics[2 * f] = mean;");
                w.Line("statistics[2 * f + 1] = inverse;");
                w.Line("for (int r = 0; r < rowCount; r++) output[(long)r * Features + f] = parameters[Gamma + f] * (input[" + InputRow("r") + " + f] - mean) * inverse + parameters[Beta + f];");
            }
        }

        w.Line();
        w.Summary(Describe() + ": backward, one thread per feature: Σ dy and Σ dy·x̂ over the rows give β's and γ's gradients"
            + (Io.IsFirst ? "." : ",\nthen dx = γ/(σ·N)·(N·dy − Σ dy − x̂·Σ dy·x̂) for every row."));
        using (w.Block("public static void " + Prefix + "Backward(ArrayView<float> parameters, ArrayView<float> input, ArrayView<int> rows, ArrayView<float> statistics, ArrayView<float> outputGradient, ArrayView<float> inputGradient, ArrayView<float> gradients, int batch, int rowsPerSample)"))
        {
            Layout();
            using (GridStride(w, "f", "Features"))
            {
                w.Line("int rowCount = batch * rowsPerSample;");
                w.Line("float mean = statistics[2 * f];");
                w.Line("float inverse = statistics[2 * f + 1];");
                w.Line("float sumDy = 0f;");
                w.Line("float sumDyX = 0f;");
                using (w.Block("for (int r = 0; r < rowCount; r++)"))
                {
                    w.Line("float dy = outputGradient[(long)r * Features + f];");
                    w.Line("sumDy += dy;");
                    w.Line("sumDyX += dy * (input[" + InputRow("r") + " + f] - mean) * inverse;");
                }

                w.Line("gradients[Gamma + f] = sumDyX;");
                w.Line("gradients[Beta + f] = sumDy;");
                if (!Io.IsFirst)
                {
                    w.Line("float scale = parameters[Gamma + f] * inverse / rowCount;");
                    using (w.Block("for (int r = 0; r < rowCount; r++)"))
                    {
                        w.Line("long e = (long)r * Features + f;");
                        w.Line("inputGradient[e] = scale * (rowCount * outputGradient[e] - sumDy - (input[e] - mean) * inverse * sumDyX);");
                    }
                }
            }
        }
    }
}
