using System.Collections.Generic;
using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// Conv1D with Keras's kernel layout [KernelSize · Features, Filters] (row = tap · Features + feature).
/// Forward: one thread per output step of a sample, all filters at once, activation fused.
/// Backward: one thread per input step gathers the gradient of every window that read it (no scatter, no atomics);
/// then one thread per weight sums over samples and output steps in a fixed order. The pre-activation gradient
/// dy · f'(y) is recomputed from the stored output where needed, so the layer keeps no workspace.
/// </summary>
internal sealed class Conv1DEmitter : WindowEmitter
{
    private readonly int features;
    private readonly int filters;
    private readonly ActivationKind activation;

    public Conv1DEmitter(LayerPlan plan, LayerIo io)
        : base(plan, io)
    {
        features = plan.Input.Features;
        filters = plan.Output.Features;
        activation = ActivationCode.Resolve(plan.Spec.Activation, ActivationKind.Linear);
    }

    /// <summary>Why this Conv1D cannot be emitted, or null.</summary>
    public static string? Unsupported(LayerPlan plan) =>
        plan.Spec.Activation == (int)ActivationKind.Softmax ? "Conv1D with a softmax activation" : null;

    public override IEnumerable<WorkspaceBuffer> Workspace
    {
        get { yield break; }
    }

    public override IEnumerable<KernelField> Kernels
    {
        get
        {
            yield return new KernelField(FieldPrefix + "Forward", "ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int", Prefix + "Forward");
            if (!Io.IsFirst)
            {
                yield return new KernelField(FieldPrefix + "Backward", "ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int", Prefix + "Backward");
            }

            yield return new KernelField(FieldPrefix + "WeightGradients", "ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int", Prefix + "WeightGradients");
        }
    }

    public override void EmitForward(CodeWriter w)
    {
        w.Line("// " + Describe());
        w.Line(FieldPrefix + "Forward(device.GridFor(n * " + OutSteps + "), batch.Parameters, " + Io.Input + ", batch.Rows, " + Io.Output + ", n, steps, " + OutSteps + ");");
    }

    public override void EmitBackward(CodeWriter w)
    {
        w.Line("// " + Describe());
        if (!Io.IsFirst)
        {
            w.Line(FieldPrefix + "Backward(device.GridFor(n * steps), batch.Parameters, " + Io.Output + ", " + Io.OutputGradient + ", " + Io.InputGradient + ", n, steps, " + OutSteps + ");");
        }

        w.Line(FieldPrefix + "WeightGradients(device.GridFor(" + I(Plan.ParameterCount) + "), " + Io.Input + ", batch.Rows, " + Io.Output + ", " + Io.OutputGradient + ", batch.Gradients, n, steps, " + OutSteps + ");");
    }

