using System.Collections.Generic;
using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// Dense and TimeDistributed(Dense): the same matrix applied to each row, where a row is a sample (vector
/// input) or one step of a sample (sequence input). Forward: one thread per row with the activation fused.
/// Backward: one thread per row for the input gradient, then one thread per weight for the weight gradients.
/// As the last layer it fuses the loss gradient into its backward kernel (it reads the targets, not a loss-gradient
/// buffer) and, when its outputs are cross-entropy probabilities, also stores its logits for the loss kernel.
/// </summary>
internal sealed class DenseEmitter : LayerEmitter
{
    private readonly int features;
    private readonly int units;
    private readonly ActivationKind activation;

    public DenseEmitter(LayerPlan plan, LayerIo io)
        : base(plan, io)
    {
        features = plan.Input.Features;
        units = plan.Output.Features;
        activation = ActivationCode.Resolve(plan.Spec.Activation, ActivationKind.Linear);
    }

    /// <summary>True when the outputs are probabilities (Softmax or Sigmoid) of a cross-entropy loss: the logits are stored too.</summary>
    private bool StoresLogits => Io.IsLast && LossEmitter.ProbabilityOutputs(Io.Loss, activation);

    public override bool FusesLossGradient => Io.IsLast;

    public override string? LogitsView => StoresLogits ? FieldPrefix + "Logits!.View" : null;

    /// <summary>Rows per sample, as a C# expression in terms of <c>steps</c>.</summary>
    private string RowsPerSample => Plan.Input.IsSequence ? "steps" : "1";

    public override IEnumerable<WorkspaceBuffer> Workspace
    {
        get
        {
            yield return new WorkspaceBuffer(FieldPrefix + "PreActivationGradient", (Plan.Input.IsSequence ? "steps * " : "") + I(units), "gradient of the pre-activation of every row");
            if (StoresLogits)
            {
                yield return new WorkspaceBuffer(FieldPrefix + "Logits", (Plan.Input.IsSequence ? "steps * " : "") + I(units), "pre-activation of every row: the logits the cross-entropy is computed from");
            }
        }
    }

    public override IEnumerable<KernelField> Kernels
    {
        get
        {
            yield return new KernelField(FieldPrefix + "Forward", "ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, " + (StoresLogits ? "ArrayView<float>, " : "") + "int, int", Prefix + "Forward");
            yield return new KernelField(FieldPrefix + "Backward", "ArrayView<float>, ArrayView<float>, " + (FusesLossGradient ? "ArrayView<float>, ArrayView<int>, " : "ArrayView<float>, ") + "ArrayView<float>, ArrayView<float>, int, int", Prefix + "Backward");
            yield return new KernelField(FieldPrefix + "WeightGradients", "ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int", Prefix + "WeightGradients");
        }
    }

    public override void EmitForward(CodeWriter w)
    {
        w.Line("// " + Describe());
        w.Line(FieldPrefix + "Forward(device.GridFor(n * " + RowsPerSample + "), batch.Parameters, " + Io.Input + ", batch.Rows, " + Io.Output + ", " + (StoresLogits ? LogitsView + ", " : "") + "n, " + RowsPerSample + ");");
    }

    public override void EmitBackward(CodeWriter w)
    {
        w.Line("// " + Describe());
        w.Line(FieldPrefix + "Backward(device.GridFor(n * " + RowsPerSample + "), batch.Parameters, " + Io.Output + ", " + (FusesLossGradient ? "batch.Targets, batch.Rows" : Io.OutputGradient) + ", " + FieldPrefix + "PreActivationGradient!.View, " + Io.InputGradient + ", n, " + RowsPerSample + ");");
        w.Line(FieldPrefix + "WeightGradients(device.GridFor(" + I(Plan.ParameterCount) + "), " + Io.Input + ", batch.Rows, " + FieldPrefix + "PreActivationGradient!.View, batch.Gradients, n, " + RowsPerSample + ");");
    }

