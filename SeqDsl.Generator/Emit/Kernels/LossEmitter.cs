using System.Collections.Generic;
using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// The loss. One kernel, one thread per sample, writes each sample's loss and its second metric (the last-step squared
/// error for regression losses, the accuracy for classification losses) for reporting. The gradient of the batch-mean
/// loss is fused into the last layer's backward kernel when that layer supports it (<see cref="LayerEmitter.FusesLossGradient"/>,
/// e.g. Dense: softmax − one-hot goes straight to the logits; a regression loss also fuses into a recurrent layer,
/// Bidirectional included, and into a Conv1D); otherwise this kernel also writes it to a buffer that the last layer's
/// backward reads.
/// </summary>
/// <remarks>
/// Cross-entropy losses are computed from logits: when the last Dense layer's activation is Softmax (categorical) or
/// Sigmoid (binary), its outputs are probabilities and it also stores its pre-activation, which this kernel reads;
/// with a Linear last layer the outputs are the logits themselves.
/// </remarks>
internal static class LossEmitter
{
    public const string Field = "computeLoss";
    public const string Method = "ComputeLoss";
    private const string Functions = "global::SeqDsl.Kernels.Activations";
    private const string Math = "global::SeqDsl.Kernels.KernelMath";

    /// <summary>Every loss has a kernel.</summary>
    public static string? Unsupported(LossKind loss) => null;

    /// <summary>Why the model's last layer cannot feed its loss, or null.</summary>
    public static string? Unsupported(ModelPlan plan)
    {
        var loss = (LossKind)plan.Spec.Loss;
        if (!IsClassification(loss) || plan.Layers.Count == 0)
        {
            return null;
        }

        var last = plan.Layers[plan.Layers.Count - 1];
        var activation = (ActivationKind)last.Spec.Activation;
        bool dense = last.Spec.Kind is LayerKind.Dense or LayerKind.TimeDistributed;
        bool logits = activation is ActivationKind.Default or ActivationKind.Linear;
        bool probabilities = ProbabilityOutputs(loss, activation);
        if (dense && (logits || probabilities))
        {
            return null;
        }

        if (!dense && !probabilities)
        {
            // Any other layer's outputs are taken as logits.
            return null;
        }

        string wanted = loss == LossKind.BinaryCrossEntropy ? "Sigmoid" : "Softmax";
        return "a " + loss + " loss on a last layer with " + activation + " activation (end the model with a Dense layer whose activation is " + wanted + " or Linear)";
    }

    public static bool IsCrossEntropy(LossKind loss) => loss is LossKind.SparseCategoricalCrossEntropy or LossKind.CategoricalCrossEntropy;

    public static bool IsClassification(LossKind loss) => IsCrossEntropy(loss) || loss == LossKind.BinaryCrossEntropy;

    /// <summary>True when the last activation turns logits into the probabilities of <paramref name="loss"/>.</summary>
    public static bool ProbabilityOutputs(LossKind loss, ActivationKind activation) =>
        (IsCrossEntropy(loss) && activation == ActivationKind.Softmax) || (loss == LossKind.BinaryCrossEntropy && activation == ActivationKind.Sigmoid);

    /// <summary>True when the loss kernel must write the loss gradient for an unfused last layer.</summary>
    public static bool WritesGradient(IReadOnlyList<LayerEmitter> layers) => !layers[layers.Count - 1].FusesLossGradient;

    public static string ParameterTypes(ModelPlan plan, IReadOnlyList<LayerEmitter> layers)
    {
        var types = new List<string> { "ArrayView<float>" };
        if (IsClassification((LossKind)plan.Spec.Loss))
        {
            types.Add("ArrayView<float>");
        }

        types.Add("ArrayView<float>");
        types.Add("ArrayView<int>");
        if (WritesGradient(layers))
        {
            types.Add("ArrayView<float>");
        }

        types.Add("ArrayView<float>");
        types.Add("ArrayView<float>");
        types.Add("int");
        types.Add("int");
        return string.Join(", ", types);
    }

    public static void EmitLaunch(CodeWriter w, ModelPlan plan, IReadOnlyList<LayerEmitter> layers)
    {
        var loss = (LossKind)plan.Spec.Loss;
        bool gradient = WritesGradient(layers);
        w.Line("// " + loss + " loss" + (gradient ? " and its gradient" : " (its gradient is fused into the last layer's backward kernel)"));
        w.Line(Field + "(device.SequencesFor(n), " + string.Join(", ", LaunchArguments(plan, layers)) + ");");
    }

