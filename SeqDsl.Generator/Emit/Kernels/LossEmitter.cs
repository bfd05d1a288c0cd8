using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// The loss kernel: one thread per sample compares its outputs with its targets, writes the sample's mean
/// loss, its last-step squared error, and the gradient of the batch-mean loss that the last layer's backward reads.
/// </summary>
internal static class LossEmitter
{
    public const string Field = "computeLoss";
    public const string Method = "ComputeLoss";
    public const string ParameterTypes = "ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int";

    public static string? Unsupported(LossKind loss) =>
        loss is LossKind.Mse or LossKind.Mae or LossKind.Huber ? null : loss + " loss";

    public static void EmitLaunch(CodeWriter w, ModelPlan plan)
    {
        w.Line("// " + (LossKind)plan.Spec.Loss + " loss and its gradient");
        w.Line(Field + "(device.GridFor(n), batch.Predictions, batch.Targets, batch.Rows, lossGradient!.View, batch.SampleLoss, batch.SampleLastStepError, n, OutputsPerSample(steps));");
    }

    public static void EmitKernel(CodeWriter w, ModelPlan plan)
    {
        var loss = (LossKind)plan.Spec.Loss;
        w.Summary(loss + " loss, one thread per sample: per-sample loss, last-step squared error and the gradient of the batch-mean loss.");
        using (w.Block("public static void " + Method + "(ArrayView<float> predictions, ArrayView<float> targets, ArrayView<int> rows, ArrayView<float> lossGradient, ArrayView<float> sampleLoss, ArrayView<float> sampleLastStepError, int batch, int outputsPerSample)"))
        {
            w.Line("const int OutputFeatures = " + plan.Output.Features.ToString(System.Globalization.CultureInfo.InvariantCulture) + "; // the last step's outputs are the last OutputFeatures values of a sample");
            if (loss == LossKind.Huber)
            {
                w.Line("const float Delta = 1f; // Keras's default Huber delta");
            }

            w.Line("float scale = 1f / ((float)batch * outputsPerSample); // d(batch-mean of per-sample means)/d(output)");
            using (w.Block("for (int b = Grid.GlobalIndex.X; b < batch; b += Grid.Dimension.X * Group.Dimension.X)"))
            {
                w.Line("long p = (long)b * outputsPerSample;");
                w.Line("long q = (long)rows[b] * outputsPerSample;");
                w.Line("float total = 0f;");
                w.Line("float lastStep = 0f;");
                using (w.Block("for (int e = 0; e < outputsPerSample; e++)"))
                {
                    w.Line("float d = predictions[p + e] - targets[q + e];");
                    switch (loss)
                    {
                        case LossKind.Mae:
                            w.Line("total += global::SeqDsl.Kernels.Activations.Abs(d);");
                            w.Line("lossGradient[p + e] = (d > 0f ? 1f : d < 0f ? -1f : 0f) * scale;");
                            break;
                        case LossKind.Huber:
                            w.Line("float a = global::SeqDsl.Kernels.Activations.Abs(d);");
                            w.Line("total += a <= Delta ? 0.5f * d * d : Delta * (a - 0.5f * Delta);");
                            w.Line("lossGradient[p + e] = (a <= Delta ? d : (d > 0f ? Delta : -Delta)) * scale;");
                            break;
                        default:
                            w.Line("total += d * d;");
                            w.Line("lossGradient[p + e] = 2f * d * scale;");
                            break;
                    }

                    w.Line("if (e >= outputsPerSample - OutputFeatures) lastStep += d * d;");
                }

                w.Line("sampleLoss[b] = total / outputsPerSample;");
                w.Line("sampleLastStepError[b] = lastStep / OutputFeatures;");
            }
        }
    }
}