    public override void EmitKernels(CodeWriter w)
    {
        var bias = Tensor("bias");
        void Layout(bool backward)
        {
            // The backward pass reads no bias, and the first layer's backward computes no input gradient.
            bool needsInput = !backward || !Io.IsFirst;
            if (needsInput)
            {
                Const(w, "Features", features, "input features per row");
            }

            Const(w, "Units", units);
            if (needsInput)
            {
                Const(w, "Kernel", Tensor("kernel")!.Offset, Plan.Name + "/kernel [Features, Units]");
            }

            if (!backward && bias is not null)
            {
                Const(w, "Bias", bias.Offset, Plan.Name + "/bias [Units]");
            }
        }

        string InputRow(string row) => Io.IsFirst
            ? "((long)rows[" + row + " / rowsPerSample] * rowsPerSample + " + row + " % rowsPerSample) * Features"
            : "(long)" + row + " * Features";

        w.Summary(Describe() + ": forward, one thread per row (a sample, or one step of a sample), activation fused.");
        using (w.Block("public static void " + Prefix + "Forward(ArrayView<float> parameters, ArrayView<float> input, ArrayView<int> rows, ArrayView<float> output, " + (StoresLogits ? "ArrayView<float> logits, " : "") + "int batch, int rowsPerSample)"))
        {
            Layout(backward: false);
            w.Line("var z = LocalMemory.Allocate<float>(Units);");
            using (GridStride(w, "r", "batch * rowsPerSample"))
            {
                w.Line("long x = " + InputRow("r") + ";");
                w.Line("for (int u = 0; u < Units; u++) z[u] = " + (bias is null ? "0f" : "parameters[Bias + u]") + ";");
                using (w.Block("for (int k = 0; k < Features; k++)"))
                {
                    w.Line("float xk = input[x + k];");
                    w.Line("for (int u = 0; u < Units; u++) z[u] += xk * parameters[Kernel + k * Units + u];");
                }

                w.Line("long y = (long)r * Units;");
                if (StoresLogits)
                {
                    w.Line("for (int u = 0; u < Units; u++) logits[y + u] = z[u]; // the loss kernel computes the cross-entropy from these");
                }

                if (activation == ActivationKind.Softmax)
                {
                    w.Line("float max = z[0];");
                    w.Line("for (int u = 1; u < Units; u++) max = z[u] > max ? z[u] : max;");
                    w.Line("float total = 0f;");
                    using (w.Block("for (int u = 0; u < Units; u++)"))
                    {
                        w.Line("z[u] = global::SeqDsl.Kernels.Activations.Exp(z[u] - max); // shifted by the max: no overflow");
                        w.Line("total += z[u];");
                    }

                    w.Line("for (int u = 0; u < Units; u++) output[y + u] = z[u] / total;");
                }
                else
                {
                    w.Line("for (int u = 0; u < Units; u++) output[y + u] = " + ActivationCode.Apply(activation, "z[u]") + ";");
                }
            }
        }

        w.Line();
        w.Summary(Describe() + ": backward, one thread per row: the pre-activation gradient" + (FusesLossGradient ? " (the " + Io.Loss + " loss gradient fused in, from the targets)" : "") + (Io.IsFirst ? "." : ", then the input gradient."));
        string gradientSource = FusesLossGradient ? "ArrayView<float> targets, ArrayView<int> rows" : "ArrayView<float> outputGradient";
        using (w.Block("public static void " + Prefix + "Backward(ArrayView<float> parameters, ArrayView<float> output, " + gradientSource + ", ArrayView<float> preActivationGradient, ArrayView<float> inputGradient, int batch, int rowsPerSample)"))
        {
            Layout(backward: true);
            w.Line("var dz = LocalMemory.Allocate<float>(Units);");
            using (GridStride(w, "r", "batch * rowsPerSample"))
            {
                w.Line("long y = (long)r * Units;");
                if (FusesLossGradient)
                {
                    LossEmitter.EmitFusedRowGradient(w, Io.Loss, activation);
                }
                else if (activation == ActivationKind.Softmax)
                {
                    w.Line("float dot = 0f; // softmax Jacobian-vector product: dz = y ⊙ (dy − Σ dy·y)");
                    w.Line("for (int u = 0; u < Units; u++) dot += outputGradient[y + u] * output[y + u];");
                    w.Line("for (int u = 0; u < Units; u++) dz[u] = output[y + u] * (outputGradient[y + u] - dot);");
                }
                else
                {
                    w.Line("for (int u = 0; u < Units; u++) dz[u] = outputGradient[y + u] * " + ActivationCode.DerivativeFromOutput(activation, "output[y + u]") + ";");
                }

                w.Line("for (int u = 0; u < Units; u++) preActivationGradient[y + u] = dz[u];");
                if (!Io.IsFirst)
                {
                    using (w.Block("for (int k = 0; k < Features; k++)"))
                    {
                        w.Line("float sum = 0f;");
                        w.Line("for (int u = 0; u < Units; u++) sum += parameters[Kernel + k * Units + u] * dz[u];");
                        w.Line("inputGradient[(long)r * Features + k] = sum;");
                    }
                }
            }
        }

        w.Line();
        w.Summary(Describe() + ": gradient of every weight, one thread per weight, summed over rows in a fixed order.");
        using (w.Block("public static void " + Prefix + "WeightGradients(ArrayView<float> input, ArrayView<int> rows, ArrayView<float> preActivationGradient, ArrayView<float> gradients, int batch, int rowsPerSample)"))
        {
            Const(w, "Features", features, "input features per row");
            Const(w, "Units", units);
            Const(w, "First", Plan.ParameterOffset, "this layer's first parameter in the flat buffer");
            Const(w, "KernelCount", features * units, "kernel [Features, Units]");
            Const(w, "BiasCount", bias is null ? 0 : units, bias is null ? "no bias" : "bias [Units]");
            using (GridStride(w, "p", "KernelCount + BiasCount"))
            {
                w.Line("float sum = 0f;");
                w.Line("int rowCount = batch * rowsPerSample;");
                using (w.Block("if (p < KernelCount)"))
                {
                    w.Line("int k = p / Units;");
                    w.Line("int u = p - k * Units;");
                    w.Line("for (int r = 0; r < rowCount; r++) sum += input[" + InputRow("r") + " + k] * preActivationGradient[(long)r * Units + u];");
                }

                using (w.Block("else"))
                {
                    w.Line("int u = p - KernelCount;");
                    w.Line("for (int r = 0; r < rowCount; r++) sum += preActivationGradient[(long)r * Units + u];");
                }

                w.Line("gradients[First + p] = sum;");
            }
        }
    }
}