    /// <summary>The program's arguments for the loss kernel, after the grid, in its parameters' order.</summary>
    public static IReadOnlyList<string> LaunchArguments(ModelPlan plan, IReadOnlyList<LayerEmitter> layers)
    {
        var list = new List<string> { "batch.Predictions" };
        if (IsClassification((LossKind)plan.Spec.Loss))
        {
            list.Add(layers[layers.Count - 1].LogitsView ?? "batch.Predictions");
        }

        list.Add("batch.Targets");
        list.Add("batch.Rows");
        if (WritesGradient(layers))
        {
            list.Add("lossGradient!.View");
        }

        list.Add("batch.SampleLoss");
        list.Add("batch.SampleLastStepError");
        list.Add("n");
        list.Add("OutputsPerSample(steps)");
        return list;
    }

    public static void EmitKernel(CodeWriter w, ModelPlan plan, IReadOnlyList<LayerEmitter> layers)
    {
        var loss = (LossKind)plan.Spec.Loss;
        bool gradient = WritesGradient(layers);
        bool classification = IsClassification(loss);
        string metric = classification ? "accuracy" : "last-step squared error";
        w.Summary(loss + " loss, one thread per sample: per-sample loss and " + metric + (gradient ? ", and the gradient of the batch-mean loss." : " (for reporting; the gradient is fused into the last layer)."));
        string header = "public static void " + Method + "(ArrayView<float> predictions, " + (classification ? "ArrayView<float> logits, " : "")
            + "ArrayView<float> targets, ArrayView<int> rows, " + (gradient ? "ArrayView<float> lossGradient, " : "")
            + "ArrayView<float> sampleLoss, ArrayView<float> sampleMetric, int batch, int outputsPerSample)";
        using (w.Block(header))
        {
            if (loss != LossKind.BinaryCrossEntropy)
            {
                w.Line("const int OutputFeatures = " + plan.Output.Features.ToString(System.Globalization.CultureInfo.InvariantCulture) + "; // " + (IsCrossEntropy(loss) ? "classes at each output step" : "the last step's outputs are the last OutputFeatures values of a sample"));
            }

            if (IsCrossEntropy(loss))
            {
                EmitCrossEntropy(w, loss == LossKind.SparseCategoricalCrossEntropy, gradient);
            }
            else if (loss == LossKind.BinaryCrossEntropy)
            {
                EmitBinaryCrossEntropy(w, gradient);
            }
            else
            {
                EmitRegression(w, loss, gradient);
            }
        }
    }