    public override void EmitKernels(CodeWriter w)
    {
        var bias = Tensor("bias");
        string delta = "outputGradient[y] * " + ActivationCode.DerivativeFromOutput(activation, "output[y]");

        w.Summary(Describe() + ": forward, one thread per output step of a sample, every filter, activation fused.");
        using (w.Block("public static void " + Prefix + "Forward(ArrayView<float> parameters, ArrayView<float> input, ArrayView<int> rows, ArrayView<float> output, int batch, int steps, int outSteps)"))
        {
            Sizes(w);
            Const(w, "Kernel", Tensor("kernel")!.Offset, Plan.Name + "/kernel [KernelSize · Features, Filters]");
            if (bias is not null)
            {
                Const(w, "Bias", bias.Offset, Plan.Name + "/bias [Filters]");
            }

            EmitGeometry(w);
            w.Line("var z = LocalMemory.Allocate<float>(Filters);");
            using (GridStride(w, "r", "batch * outSteps"))
            {
                w.Line("int b = r / outSteps;");
                w.Line("int o = r - b * outSteps;");
                w.Line("long x = " + InputSample("b") + ";");
                w.Line("for (int u = 0; u < Filters; u++) z[u] = " + (bias is null ? "0f" : "parameters[Bias + u]") + ";");
                using (w.Block("for (int k = 0; k < KernelSize; k++)"))
                {
                    w.Line("int t = o * Strides + k * Dilation - padLeft;");
                    using (w.Block("if (t >= 0 && t < steps) // outside: zero padding, adds nothing"))
                    {
                        using (w.Block("for (int c = 0; c < Features; c++)"))
                        {
                            w.Line("float xc = input[(x + t) * Features + c];");
                            w.Line("int row = Kernel + (k * Features + c) * Filters;");
                            w.Line("for (int u = 0; u < Filters; u++) z[u] += xc * parameters[row + u];");
                        }
                    }
                }

                w.Line("long y = (long)r * Filters;");
                w.Line("for (int u = 0; u < Filters; u++) output[y + u] = " + ActivationCode.Apply(activation, "z[u]") + ";");
            }
        }

        if (!Io.IsFirst)
        {
            w.Line();
            w.Summary(Describe() + ": input gradient, one thread per input step of a sample, gathering every window that read the step.");
            using (w.Block("public static void " + Prefix + "Backward(ArrayView<float> parameters, ArrayView<float> output, ArrayView<float> outputGradient, ArrayView<float> inputGradient, int batch, int steps, int outSteps)"))
            {
                Sizes(w);
                Const(w, "Kernel", Tensor("kernel")!.Offset, Plan.Name + "/kernel [KernelSize · Features, Filters]");
                EmitGeometry(w);
                w.Line("var dx = LocalMemory.Allocate<float>(Features);");
                using (GridStride(w, "r", "batch * steps"))
                {
                    w.Line("int b = r / steps;");
                    w.Line("int t = r - b * steps;");
                    w.Line("for (int c = 0; c < Features; c++) dx[c] = 0f;");
                    using (w.Block("for (int k = 0; k < KernelSize; k++)"))
                    {
                        w.Line("int shifted = t + padLeft - k * Dilation; // = o · Strides for the window whose tap k is step t");
                        w.Line("int o = shifted / Strides;");
                        using (w.Block("if (shifted >= 0 && o * Strides == shifted && o < outSteps)"))
                        {
                            w.Line("long yRow = ((long)b * outSteps + o) * Filters;");
                            using (w.Block("for (int u = 0; u < Filters; u++)"))
                            {
                                w.Line("long y = yRow + u;");
                                w.Line("float d = " + delta + "; // pre-activation gradient");
                                w.Line("int column = Kernel + k * Features * Filters + u;");
                                w.Line("for (int c = 0; c < Features; c++) dx[c] += parameters[column + c * Filters] * d;");
                            }
                        }
                    }

                    w.Line("for (int c = 0; c < Features; c++) inputGradient[(long)r * Features + c] = dx[c];");
                }
            }
        }

        w.Line();
        w.Summary(Describe() + ": gradient of every weight, one thread per weight, summed over samples and output steps in a fixed order.");
        using (w.Block("public static void " + Prefix + "WeightGradients(ArrayView<float> input, ArrayView<int> rows, ArrayView<float> output, ArrayView<float> outputGradient, ArrayView<float> gradients, int batch, int steps, int outSteps)"))
        {
            Sizes(w);
            Const(w, "First", Plan.ParameterOffset, "this layer's first parameter in the flat buffer");
            Const(w, "KernelCount", Plan.Spec.KernelSize * features * filters, "kernel [KernelSize · Features, Filters]");
            Const(w, "BiasCount", bias is null ? 0 : filters, bias is null ? "no bias" : "bias [Filters]");
            EmitGeometry(w, taps: false);
            Const(w, "Dilation", Plan.Spec.Dilation, "steps between taps");
            using (GridStride(w, "p", "KernelCount + BiasCount"))
            {
                w.Line("float sum = 0f;");
                using (w.Block("if (p < KernelCount)"))
                {
                    w.Line("int k = p / (Features * Filters);");
                    w.Line("int c = (p / Filters) % Features;");
                    w.Line("int u = p % Filters;");
                    using (w.Block("for (int b = 0; b < batch; b++)"))
                    {
                        w.Line("long x = " + InputSample("b") + ";");
                        using (w.Block("for (int o = 0; o < outSteps; o++)"))
                        {
                            w.Line("int t = o * Strides + k * Dilation - padLeft;");
                            using (w.Block("if (t >= 0 && t < steps)"))
                            {
                                w.Line("long y = ((long)b * outSteps + o) * Filters + u;");
                                w.Line("sum += input[(x + t) * Features + c] * " + delta + ";");
                            }
                        }
                    }
                }

                using (w.Block("else"))
                {
                    w.Line("int u = p - KernelCount;");
                    using (w.Block("for (int r = 0; r < batch * outSteps; r++)"))
                    {
                        w.Line("long y = (long)r * Filters + u;");
                        w.Line("sum += " + delta + ";");
                    }
                }

                w.Line("gradients[First + p] = sum;");
            }
        }
    }

    private void Sizes(CodeWriter w)
    {
        Const(w, "Features", features, "input features per step");
        Const(w, "Filters", filters, "output features per step");
    }
}
