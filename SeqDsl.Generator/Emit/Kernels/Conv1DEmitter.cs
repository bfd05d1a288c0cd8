using System.Collections.Generic;
using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// Conv1D with Keras's kernel layout [KernelSize · Features, Filters] (row = tap · Features + feature).
/// Forward: one thread per output step of a sample, all filters at once, activation fused.
/// Backward, one launch: one thread per input step gathers the gradient of every window that read it (no scatter, no
/// atomics), from a copy of the kernel transposed to [KernelSize, Filters, PaddedFeatures] (written with every layer's
/// copies before the backward pass, <see cref="Transposes"/>), so that its multiply-adds run over contiguous input
/// features; then, in a second grid-stride loop of the same kernel (it needs nothing the first writes), one thread per
/// (sample, block of four kernel rows of one tap, or the bias row) sums the rows' gradients over the sample's output
/// steps, with contiguous multiply-adds over the filters (zero-padded to whole vectors, <see cref="PaddedFilters"/>),
/// into a per-sample partials
/// workspace, which the model's one <c>WeightGradients</c> launch adds up in sample order (<see cref="SummedPartials"/>). The first layer's backward is the partials alone. The pre-activation gradient dy · f'(y) is
/// recomputed from the stored output where needed, so the layer stores no pre-activation gradient, except that a
/// Conv1D after a Conv1D with a non-linear activation writes its input gradient already times that layer's f', which the
/// earlier layer then reads as it is (<see cref="ActivationFolding"/>). As the last layer
/// with a regression loss it computes the loss gradient itself, from its output and the targets (aligned to its output
/// steps on the host), in both loops (<see cref="FusesLossGradient"/>).
/// On CPU devices (the thread schedule) a run of Conv1D layers runs these same loops over one sample at a time inside
/// stack kernels, a thread per sample through every layer of the run (<see cref="ConvStacks"/>). GPUs (the group
/// schedule) load variants of the same loops with a thread per value computed (Conv1DEmitter.PerValue.cs).
/// </summary>
internal sealed partial class Conv1DEmitter : WindowEmitter
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

    /// <summary>
    /// Kernel rows (features of one tap) per partial-sum thread on CPU backends: each output step's pre-activation
    /// gradients, computed once from the stored output (or read as the next layer wrote them, <see cref="ActivationFolding"/>),
    /// feed this many rows' sums, where a thread per row recomputed
    /// them for every row (the seed's WaveNet: 41 times per output value). GPUs (the group schedule) run a thread per
    /// partial instead (<see cref="EmitPartialsPerValueLoop"/>).
    /// </summary>
    private int CpuRowsPerThread => System.Math.Min(MaxRowsPerThread, features);

    private const int MaxRowsPerThread = 4;

    /// <summary>Blocks of <paramref name="rows"/> features per tap (the last may hold fewer).</summary>
    private int FeatureBlocks(int rows) => (features + rows - 1) / rows;

    /// <summary>Partial-sum threads per sample: a block of rows per tap and feature block, then the bias row on its own.</summary>
    private int PartialBlocks(int rows) => Plan.Spec.KernelSize * FeatureBlocks(rows) + (Tensor("bias") is null ? 0 : 1);

    /// <summary>The GPU variant of kernel <paramref name="method"/>: the same loops with a thread per value they compute.</summary>
    private static string PerValue(string method) => method + "PerValue";

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
    /// The backward kernels' source of the output gradient: the next layer's gradient, or the targets (fused loss; the
    /// kernels take the batch's rows that index them anyway).
    /// </summary>
    private string GradientParameter => "ArrayView<float> " + GradientName;

    /// <summary>The name the backward kernels give their source of the output gradient.</summary>
    private string GradientName => FusesLossGradient ? "targets" : "outputGradient";

    private string GradientArgument => FusesLossGradient ? "batch.Targets" : Io.OutputGradient;

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
            yield return new KernelField(ForwardField, "ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int", Prefix + "Forward", PerValue(Prefix + "Forward"));
            yield return Io.IsFirst
                ? new KernelField(BackwardField, "ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int", Prefix + "WeightGradientPartials", PerValue(Prefix + "WeightGradientPartials"))
                : new KernelField(BackwardField, "ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int", Prefix + "Backward", PerValue(Prefix + "Backward"));
        }
    }

    public override IEnumerable<WeightTranspose> Transposes
    {
        get
        {
            if (!Io.IsFirst)
            {
                yield return new WeightTranspose(Describe() + ": the kernel transposed to [KernelSize, Filters, PaddedFeatures] (zero padding) for the input gradient",
                    FieldPrefix + "Transposed", TransposedCount, EmitTransposeLoop);
            }
        }
    }

    public override IEnumerable<PartialSums> SummedPartials => new[] { new PartialSums(Describe(), FieldPrefix + "WeightPartials", Plan.ParameterOffset, Plan.ParameterCount, MatrixLayout) };

    private string MatrixLayout => "kernel [KernelSize · Features, Filters]" + (Tensor("bias") is null ? "" : " then bias [Filters]");

    /// <summary>The launcher of this layer's forward kernel.</summary>
    internal string ForwardField => FieldPrefix + "Forward";

    /// <summary>The launcher of this layer's backward kernel: the first layer's is its partials alone.</summary>
    internal string BackwardField => FieldPrefix + (Io.IsFirst ? "WeightGradientPartials" : "Backward");

    public override void EmitForward(CodeWriter w) => EmitForward(w, inStackFallback: false);

    public override void EmitBackward(CodeWriter w) => EmitBackward(w, inStackFallback: false);

    /// <summary>
    /// The forward launch. <paramref name="inStackFallback"/>: the launch is in the branch the program takes where this
    /// layer's Conv1D stack is not loaded; only there is the launcher loaded (<see cref="ConvStacks.ReplacedFields"/>), so
    /// the launch says it is not null.
    /// </summary>
    internal void EmitForward(CodeWriter w, bool inStackFallback)
    {
        w.Line("// " + Describe());
        w.Line(ForwardField + (inStackFallback ? "!" : "") + "(" + RecurrentGroupSchedule.Flag + " ? device.GridFor((long)n * " + OutSteps + " * " + I(filters) + ") : device.GridFor(n * " + OutSteps + "), batch.Parameters, "
            + Io.Input + ", batch.Rows, " + Io.Output + ", n, steps, " + OutSteps + ");");
    }

    /// <summary>The backward launch (see <see cref="EmitForward(CodeWriter, bool)"/>).</summary>
    internal void EmitBackward(CodeWriter w, bool inStackFallback)
    {
        w.Line("// " + Describe());
        string launcher = BackwardField + (inStackFallback ? "!" : "");
        if (Io.IsFirst)
        {
            w.Line(launcher + "(" + RecurrentGroupSchedule.Flag + " ? device.GridFor((long)n * " + I(MatrixRows * filters) + ") : device.GridFor(n * " + I(PartialBlocks(CpuRowsPerThread)) + "), " + Io.Input + ", batch.Rows, " + Io.Output + ", " + GradientArgument + ", " + PartialsView + ", n, steps, " + OutSteps + ");");
            return;
        }

        // GPUs: a thread per value of the longer loop (input gradients or partials). CPUs: a thread per item of the shorter
        // loop, each taking its share of the longer one, so that every thread does about the same work: PoCL deals a
        // kernel's groups out to its threads in contiguous ranges, and a grid sized for the longer loop gave the threads
        // of the first range all the partials.
        w.Line(launcher + "(" + RecurrentGroupSchedule.Flag + " ? device.GridFor((long)n * Math.Max(steps * " + I(features) + ", " + I(MatrixRows * filters) + ")) : device.GridFor(n * Math.Min(steps, " + I(PartialBlocks(CpuRowsPerThread)) + ")), batch.Parameters, " + Io.Input + ", batch.Rows, " + Io.Output + ", " + GradientArgument + ", "
            + Io.InputGradient + ", " + TransposedView + ", " + PartialsView + ", n, steps, " + OutSteps + ");");
    }

    public override void EmitKernels(CodeWriter w)
    {
        w.Summary(Describe() + ": forward, one thread per output step of a sample, every filter, activation fused.");
        using (w.Block("public static void " + Prefix + "Forward(ArrayView<float> parameters, ArrayView<float> input, ArrayView<int> rows, ArrayView<float> output, int batch, int steps, int outSteps)"))
        {
            EmitForwardBody(w, inStack: false);
        }

        w.Line();
        EmitForwardPerValue(w, PerValue(Prefix + "Forward"));
        w.Line();
        // The CPU form, then the GPU variant.
        string backward = Prefix + (Io.IsFirst ? "WeightGradientPartials" : "Backward");
        if (Io.IsFirst)
        {
            EmitFirstLayerBackward(w, backward);
            w.Line();
            EmitFirstLayerBackwardPerValue(w, PerValue(backward));
        }
        else
        {
            EmitBackwardKernel(w, backward);
            w.Line();
            EmitBackwardPerValue(w, PerValue(backward));
        }
    }

    /// <summary>
    /// The views the forward reads and writes, each by the name its code uses and with the program's argument for it
    /// (besides <c>parameters</c> and <c>rows</c>, named alike in every kernel): what a stack kernel passes it.
    /// </summary>
    internal IReadOnlyList<(string Name, string Argument)> ForwardViews => new[] { ("input", Io.Input), ("output", Io.Output) };

    /// <summary>The views the backward reads and writes (the first layer's: its partials alone), as <see cref="ForwardViews"/>.</summary>
    internal IReadOnlyList<(string Name, string Argument)> BackwardViews => Io.IsFirst
        ? new[] { ("input", Io.Input), ("output", Io.Output), (GradientName, GradientArgument), ("partials", PartialsView) }
        : new[] { ("input", Io.Input), ("output", Io.Output), (GradientName, GradientArgument), ("inputGradient", Io.InputGradient), ("transposed", TransposedView), ("partials", PartialsView) };

    /// <summary>
    /// This layer's part of a stack kernel's thread (<see cref="ConvStacks"/>), whose sample is <c>b</c>: its input and
    /// output steps, from <paramref name="inputSteps"/>, then the forward's body over that sample's output steps.
    /// </summary>
    internal void EmitStackForward(CodeWriter w, string inputSteps)
    {
        EmitStackSteps(w, inputSteps);
        EmitForwardBody(w, inStack: true);
    }

    /// <summary>This layer's part of a backward stack kernel's thread: the CPU form of its backward over sample <c>b</c> (see <see cref="EmitStackForward"/>).</summary>
    internal void EmitStackBackward(CodeWriter w, string inputSteps)
    {
        EmitStackSteps(w, inputSteps);
        if (Io.IsFirst)
        {
            EmitFirstLayerBackwardBody(w, inStack: true);
        }
        else
        {
            EmitBackwardBody(w, inStack: true);
        }
    }

    /// <summary>
    /// The local arrays this layer's block of a stack kernel uses, with the floats it needs of each: the stack allocates
    /// each name once, as long as its longest use, before its loop over samples (on ILGPU's CPU accelerator every
    /// allocation is a buffer of its own, so one inside that loop would be one per sample and layer). Every block
    /// writes an array before reading it (z per output step, dx per input step, the sums per block of rows), so the
    /// layers share them in turn.
    /// </summary>
    internal IReadOnlyList<(string Name, int Length, string Purpose)> StackScratch(ConvStackDirection direction)
    {
        var sums = ("sum", CpuRowsPerThread * (PadsFilters ? PaddedFilters : filters), "a block's partial weight gradients, row after row");
        return direction == ConvStackDirection.Forward ? new[] { ("z", filters, "one output step's pre-activations") }
            : Io.IsFirst ? new[] { sums }
            : new[] { ("dx", PaddedFeatures, "one input step's gradient"), sums };
    }

    /// <summary>The steps a layer's own kernels take as parameters, declared in its block of a stack kernel.</summary>
    private void EmitStackSteps(CodeWriter w, string inputSteps)
    {
        w.Line("int steps = " + inputSteps + "; // input steps");
        w.Line("int outSteps = " + OutSteps + "; // output steps");
    }

    /// <summary>The forward: in the layer's own kernel, a thread per (sample, output step); in a stack kernel, every output step of sample b.</summary>
    private void EmitForwardBody(CodeWriter w, bool inStack)
    {
        var bias = Tensor("bias");
        EmitForwardConstants(w);
        if (!inStack)
        {
            w.Line("var z = LocalMemory.Allocate<float>(Filters);");
        }

        using (SampleItems(w, inStack, "r", "o", "outSteps"))
        {
            w.Line("long x = " + InputSample("b") + ";");
            w.Line("for (int u = 0; u < Filters; u++) z[u] = " + (bias is null ? "0f" : "parameters[Bias + u]") + ";");
            ConvTaps.EmitForward(w, Weights, ReadStep, "xc", c => "input[(x + t) * Features + " + c + "]", "z");

            w.Line("long y = (long)r * Filters;");
            w.Line("for (int u = 0; u < Filters; u++) output[y + u] = " + ActivationCode.Apply(activation, "z[u]") + ";");
        }
    }

    /// <summary>The forward's constants: the sizes, where the kernel and the bias start, and the window geometry.</summary>
    private void EmitForwardConstants(CodeWriter w)
    {
        Sizes(w);
        Const(w, "Kernel", Tensor("kernel")!.Offset, Plan.Name + "/kernel [KernelSize · Features, Filters]");
        if (Tensor("bias") is { } bias)
        {
            Const(w, "Bias", bias.Offset, Plan.Name + "/bias [Filters]");
        }

        EmitGeometry(w);
    }

    /// <summary>The first layer's backward: its weight gradients' partials alone (no layer before it takes an input gradient).</summary>
    private void EmitFirstLayerBackward(CodeWriter w, string method)
    {
        w.Summary(Describe() + ": each sample's partial weight gradients, " + PartialsDescription + FusedSummary);
        using (w.Block(FirstLayerBackwardSignature(method)))
        {
            EmitFirstLayerBackwardBody(w, inStack: false);
        }
    }

    /// <summary>The first layer's backward kernel's declaration: the partials' inputs, no input gradient.</summary>
    private string FirstLayerBackwardSignature(string method) =>
        "public static void " + method + "(ArrayView<float> input, ArrayView<int> rows, ArrayView<float> output, " + GradientParameter + ", ArrayView<float> partials, int batch, int steps, int outSteps)";

    private void EmitFirstLayerBackwardBody(CodeWriter w, bool inStack)
    {
        Sizes(w);
        EmitFusedLossConstants(w);
        EmitMatrixRows(w);
        EmitGeometry(w);
        EmitSumBuffers(w, inStack);
        EmitPartialsLoop(w, inStack);
    }

    /// <summary>
    /// The backward of a layer after the first: the input gradient, then each sample's weight-gradient partials, two
    /// grid-stride loops of one launch (neither reads what the other writes).
    /// </summary>
    private void EmitBackwardKernel(CodeWriter w, string method)
    {
        w.Summary(Describe() + ": backward, two loops in one launch. The input gradient: one thread per input step of a sample, gathering\n"
            + "every window that read the step from the transposed kernel. Then each sample's partial weight gradients, " + PartialsDescription + FusedSummary);
        using (w.Block(BackwardSignature(method)))
        {
            EmitBackwardBody(w, inStack: false);
        }
    }

    /// <summary>The backward kernel's declaration (a layer after the first): input gradient and partials.</summary>
    private string BackwardSignature(string method) =>
        "public static void " + method + "(ArrayView<float> parameters, ArrayView<float> input, ArrayView<int> rows, ArrayView<float> output, " + GradientParameter
            + ", ArrayView<float> inputGradient, ArrayView<float> transposed, ArrayView<float> partials, int batch, int steps, int outSteps)";

    /// <summary>The backward after the first layer: in its own kernel, or in a stack kernel over sample b alone (see <see cref="SampleItems"/>).</summary>
    private void EmitBackwardBody(CodeWriter w, bool inStack)
    {
        Sizes(w);
        Const(w, "PaddedFeatures", PaddedFeatures, "a row of the transposed kernel, zero-padded to whole vectors");
        EmitMatrixRows(w);
        EmitFusedLossConstants(w);
        EmitGeometry(w);
        if (!inStack)
        {
            w.Line("var dx = LocalMemory.Allocate<float>(PaddedFeatures); // one input step's gradient");
        }

        EmitSumBuffers(w, inStack);
        using (SampleItems(w, inStack, "r", "t", "steps"))
        {
            w.Line("for (int c = 0; c < PaddedFeatures; c++) dx[c] = 0f;");
            var readBy = new TapStep("shifted >= 0 && o * Strides == shifted && o < outSteps", "",
                "int shifted = t + padLeft - k * Dilation; // = o · Strides for the window whose tap k is step t",
                "int o = shifted / Strides;");
            ConvTaps.EmitGradientGather(w, Weights, readBy, "long y = ((long)b * outSteps + o) * Filters;", u => Delta("y + " + u), "dx", "pre-activation gradient",
                linesBefore: u => EmitError(w, "y + " + u, "((long)rows[b] * outSteps + o) * Filters + " + u), paddedIn: "PaddedFeatures");

            EmitInputGradientStore(w);
        }

        w.Line();
        EmitPartialsLoop(w, inStack);
    }

    private string PartialsDescription => (CpuRowsPerThread == 1
            ? "one thread per (sample, row of [kernel; bias]): the row's input value\n"
            : "one thread per (sample, block of " + I(CpuRowsPerThread) + " kernel rows of one tap" + (Tensor("bias") is null ? "" : ", or the bias row") + "): each row's input value\n")
        + "(tap k, feature c; 1 for the bias row) at every output step whose window reads it, times that step's pre-activation gradients (computed once\n"
        + "for the block), summed over the output steps in order.";

    /// <summary>Writes the kernel [KernelSize · Features, Filters] transposed, [KernelSize, Filters, PaddedFeatures] with zero padding, into <paramref name="transposed"/>, one thread per element.</summary>
    private void EmitTransposeLoop(CodeWriter w, string transposed)
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
            w.Line(transposed + "[p] = c < Features ? parameters[Kernel + (k * Features + c) * Filters + u] : 0f;");
        }
    }

    /// <summary>The kernel [KernelSize · Features, Filters] as the forward and input-gradient kernels name it.</summary>
    private static readonly ConvWeights Weights = new("Kernel", "Features", "Filters");

    /// <summary>The input step t that tap k of output step o reads (Keras's window geometry, see <see cref="WindowEmitter"/>).</summary>
    private static readonly TapStep ReadStep = new("t >= 0 && t < steps", "outside: zero padding, adds nothing", "int t = o * Strides + k * Dilation - padLeft;");


    /// <summary>
    /// The pre-activation gradient of output value <paramref name="y"/>: dy · f'(y), f' recomputed from the stored output;
    /// with the fused loss, dy from <c>error</c> (see <see cref="EmitError"/>). Read as it is where the next layer
    /// wrote it with f' applied (<see cref="ActivationFolding"/>).
    /// </summary>
    private string Delta(string y) =>
        FusesLossGradient ? LossEmitter.RegressionGradient(Io.Loss, "error") + " * lossScale * " + ActivationCode.DerivativeFromOutput(activation, "output[" + y + "]")
        : Io.OutputGradientIsPreActivation ? "outputGradient[" + y + "]"
        : "outputGradient[" + y + "] * " + ActivationCode.DerivativeFromOutput(activation, "output[" + y + "]");

    /// <summary>
    /// Stores step r's input gradient <c>dx</c>, first multiplied by the derivative of the layer before's activation where
    /// this layer folds it in (<see cref="ActivationFolding"/>; the input is that layer's output). The multiply is a loop
    /// of its own so that host code vectorizes both loops (Emit.Host.LoopVectorizer keeps a loop scalar that writes one
    /// kernel argument and reads another).
    /// </summary>
    private void EmitInputGradientStore(CodeWriter w)
    {
        if (Io.InputDerivative is { } before)
        {
            w.Line("for (int c = 0; c < Features; c++) dx[c] = dx[c] * " + ActivationCode.DerivativeFromOutput(before, "input[(long)r * Features + c]") + "; // the layer before's pre-activation gradient");
        }

        w.Line("for (int c = 0; c < Features; c++) inputGradient[(long)r * Features + c] = dx[c];");
    }

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
            w.Line("float error = " + Error(y, target) + "; // prediction − target");
        }
    }

    /// <summary>Output value <paramref name="y"/> minus its target at <paramref name="target"/>.</summary>
    private static string Error(string y, string target) => "output[" + y + "] - targets[" + target + "]";

    /// <summary>
    /// Filters zero-padded to whole vectors: the row length of a CPU thread's sums. PoCL's LLVM vectorized the seed
    /// WaveNet's 20-filter loop 4 wide (a width that divides 20) and loaded and stored the sums at every step; over 24
    /// it runs 8 wide with the sums in registers (the seed's WaveNet epoch 0.75 → 0.68 s on PoCL).
    /// </summary>
    private int PaddedFilters => PadToVectors(filters);

    /// <summary>Whether the filters are not whole vectors already (nor shorter than one).</summary>
    private bool PadsFilters => PaddedFilters != filters;

    /// <summary>The row length of a thread's sums: the filters, zero-padded to whole vectors where they are not.</summary>
    private string SumRow => PadsFilters ? "PaddedFilters" : "Filters";

    /// <summary>
    /// Declares a thread's sums, rows of <see cref="SumRow"/> floats (and the padded width where it differs); in a stack
    /// kernel only the width, the stack allocating the sums once for all its layers (<see cref="StackScratch"/>).
    /// </summary>
    private void EmitSumBuffers(CodeWriter w, bool inStack)
    {
        if (PadsFilters)
        {
            Const(w, "PaddedFilters", PaddedFilters, "a row of a thread's sums, zero-padded to whole vectors");
        }

        if (!inStack)
        {
            w.Line("var sum = LocalMemory.Allocate<float>(RowsPerThread * " + SumRow + "); // the block's partial weight gradients, row after row");
        }
    }

    /// <summary>
    /// For every filter u: the pre-activation gradient of output row <c>y</c>, computed once, added to the block's sums,
    /// times each row's input value <c>x0</c>, <c>x1</c>, … (<paramref name="rows"/> of them), or alone for the bias row
    /// (<paramref name="rows"/> = 0). CPUs run u over the padded width, the padding's gradients 0, so that every
    /// vector of the loop is whole: a separate loop writing the gradients to a padded buffer first stored the last
    /// vector in halves and read it back whole, stalling each step on store forwarding.
    /// </summary>
    private void EmitSumLoop(CodeWriter w, int rows)
    {
        if (FusesLossGradient)
        {
            w.Line("long target = ((long)rows[b] * outSteps + o) * Filters; // the targets are aligned to the output steps");
        }

        using (w.Block("for (int u = 0; u < " + SumRow + "; u++)"))
        {
            if (!PadsFilters)
            {
                EmitError(w, "y + u", "target + u");
                w.Line("float delta = " + Delta("y + u") + "; // pre-activation gradient");
            }
            else
            {
                // Guarded reads: past Filters a row ends (and the last row, the buffer). Host code runs u to Filters
                // (Emit.Host.PaddedLoop).
                if (FusesLossGradient)
                {
                    w.Line("float error = u < Filters ? " + Error("y + u", "target + u") + " : 0f; // prediction − target");
                }

                w.Line("float delta = u < Filters ? " + Delta("y + u") + " : 0f; // pre-activation gradient");
            }

            EmitSums(w, rows, SumRow);
        }
    }

    /// <summary>Adds filter u's pre-activation gradient <c>delta</c> to each row's sum (rows <paramref name="width"/> apart), times the row's input value.</summary>
    private static void EmitSums(CodeWriter w, int rows, string width)
    {
        if (rows == 0)
        {
            w.Line("sum[u] += delta;");
        }

        for (int i = 0; i < rows; i++)
        {
            w.Line(MultiplyAddCode.Accumulate("sum[" + (i == 0 ? "" : i == 1 ? width + " + " : I(i) + " * " + width + " + ") + "u]", "x" + I(i), "delta"));
        }
    }

    /// <summary>The CPU form's partial-sum blocks: the matrix's rows (<see cref="EmitMatrixRowCounts"/>) and how its threads take them.</summary>
    private void EmitMatrixRows(CodeWriter w)
    {
        int rows = CpuRowsPerThread;
        EmitMatrixRowCounts(w);
        Const(w, "RowsPerThread", rows, "kernel rows of one tap per partial-sum thread: each pre-activation gradient feeds this many sums");
        Const(w, "FeatureBlocks", FeatureBlocks(rows), "blocks of rows per tap (the last may hold fewer)");
        Const(w, "Blocks", PartialBlocks(rows), "partial-sum threads per sample: the taps' blocks" + (Tensor("bias") is null ? "" : ", then the bias row"));
    }

    /// <summary>The rows of [kernel; bias]: <c>KernelRows</c> (where a bias row follows them) and <c>MatrixRows</c>.</summary>
    private void EmitMatrixRowCounts(CodeWriter w)
    {
        if (Tensor("bias") is not null)
        {
            Const(w, "KernelRows", KernelRows, "kernel rows, row = tap · Features + feature; the bias row follows");
        }

        Const(w, "MatrixRows", MatrixRows, Tensor("bias") is null ? "kernel rows (no bias), row = tap · Features + feature" : "kernel rows, then the bias row");
    }

    /// <summary>
    /// The loop of the weight gradients' per-sample partials (grid-stride, or over sample b's blocks in a stack), into <c>partials</c> (a sample's copy of
    /// [kernel; bias] after another). Every sum adds its terms in output-step order.
    /// </summary>
    private void EmitPartialsLoop(CodeWriter w, bool inStack)
    {
        int rows = CpuRowsPerThread;
        string width = SumRow;
        bool hasBias = Tensor("bias") is not null;
        using (SampleItems(w, inStack, "item", "block", "Blocks", bodyReadsFlat: false))
        {
            w.Line("for (int q = 0; q < RowsPerThread * " + width + "; q++) sum[q] = 0f;");
            w.Line("int row0; // the block's first matrix row");
            w.Line("int count; // rows in the block");
            using (w.Block(hasBias ? "if (block < KernelSize * FeatureBlocks)" : "// every block is one of kernel rows (no bias row)"))
            {
                w.Line("int k = block / FeatureBlocks; // tap");
                w.Line("int c0 = (block - k * FeatureBlocks) * RowsPerThread; // the block's first feature");
                w.Line("row0 = k * Features + c0;");
                w.Line("count = Features - c0 < RowsPerThread ? Features - c0 : RowsPerThread;");
                EmitStepsReadByTap(w, () =>
                {
                    w.Line("long at = (x + t) * Features + c0;");
                    for (int i = 0; i < rows; i++)
                    {
                        // Rows past the block's end multiply by 0: their sums stay 0 and are never stored.
                        w.Line("float x" + I(i) + " = " + (i == 0 ? "input[at]" : "count > " + I(i) + " ? input[at + " + I(i) + "] : 0f") + ";");
                    }

                    w.Line("long y = ((long)b * outSteps + o) * Filters;");
                    EmitSumLoop(w, rows);
                });
            }

            if (hasBias)
            {
                using (w.Block("else"))
                {
                    w.Line("row0 = KernelRows; // the bias row, on its own");
                    w.Line("count = 1;");
                    using (w.Block("for (int o = 0; o < outSteps; o++)"))
                    {
                        w.Line("long y = ((long)b * outSteps + o) * Filters;");
                        EmitSumLoop(w, 0);
                    }
                }
            }

            using (w.Block("for (int i = 0; i < count; i++)"))
            {
                w.Line("long partial = ((long)b * MatrixRows + row0 + i) * Filters; // sample b's copy of [kernel; bias], row row0 + i");
                w.Line("for (int u = 0; u < Filters; u++) partials[partial + u] = sum[i * " + width + " + u];");
            }
        }
    }

    /// <summary>
    /// The partials' walk over sample b's output steps o in order, <paramref name="body"/> for each whose window reads an
    /// input step t (not padding) with tap k; declares <c>x</c>, the sample's first input step, before it.
    /// </summary>
    private void EmitStepsReadByTap(CodeWriter w, System.Action body)
    {
        w.Line("long x = " + InputSample("b") + ";");
        using (w.Block("for (int o = 0; o < outSteps; o++)"))
        {
            w.Line("int t = o * Strides + k * Dilation - padLeft;");
            using (w.Block("if (t >= 0 && t < steps) // outside: zero padding, adds nothing"))
            {
                body();
            }
        }
    }

    private void Sizes(CodeWriter w)
    {
        Const(w, "Features", features, "input features per step");
        Const(w, "Filters", filters, "output features per step");
    }
}