    private static void EmitRegression(CodeWriter w, LossKind loss, bool gradient)
    {
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
            w.Line("int lastStepStart = outputsPerSample - OutputFeatures;");
            w.Line("int e = 0;");
            // In blocks whose loads are all in flight together (LoadsInFlight; W1 on an H100: the plain loop took 70 µs
            // per batch, the blocks 46 µs). Each sum still adds its terms in output order.
            const int Block = LoadsInFlight.PerThread;
            using (w.Block("for (; e <= outputsPerSample - " + I(Block) + "; e += " + I(Block) + ") // " + I(Block) + " outputs' loads in flight at once"))
            {
                for (int i = 0; i < Block; i++)
                {
                    w.Line("float d" + I(i) + " = predictions[p + " + At(i) + "] - targets[q + " + At(i) + "];");
                }

                for (int i = 0; i < Block; i++)
                {
                    w.Line("total += " + RegressionLoss(loss, "d" + I(i)) + ";");
                }

                for (int i = 0; i < Block && gradient; i++)
                {
                    w.Line("lossGradient[p + " + At(i) + "] = " + RegressionGradient(loss, "d" + I(i)) + " * scale;");
                }

                for (int i = 0; i < Block; i++)
                {
                    w.Line("if (" + At(i) + " >= lastStepStart) lastStep += d" + I(i) + " * d" + I(i) + ";");
                }
            }

            using (w.Block("for (; e < outputsPerSample; e++)"))
            {
                w.Line("float d = predictions[p + e] - targets[q + e];");
                w.Line("total += " + RegressionLoss(loss, "d") + ";");
                if (gradient)
                {
                    w.Line("lossGradient[p + e] = " + RegressionGradient(loss, "d") + " * scale;");
                }

                w.Line("if (e >= lastStepStart) lastStep += d * d;");
            }

            w.Line("sampleLoss[b] = total / outputsPerSample;");
            w.Line("sampleMetric[b] = lastStep / OutputFeatures;");
        }
    }

    /// <summary>Output e + i of an unrolled block.</summary>
    private static string At(int i) => i == 0 ? "e" : "e + " + I(i);

    private static string I(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string RegressionLoss(LossKind loss, string d) => loss switch
    {
        LossKind.Mae => Functions + ".Abs(" + d + ")",
        LossKind.Huber => "(" + Functions + ".Abs(" + d + ") <= Delta ? 0.5f * " + d + " * " + d + " : Delta * (" + Functions + ".Abs(" + d + ") - 0.5f * Delta))",
        _ => d + " * " + d,
    };

    /// <summary>d(loss)/d(prediction) of one element, before the batch-mean scale.</summary>
    public static string RegressionGradient(LossKind loss, string d) => loss switch
    {
        LossKind.Mae => "(" + d + " > 0f ? 1f : " + d + " < 0f ? -1f : 0f)",
        LossKind.Huber => "(" + Functions + ".Abs(" + d + ") <= Delta ? " + d + " : (" + d + " > 0f ? Delta : -Delta))",
        _ => "2f * " + d,
    };

    private static void EmitCrossEntropy(CodeWriter w, bool sparse, bool gradient)
    {
        w.Line("int steps = outputsPerSample / OutputFeatures;");
        w.Line("float scale = 1f / ((float)batch * steps); // d(batch-mean of per-sample mean over steps)/d(logit)");
        using (w.Block("for (int b = Grid.GlobalIndex.X; b < batch; b += Grid.Dimension.X * Group.Dimension.X)"))
        {
            w.Line("float total = 0f;");
            w.Line("float correct = 0f;");
            using (w.Block("for (int s = 0; s < steps; s++)"))
            {
                w.Line("long o = (long)b * outputsPerSample + (long)s * OutputFeatures;");
                w.Line("float max = logits[o];");
                w.Line("for (int c = 1; c < OutputFeatures; c++) max = logits[o + c] > max ? logits[o + c] : max;");
                w.Line("float sum = 0f;");
                w.Line("for (int c = 0; c < OutputFeatures; c++) sum += " + Functions + ".Exp(logits[o + c] - max);");
                w.Line("float logSum = max + " + Math + ".Log(sum); // log Σ e^z, shifted by the max: no overflow");
                w.Line("int predicted = 0;");
                w.Line("for (int c = 1; c < OutputFeatures; c++) predicted = predictions[o + c] > predictions[o + predicted] ? c : predicted;");
                if (sparse)
                {
                    w.Line("int label = (int)targets[(long)rows[b] * steps + s];");
                    w.Line("label = label < 0 ? 0 : label >= OutputFeatures ? OutputFeatures - 1 : label; // validated on the host; clamped so memory stays in bounds");
                    w.Line("total += logSum - logits[o + label];");
                    w.Line("correct += predicted == label ? 1f : 0f;");
                    if (gradient)
                    {
                        w.Line("for (int c = 0; c < OutputFeatures; c++) lossGradient[o + c] = (" + Functions + ".Exp(logits[o + c] - max) / sum - (c == label ? 1f : 0f)) * scale;");
                    }
                }
                else
                {
                    w.Line("long q = (long)rows[b] * outputsPerSample + (long)s * OutputFeatures;");
                    w.Line("int label = 0;");
                    w.Line("float targetSum = 0f;");
                    using (w.Block("for (int c = 0; c < OutputFeatures; c++)"))
                    {
                        w.Line("total += targets[q + c] * (logSum - logits[o + c]);");
                        w.Line("targetSum += targets[q + c];");
                        w.Line("label = targets[q + c] > targets[q + label] ? c : label;");
                    }

                    w.Line("correct += predicted == label ? 1f : 0f;");
                    if (gradient)
                    {
                        w.Line("for (int c = 0; c < OutputFeatures; c++) lossGradient[o + c] = (" + Functions + ".Exp(logits[o + c] - max) / sum * targetSum - targets[q + c]) * scale;");
                    }
                }
            }

            w.Line("sampleLoss[b] = total / steps;");
            w.Line("sampleMetric[b] = correct / steps; // accuracy: argmax of the prediction equals the label");
        }
    }

    private static void EmitBinaryCrossEntropy(CodeWriter w, bool gradient)
    {
        w.Line("float scale = 1f / ((float)batch * outputsPerSample); // d(batch-mean of per-sample means)/d(logit)");
        using (w.Block("for (int b = Grid.GlobalIndex.X; b < batch; b += Grid.Dimension.X * Group.Dimension.X)"))
        {
            w.Line("long p = (long)b * outputsPerSample;");
            w.Line("long q = (long)rows[b] * outputsPerSample;");
            w.Line("float total = 0f;");
            w.Line("float correct = 0f;");
            using (w.Block("for (int e = 0; e < outputsPerSample; e++)"))
            {
                w.Line("float z = logits[p + e];");
                w.Line("float t = targets[q + e];");
                w.Line("total += " + Functions + ".Relu(z) - z * t + " + Math + ".LogOnePlusExpNegAbs(z); // −t·log σ(z) − (1−t)·log(1−σ(z)), stable for any z");
                w.Line("correct += (z > 0f) == (t >= 0.5f) ? 1f : 0f; // σ(z) > 0.5 exactly when z > 0");
                if (gradient)
                {
                    w.Line("lossGradient[p + e] = (" + Functions + ".Sigmoid(z) - t) * scale;");
                }
            }

            w.Line("sampleLoss[b] = total / outputsPerSample;");
            w.Line("sampleMetric[b] = correct / outputsPerSample; // binary accuracy at threshold 0.5");
        }
    }

    /// <summary>
    /// The fused loss gradient inside the last Dense layer's backward kernel: writes <c>dz[u]</c>, the gradient of the
    /// batch-mean loss with respect to the row's pre-activation, from the row's outputs <c>output[y + u]</c> and its
    /// targets. Expects <c>r</c> (the row), <c>y</c> (its output offset), <c>batch</c>, <c>rowsPerSample</c>, the constant
    /// <c>Units</c> and the views <c>targets</c> and <c>rows</c> in scope.
    /// </summary>
    public static void EmitFusedRowGradient(CodeWriter w, LossKind loss, ActivationKind activation)
    {
        w.Line("long target = (long)rows[r / rowsPerSample] * rowsPerSample + r % rowsPerSample; // this row's target row in the data set");
        if (IsCrossEntropy(loss))
        {
            w.Line("float scale = 1f / ((float)batch * rowsPerSample); // d(batch-mean of per-sample mean over steps)/d(logit)");
            string probability = "output[y + u]";
            if (activation != ActivationKind.Softmax)
            {
                // The outputs are logits: softmax them here (shifted by the max: no overflow).
                w.Line("float maxLogit = output[y];");
                w.Line("for (int u = 1; u < Units; u++) maxLogit = output[y + u] > maxLogit ? output[y + u] : maxLogit;");
                w.Line("float expSum = 0f;");
                w.Line("for (int u = 0; u < Units; u++) expSum += " + Functions + ".Exp(output[y + u] - maxLogit);");
                probability = Functions + ".Exp(output[y + u] - maxLogit) / expSum";
            }

            if (loss == LossKind.SparseCategoricalCrossEntropy)
            {
                w.Line("int label = (int)targets[target];");
                w.Line("label = label < 0 ? 0 : label >= Units ? Units - 1 : label; // validated on the host; clamped so memory stays in bounds");
                w.Line("for (int u = 0; u < Units; u++) dz[u] = (" + probability + " - (u == label ? 1f : 0f)) * scale; // softmax − one-hot: no softmax Jacobian");
            }
            else
            {
                w.Line("float targetSum = 0f;");
                w.Line("for (int u = 0; u < Units; u++) targetSum += targets[target * Units + u];");
                w.Line("for (int u = 0; u < Units; u++) dz[u] = (" + probability + " * targetSum - targets[target * Units + u]) * scale; // softmax·Σt − t: no softmax Jacobian");
            }

            return;
        }

        w.Line("float scale = 1f / ((float)batch * rowsPerSample * Units); // d(batch-mean of per-sample means)/d(output)");
        if (loss == LossKind.BinaryCrossEntropy)
        {
            string probability = activation == ActivationKind.Sigmoid ? "output[y + u]" : Functions + ".Sigmoid(output[y + u])";
            w.Line("for (int u = 0; u < Units; u++) dz[u] = (" + probability + " - targets[target * Units + u]) * scale; // σ(z) − t: no sigmoid derivative");
            return;
        }

        if (loss == LossKind.Huber)
        {
            w.Line("const float Delta = 1f; // Keras's default Huber delta");
        }

        using (w.Block("for (int u = 0; u < Units; u++)"))
        {
            w.Line("float d = output[y + u] - targets[target * Units + u];");
            string dy = RegressionGradient(loss, "d") + " * scale";
            w.Line(activation == ActivationKind.Softmax
                ? "dz[u] = " + dy + "; // d(loss)/d(output), turned into the pre-activation gradient below"
                : "dz[u] = " + dy + " * " + ActivationCode.DerivativeFromOutput(activation, "output[y + u]") + ";");
        }

        if (activation == ActivationKind.Softmax)
        {
            w.Line("float dot = 0f; // softmax Jacobian-vector product: dz = y ⊙ (dy − Σ dy·y)");
            w.Line("for (int u = 0; u < Units; u++) dot += dz[u] * output[y + u];");
            w.Line("for (int u = 0; u < Units; u++) dz[u] = output[y + u] * (dz[u] - dot);");
        }
    }
}
