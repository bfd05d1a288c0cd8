using System.Collections.Generic;
using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// Conv1D with Keras's kernel layout [KernelSize · Features, Filters] (row = tap · Features + feature).
/// Forward: one thread per output step of a sample, all filters at once, activation fused.
/// Backward: one thread per input step gathers the gradient of every window that read it (no scatter, no atomics),
/// from a copy of the kernel transposed to [KernelSize, Filters, PaddedFeatures] one launch before, so that its
/// multiply-adds run over contiguous input features.
/// The weight gradients take two launches: one thread per (sample, row of [kernel; bias]) sums the row's gradient over
/// the sample's output steps, with contiguous multiply-adds over the filters, into a per-sample partials workspace;
/// then one thread per weight adds the samples' partials in order. The pre-activation gradient dy · f'(y) is
/// recomputed from the stored output where needed, so the layer stores no pre-activation gradient. As the last layer
/// with a regression loss it computes the loss gradient itself, from its output and the targets (aligned to its output
/// steps on the host), in both backward kernels (<see cref="FusesLossGradient"/>).
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

    /// <summary>Rows of the kernel: row = tap · Features + feature.</summary>
    private int KernelRows => Plan.Spec.KernelSize * features;

    /// <summary>Rows of the [kernel; bias] matrix the weight gradients are summed by.</summary>
    private int MatrixRows => KernelRows + (Tensor("bias") is null ? 0 : 1);

    private string PartialsView => FieldPrefix + "WeightPartials!.View";

    private string TransposedView => FieldPrefix + "Transposed!.View";

    /// <summary>Input features zero-padded to whole vectors: a row of the transposed kernel the input gradient reads.</summary>
    private int PaddedFeatures => PadToVectors(features);

    /// <summary>Floats of the transposed kernel [KernelSize, Filters, PaddedFeatures].</summary>
    private int TransposedCount => Plan.Spec.KernelSize * filters * PaddedFeatures;

    /// <summary>
    /// The last Conv1D with a regression loss computes d(loss)/d(output) from its output and the targets wherever the
    /// backward kernels need it, so no separate kernel writes a loss-gradient buffer (the seed's WaveNet-style stacks
    /// end in a Conv1D(…, 1) head).
    /// </summary>
    public override bool FusesLossGradient => Io.IsLast && Io.Loss is LossKind.Mse or LossKind.Mae or LossKind.Huber;

    /// <summary>
    /// The backward kernels' source of the output gradient: the next layer's gradient, or the targets (fused loss) and,
    /// unless the kernel already takes them (<paramref name="hasRows"/>), the batch's rows that index them.
    /// </summary>
    private string GradientParameters(bool hasRows) =>
        !FusesLossGradient ? "ArrayView<float> outputGradient" : hasRows ? "ArrayView<float> targets" : "ArrayView<float> targets, ArrayView<int> rows";

    private string GradientTypes(bool hasRows) => FusesLossGradient && !hasRows ? "ArrayView<float>, ArrayView<int>" : "ArrayView<float>";

    private string GradientArguments(bool hasRows) => !FusesLossGradient ? Io.OutputGradient : hasRows ? "batch.Targets" : "batch.Targets, batch.Rows";

    public override IEnumerable<WorkspaceBuffer> Workspace
    {
        get
        {
            yield return new WorkspaceBuffer(FieldPrefix + "WeightPartials", I(Plan.ParameterCount), "each sample's partial gradient of kernel and bias, summed over its output steps");
            if (!Io.IsFirst)
            {
                yield return new WorkspaceBuffer(FieldPrefix + "Transposed", I(TransposedCount), "the kernel transposed (rows padded) for the input gradient", PerBatch: true);
            }
        }
    }

    public override IEnumerable<KernelField> Kernels
    {
        get
        {
            yield return new KernelField(FieldPrefix + "Forward", "ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int", Prefix + "Forward");
            if (!Io.IsFirst)
            {
                yield return new KernelField(FieldPrefix + "TransposeWeights", "ArrayView<float>, ArrayView<float>", Prefix + "TransposeWeights");
                yield return new KernelField(FieldPrefix + "Backward", "ArrayView<float>, ArrayView<float>, " + GradientTypes(hasRows: false) + ", ArrayView<float>, ArrayView<float>, int, int, int", Prefix + "Backward");
            }

            yield return new KernelField(FieldPrefix + "WeightGradientPartials", "ArrayView<float>, ArrayView<int>, ArrayView<float>, " + GradientTypes(hasRows: true) + ", ArrayView<float>, int, int, int", Prefix + "WeightGradientPartials");
            yield return new KernelField(FieldPrefix + "WeightGradients", "ArrayView<float>, ArrayView<float>, int", Prefix + "WeightGradients");
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
            w.Line(FieldPrefix + "TransposeWeights(device.GridFor(" + I(TransposedCount) + "), batch.Parameters, " + TransposedView + ");");
            w.Line(FieldPrefix + "Backward(device.GridFor(n * steps), batch.Parameters, " + Io.Output + ", " + GradientArguments(hasRows: false) + ", " + Io.InputGradient + ", " + TransposedView + ", n, steps, " + OutSteps + ");");
        }

        w.Line(FieldPrefix + "WeightGradientPartials(device.GridFor(n * " + I(MatrixRows) + "), " + Io.Input + ", batch.Rows, " + Io.Output + ", " + GradientArguments(hasRows: true) + ", " + PartialsView + ", n, steps, " + OutSteps + ");");
        w.Line(FieldPrefix + "WeightGradients(device.GridFor(" + I(Plan.ParameterCount) + "), " + PartialsView + ", batch.Gradients, n);");
    }

    public override void EmitKernels(CodeWriter w)
    {
        var bias = Tensor("bias");

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
                ConvTaps.EmitForward(w, Weights, ReadStep, "xc", c => "input[(x + t) * Features + " + c + "]", "z");

                w.Line("long y = (long)r * Filters;");
                w.Line("for (int u = 0; u < Filters; u++) output[y + u] = " + ActivationCode.Apply(activation, "z[u]") + ";");
            }
        }

        if (!Io.IsFirst)
        {
            w.Line();
            EmitTransposeKernel(w);
            w.Line();
            w.Summary(Describe() + ": input gradient, one thread per input step of a sample, gathering every window that read the step\nfrom the transposed kernel." + FusedSummary);
            using (w.Block("public static void " + Prefix + "Backward(ArrayView<float> parameters, ArrayView<float> output, " + GradientParameters(hasRows: false) + ", ArrayView<float> inputGradient, ArrayView<float> transposed, int batch, int steps, int outSteps)"))
            {
                Sizes(w);
                Const(w, "PaddedFeatures", PaddedFeatures, "a row of the transposed kernel, zero-padded to whole vectors");
                EmitFusedLossConstants(w);
                EmitGeometry(w);
                w.Line("var dx = LocalMemory.Allocate<float>(PaddedFeatures);");
                using (GridStride(w, "r", "batch * steps"))
                {
                    w.Line("int b = r / steps;");
                    w.Line("int t = r - b * steps;");
                    w.Line("for (int c = 0; c < PaddedFeatures; c++) dx[c] = 0f;");
                    var readBy = new TapStep("shifted >= 0 && o * Strides == shifted && o < outSteps", "",
                        "int shifted = t + padLeft - k * Dilation; // = o · Strides for the window whose tap k is step t",
                        "int o = shifted / Strides;");
                    ConvTaps.EmitGradientGather(w, Weights, readBy, "long y = ((long)b * outSteps + o) * Filters;", u => Delta("y + " + u), "dx", "pre-activation gradient",
                        linesBefore: u => EmitError(w, "y + " + u, "((long)rows[b] * outSteps + o) * Filters + " + u), paddedIn: "PaddedFeatures");

                    w.Line("for (int c = 0; c < Features; c++) inputGradient[(long)r * Features + c] = dx[c];");
                }
            }
        }

        w.Line();
        EmitWeightGradientPartials(w);
        w.Line();
        EmitPartialsReduction(w, Plan.ParameterCount, "kernel [KernelSize · Features, Filters]" + (bias is null ? "" : " then bias [Filters]"));
    }

    /// <summary>The kernel [KernelSize · Features, Filters] written transposed, [KernelSize, Filters, PaddedFeatures] with zero padding, one thread per element.</summary>
    private void EmitTransposeKernel(CodeWriter w)
    {
        w.Summary(Describe() + ": the kernel transposed to [KernelSize, Filters, PaddedFeatures] (zero padding) for the input gradient, one thread per element.");
        using (w.Block("public static void " + Prefix + "TransposeWeights(ArrayView<float> parameters, ArrayView<float> transposed)"))
        {
            Sizes(w);
            Const(w, "Kernel", Tensor("kernel")!.Offset, Plan.Name + "/kernel [KernelSize · Features, Filters]");
            Const(w, "PaddedFeatures", PaddedFeatures, "a row of the transposed kernel, zero-padded to whole vectors");
            using (GridStride(w, "p", I(TransposedCount)))
            {
                w.Line("int row = p / PaddedFeatures; // = tap · Filters + filter");
                w.Line("int c = p - row * PaddedFeatures; // the input feature, or padding");
                w.Line("int k = row / Filters; // the tap");
                w.Line("int u = row - k * Filters; // the filter");
                w.Line("transposed[p] = c < Features ? parameters[Kernel + (k * Features + c) * Filters + u] : 0f;");
            }
        }
    }

    /// <summary>The kernel [KernelSize · Features, Filters] as the forward and input-gradient kernels name it.</summary>
    private static readonly ConvWeights Weights = new("Kernel", "Features", "Filters");

    /// <summary>The input step t that tap k of output step o reads (Keras's window geometry, see <see cref="WindowEmitter"/>).</summary>
    private static readonly TapStep ReadStep = new("t >= 0 && t < steps", "outside: zero padding, adds nothing", "int t = o * Strides + k * Dilation - padLeft;");


    /// <summary>
    /// The pre-activation gradient of output value <paramref name="y"/>: dy · f'(y), f' recomputed from the stored output;
    /// with the fused loss, dy from <c>error</c> (see <see cref="EmitError"/>).
    /// </summary>
    private string Delta(string y) =>
        (FusesLossGradient ? LossEmitter.RegressionGradient(Io.Loss, "error") + " * lossScale" : "outputGradient[" + y + "]")
        + " * " + ActivationCode.DerivativeFromOutput(activation, "output[" + y + "]");

    private string FusedSummary => FusesLossGradient ? "\nThe " + Io.Loss + " loss gradient is fused in: computed from the outputs and the targets (aligned to the output steps)." : "";

    /// <summary>The constants of the fused loss gradient: the batch-mean scale (and Huber's δ), as the loss kernel's.</summary>
    private void EmitFusedLossConstants(CodeWriter w)
    {
        if (!FusesLossGradient)
        {
            return;
        }

        w.Line("float lossScale = 1f / ((float)batch * outSteps * Filters); // d(batch-mean of per-sample means)/d(output)");
        if (Io.Loss == LossKind.Huber)
        {
            w.Line("const float Delta = 1f; // Keras's default Huber delta");
        }
    }

    /// <summary>With the fused loss: declares <c>error</c>, output value <paramref name="y"/> minus its target at <paramref name="target"/>.</summary>
    private void EmitError(CodeWriter w, string y, string target)
    {
        if (FusesLossGradient)
        {
            w.Line("float error = output[" + y + "] - targets[" + target + "]; // prediction − target");
        }
    }

    /// <summary>sum[u] += <paramref name="factor"/> times the pre-activation gradient of output row <c>y</c>, for every filter.</summary>
    private void EmitSumLoop(CodeWriter w, string factor)
    {
        if (!FusesLossGradient)
        {
            w.Line("for (int u = 0; u < Filters; u++) sum[u] += " + factor + Delta("y + u") + ";");
            return;
        }

        w.Line("long target = ((long)rows[b] * outSteps + o) * Filters; // the targets are aligned to the output steps");
        using (w.Block("for (int u = 0; u < Filters; u++)"))
        {
            EmitError(w, "y + u", "target + u");
            w.Line("sum[u] += " + factor + Delta("y + u") + ";");
        }
    }

    private void EmitWeightGradientPartials(CodeWriter w)
    {
        bool hasBias = Tensor("bias") is not null;
        w.Summary(Describe() + ": each sample's partial weight gradients, one thread per (sample, row of [kernel; bias]): the row's input value\n"
            + "(tap k, feature c; 1 for the bias row) at every output step whose window reads it, times that step's pre-activation gradients, summed over the output steps in order." + FusedSummary);
        using (w.Block("public static void " + Prefix + "WeightGradientPartials(ArrayView<float> input, ArrayView<int> rows, ArrayView<float> output, " + GradientParameters(hasRows: true) + ", ArrayView<float> partials, int batch, int steps, int outSteps)"))
        {
            Sizes(w);
            EmitFusedLossConstants(w);
            Const(w, "KernelRows", KernelRows, "kernel rows, row = tap · Features + feature");
            Const(w, "MatrixRows", MatrixRows, hasBias ? "kernel rows, then the bias row" : "kernel rows (no bias)");
            EmitGeometry(w, taps: false);
            Const(w, "Dilation", Plan.Spec.Dilation, "steps between taps");
            w.Line("var sum = LocalMemory.Allocate<float>(Filters); // this row's partial gradient");
            using (GridStride(w, "item", "batch * MatrixRows"))
            {
                w.Line("int b = item / MatrixRows;");
                w.Line("int row = item - b * MatrixRows;" + (hasBias ? " // a kernel row, or the bias row when row == KernelRows" : ""));
                w.Line("for (int u = 0; u < Filters; u++) sum[u] = 0f;");
                using (w.Block("if (row < KernelRows)" + (hasBias ? "" : " // always: no bias row")))
                {
                    w.Line("int k = row / Features; // tap");
                    w.Line("int c = row - k * Features; // feature");
                    w.Line("long x = " + InputSample("b") + ";");
                    using (w.Block("for (int o = 0; o < outSteps; o++)"))
                    {
                        w.Line("int t = o * Strides + k * Dilation - padLeft;");
                        using (w.Block("if (t >= 0 && t < steps) // outside: zero padding, adds nothing"))
                        {
                            w.Line("float xc = input[(x + t) * Features + c];");
                            w.Line("long y = ((long)b * outSteps + o) * Filters;");
                            EmitSumLoop(w, "xc * ");
                        }
                    }
                }

                if (hasBias)
                {
                    using (w.Block("else"))
                    {
                        using (w.Block("for (int o = 0; o < outSteps; o++)"))
                        {
                            w.Line("long y = ((long)b * outSteps + o) * Filters;");
                            EmitSumLoop(w, "");
                        }
                    }
                }

                w.Line("long partial = (long)item * Filters; // = b · MatrixRows · Filters + row · Filters: sample b's copy of [kernel; bias]");
                w.Line("for (int u = 0; u < Filters; u++) partials[partial + u] = sum[u];");
            }
        }
    }

    private void Sizes(CodeWriter w)
    {
        Const(w, "Features", features, "input features per step");
        Const(w, "Filters", filters, "output features per step");
    }
}
