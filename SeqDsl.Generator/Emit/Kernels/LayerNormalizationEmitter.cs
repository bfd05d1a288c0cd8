using System.Collections.Generic;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// LayerNormalization over the features of each row (Keras: axis −1, epsilon 1e-3): y = γ ⊙ (x − μ) / √(σ² + ε) + β with
/// the row's mean μ and biased variance σ². Forward: one thread per row, which also stores μ and 1/√(σ² + ε) for the
/// backward pass. Backward: one thread per row for the input gradient, then one thread per γ/β element summing over
/// rows in a fixed order.
/// </summary>
internal sealed class LayerNormalizationEmitter : RowLayerEmitter
{
    private const string Math = "global::SeqDsl.Kernels.KernelMath";

    public LayerNormalizationEmitter(LayerPlan plan, LayerIo io)
        : base(plan, io)
    {
    }

    private string Stats => FieldPrefix + "Statistics!.View";

    public override IEnumerable<WorkspaceBuffer> Workspace
    {
        get
        {
            yield return new WorkspaceBuffer(FieldPrefix + "Statistics", PerSampleRows(2), "mean and 1/√(variance + ε) of every row");
        }
    }

    public override IEnumerable<KernelField> Kernels
    {
        get
        {
            yield return new KernelField(FieldPrefix + "Forward", "ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int", Prefix + "Forward");
            if (!Io.IsFirst)
            {
                yield return new KernelField(FieldPrefix + "Backward", "ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int", Prefix + "Backward");
            }

            yield return new KernelField(FieldPrefix + "WeightGradients", "ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int", Prefix + "WeightGradients");
        }
    }

    public override void EmitForward(CodeWriter w)
    {
        w.Line("// " + Describe());
        w.Line(FieldPrefix + "Forward(device.GridFor(n * " + RowsPerSample + "), batch.Parameters, " + Io.Input + ", batch.Rows, " + Io.Output + ", " + Stats + ", n, " + RowsPerSample + ");");
    }

    public override void EmitBackward(CodeWriter w)
    {
        w.Line("// " + Describe());
        if (!Io.IsFirst)
        {
            w.Line(FieldPrefix + "Backward(device.GridFor(n * " + RowsPerSample + "), batch.Parameters, " + Io.Input + ", " + Stats + ", " + Io.OutputGradient + ", " + Io.InputGradient + ", n, " + RowsPerSample + ");");
        }

        w.Line(FieldPrefix + "WeightGradients(device.GridFor(" + I(2 * Features) + "), " + Io.Input + ", batch.Rows, " + Stats + ", " + Io.OutputGradient + ", batch.Gradients, n, " + RowsPerSample + ");");
    }

    public override void EmitKernels(CodeWriter w)
    {
        int gamma = Tensor("gamma")!.Offset;
        int beta = Tensor("beta")!.Offset;

        w.Summary(Describe() + ": forward, one thread per row: the row's mean and variance, then the normalized, scaled and shifted row.");
        using (w.Block("public static void " + Prefix + "Forward(ArrayView<float> parameters, ArrayView<float> input, ArrayView<int> rows, ArrayView<float> output, ArrayView<float> statistics, int batch, int rowsPerSample)"))
        {
            Const(w, "Features", Features, "features per row, normalized together");
            Const(w, "Gamma", gamma, Plan.Name + "/gamma [Features]");
            Const(w, "Beta", beta, Plan.Name + "/beta [Features]");
            w.Line("const float Epsilon = " + Float(Plan.Spec.Epsilon) + "; // added to the variance");
            using (GridStride(w, "r", "batch * rowsPerSample"))
            {
                w.Line("long x = " + InputRow("r") + ";");
                w.Line("float mean = 0f;");
                w.Line("for (int f = 0; f < Features; f++) mean += input[x + f];");
                w.Line("mean /= Features;");
                w.Line("float variance = 0f; // two passes: no cancellation when the mean is large");
                using (w.Block("for (int f = 0; f < Features; f++)"))
                {
                    w.Line("float d = input[x + f] - mean;");
                    w.Line("variance += d * d;");
                }

                w.Line("float inverse = " + Math + ".InverseSqrt(variance / Features + Epsilon);");
                w.Line("statistics[2L * r] = mean;");
                w.Line("statistics[2L * r + 1] = inverse;");
                w.Line("long y = (long)r * Features;");
                w.Line("for (int f = 0; f < Features; f++) output[y + f] = parameters[Gamma + f] * (input[x + f] - mean) * inverse + parameters[Beta + f];");
            }
        }

        if (!Io.IsFirst)
        {
            w.Line();
            w.Summary(Describe() + ": input gradient, one thread per row: dx = (1/σ)·(g − mean(g) − x̂·mean(g ⊙ x̂)) with g = γ ⊙ dy.");
            using (w.Block("public static void " + Prefix + "Backward(ArrayView<float> parameters, ArrayView<float> input, ArrayView<float> statistics, ArrayView<float> outputGradient, ArrayView<float> inputGradient, int batch, int rowsPerSample)"))
            {
                Const(w, "Features", Features, "features per row, normalized together");
                Const(w, "Gamma", gamma, Plan.Name + "/gamma [Features]");
                using (GridStride(w, "r", "batch * rowsPerSample"))
                {
                    w.Line("long x = (long)r * Features;");
                    w.Line("float mean = statistics[2L * r];");
                    w.Line("float inverse = statistics[2L * r + 1];");
                    w.Line("float meanG = 0f;");
                    w.Line("float meanGx = 0f;");
                    using (w.Block("for (int f = 0; f < Features; f++)"))
                    {
                        w.Line("float g = parameters[Gamma + f] * outputGradient[x + f];");
                        w.Line("meanG += g;");
                        w.Line("meanGx += g * (input[x + f] - mean) * inverse;");
                    }

                    w.Line("meanG /= Features;");
                    w.Line("meanGx /= Features;");
                    w.Line("for (int f = 0; f < Features; f++) inputGradient[x + f] = inverse * (parameters[Gamma + f] * outputGradient[x + f] - meanG - (input[x + f] - mean) * inverse * meanGx);");
                }
            }
        }

        w.Line();
        w.Summary(Describe() + ": gradients of γ (Σ dy·x̂) and β (Σ dy), one thread per element, summed over rows in a fixed order.");
        using (w.Block("public static void " + Prefix + "WeightGradients(ArrayView<float> input, ArrayView<int> rows, ArrayView<float> statistics, ArrayView<float> outputGradient, ArrayView<float> gradients, int batch, int rowsPerSample)"))
        {
            Const(w, "Features", Features, "features per row, normalized together");
            Const(w, "Gamma", gamma, Plan.Name + "/gamma [Features]");
            Const(w, "Beta", beta, Plan.Name + "/beta [Features]");
            using (GridStride(w, "p", "2 * Features"))
            {
                w.Line("int f = p < Features ? p : p - Features;");
                w.Line("float sum = 0f;");
                w.Line("int rowCount = batch * rowsPerSample;");
                using (w.Block("for (int r = 0; r < rowCount; r++)"))
                {
                    w.Line("float dy = outputGradient[(long)r * Features + f];");
                    w.Line("sum += p < Features ? dy * (input[" + InputRow("r") + " + f] - statistics[2L * r]) * statistics[2L * r + 1] : dy;");
                }

                w.Line("gradients[(p < Features ? Gamma : Beta) + f] = sum;");
            }
        }
    }
}
