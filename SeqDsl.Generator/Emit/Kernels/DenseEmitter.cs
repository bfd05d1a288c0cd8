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

    /// <summary>
    /// TimeDistributed over a sequence: the weight gradients are first summed per sample over its steps (one thread
    /// per sample and kernel row, contiguous multiply-adds over the units), then the samples' partials in order. A
    /// Dense layer on vectors has one row per sample and sums its rows directly, one thread per weight.
    /// </summary>
    private bool SumsPerSample => Plan.Input.IsSequence;

    private string PartialsView => FieldPrefix + "WeightPartials!.View";

    /// <summary>Input rows (padded) up to which the backward kernel keeps a row's input gradient in the thread's own array.</summary>
    private const int MaxTransposedFeatures = 256;

    /// <summary>
    /// True when the input gradient dx = W · dz is computed from a transposed copy of the kernel, [Units, PaddedFeatures]
    /// (written with every layer's copies before the backward pass): then each unit adds its row times dz[u] into dx with contiguous multiply-adds, where
    /// the dot product per feature was a float reduction that PoCL vectorized across work-items with gathers (11% of the
    /// W1 profile). Not for the first layer (no input gradient) nor for very wide inputs (dx would not fit a thread).
    /// </summary>
    internal static bool TransposesKernel(LayerPlan plan) => plan.Index > 0 && PadToVectors(plan.Input.Features) <= MaxTransposedFeatures;

    private bool ReadsTransposedKernel => TransposesKernel(Plan);

    /// <summary>Multiply-adds worth waking another host-code worker for (a few microseconds of vector work).</summary>
    private const int MinimumMultiplyAddsPerWorker = 16 * 1024;

    /// <summary>
    /// The launch shape of the per-row kernels: one row is Features × Units multiply-adds, often a few hundred, so host
    /// code keeps small batches (a Predict of one sequence) on the calling thread instead of handing them to another.
    /// </summary>
    private string RowGrid
    {
        get
        {
            int rowsPerWorker = (MinimumMultiplyAddsPerWorker + (features * units) - 1) / (features * units);
            return "device.GridFor(n * " + RowsPerSample + (rowsPerWorker > 1 ? ", minimumItemsPerWorker: " + I(rowsPerWorker) : "") + ")";
        }
    }

    private int PaddedFeatures => PadToVectors(features);

    private string TransposedView => FieldPrefix + "Transposed!.View";

    /// <summary>Rows of the [kernel; bias] matrix.</summary>
    private int MatrixRows => features + (Tensor("bias") is null ? 0 : 1);

    /// <summary>Rows per sample, as a C# expression in terms of <c>steps</c>.</summary>
    private string RowsPerSample => Plan.Input.IsSequence ? "steps" : "1";

    public override IEnumerable<WorkspaceBuffer> Workspace
    {
        get
        {
            yield return new WorkspaceBuffer(FieldPrefix + "PreActivationGradient", (Plan.Input.IsSequence ? "steps * " : "") + I(units), "gradient of the pre-activation of every row");
            if (SumsPerSample)
            {
                yield return new WorkspaceBuffer(FieldPrefix + "WeightPartials", I(Plan.ParameterCount), "each sample's partial gradient of kernel and bias, summed over its steps");
            }

            if (ReadsTransposedKernel)
            {
                yield return new WorkspaceBuffer(FieldPrefix + "Transposed", I(units * PaddedFeatures), "the kernel transposed (rows padded) for the input gradient", PerBatch: true);
            }

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
            yield return new KernelField(FieldPrefix + "Backward", "ArrayView<float>, ArrayView<float>, " + (FusesLossGradient ? "ArrayView<float>, ArrayView<int>, " : "ArrayView<float>, ") + "ArrayView<float>, ArrayView<float>, " + (ReadsTransposedKernel ? "ArrayView<float>, " : "") + "int, int", Prefix + "Backward");
            if (SumsPerSample)
            {
                yield return new KernelField(FieldPrefix + "WeightGradientPartials", "ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int", Prefix + "WeightGradientPartials", Prefix + "ColumnWeightGradientPartials");
            }
            else
            {
                yield return new KernelField(FieldPrefix + "WeightGradients", "ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int", Prefix + "WeightGradients");
            }
        }
    }

    public override IEnumerable<WeightTranspose> Transposes
    {
        get
        {
            if (ReadsTransposedKernel)
            {
                yield return new WeightTranspose(Describe() + ": the kernel transposed to [Units, PaddedFeatures] (zero padding) for the input gradient",
                    FieldPrefix + "Transposed", units * PaddedFeatures, EmitTransposeLoop);
            }
        }
    }

    public override IEnumerable<PartialSums> SummedPartials =>
        SumsPerSample ? new[] { new PartialSums(Describe(), FieldPrefix + "WeightPartials", Plan.ParameterOffset, Plan.ParameterCount, "kernel [Features, Units]" + (Tensor("bias") is null ? "" : " then bias [Units]")) } : System.Array.Empty<PartialSums>();

    public override void EmitForward(CodeWriter w)
    {
        w.Line("// " + Describe());
        w.Line(FieldPrefix + "Forward(" + RowGrid + ", " + string.Join(", ", ForwardArguments) + ");");
    }

    public override void EmitBackward(CodeWriter w)
    {
        w.Line("// " + Describe());
        w.Line(FieldPrefix + "Backward(" + RowGrid + ", " + string.Join(", ", BackwardArguments) + ");");
        if (SumsPerSample)
        {
            w.Line(FieldPrefix + "WeightGradientPartials(" + RecurrentGroupSchedule.Flag + " ? device.GridFor((long)n * " + I(MatrixRows * units) + ") : device.GridFor(n * " + I(MatrixRows) + "), " + string.Join(", ", PartialsArguments) + ");");
        }
        else
        {
            EmitWeightGradientsLaunch(w);
        }
    }

    /// <summary>The weight gradients of a Dense layer on vectors: a thread per weight, summing over every sample's row.</summary>
    private void EmitWeightGradientsLaunch(CodeWriter w) =>
        w.Line(FieldPrefix + "WeightGradients(device.GridFor(" + I(Plan.ParameterCount) + "), " + Io.Input + ", batch.Rows, " + FieldPrefix + "PreActivationGradient!.View, batch.Gradients, n, " + RowsPerSample + ");");

    /// <summary>The program's arguments for the forward kernel, after the grid.</summary>
    private List<string> ForwardArguments
    {
        get
        {
            var list = new List<string> { "batch.Parameters", Io.Input, "batch.Rows", Io.Output };
            if (StoresLogits)
            {
                list.Add(LogitsView!);
            }

            list.Add("n");
            list.Add(RowsPerSample);
            return list;
        }
    }

    /// <summary>The program's arguments for the backward kernel, after the grid.</summary>
    private List<string> BackwardArguments
    {
        get
        {
            var list = new List<string> { "batch.Parameters", Io.Output };
            list.AddRange(FusesLossGradient ? new[] { "batch.Targets", "batch.Rows" } : new[] { Io.OutputGradient });
            list.Add(FieldPrefix + "PreActivationGradient!.View");
            list.Add(Io.InputGradient);
            if (ReadsTransposedKernel)
            {
                list.Add(TransposedView);
            }

            list.Add("n");
            list.Add(RowsPerSample);
            return list;
        }
    }

    /// <summary>The program's arguments for the per-sample partials kernel (a sequence's rows), after the grid.</summary>
    private List<string> PartialsArguments => new() { Io.Input, "batch.Rows", FieldPrefix + "PreActivationGradient!.View", PartialsView, "n", RowsPerSample };

    /// <summary>
    /// As the last layer after recurrent ones (a TimeDistributed head or a Dense on the last state), with the loss
    /// gradient fused: its rows' forward, then their backward and, over a sequence, the sample's partials. A Dense on
    /// vectors sums its weight gradients over the batch after the training-pass kernel (<see cref="EmitAfterTrainingPass"/>).
    /// </summary>
    public override TrainingPassPart? TrainingPassPart
    {
        get
        {
            if (!Io.IsLast || !FusesLossGradient || Plan.Index == 0)
            {
                return null;
            }

            var backward = new List<SampleKernel> { new(Prefix + "Backward", "the rows' backward, the loss gradient fused in", BackwardArguments) };
            if (SumsPerSample)
            {
                backward.Add(new(Prefix + "WeightGradientPartials", "the sample's partial weight gradients", PartialsArguments));
            }

            return new TrainingPassPart(new[] { new SampleKernel(Prefix + "Forward", "the rows' forward", ForwardArguments) }, backward);
        }
    }

    public override void EmitAfterTrainingPass(CodeWriter w)
    {
        if (TrainingPassPart is not null && !SumsPerSample)
        {
            w.Line("// " + Describe() + ": the weight gradients, over the rows the pass wrote the pre-activation gradients of");
            EmitWeightGradientsLaunch(w);
        }
    }

    /// <summary>Writes the kernel [Features, Units] transposed, [Units, PaddedFeatures] with zero padding, into <paramref name="transposed"/>, one thread per element.</summary>
    private void EmitTransposeLoop(CodeWriter w, string transposed)
    {
        Const(w, "Features", features, "input features per row");
        Const(w, "Units", units);
        Const(w, "Kernel", Tensor("kernel")!.Offset, Plan.Name + "/kernel [Features, Units]");
        Const(w, "PaddedFeatures", PaddedFeatures, "a unit's row of the transposed kernel, zero-padded to whole vectors");
        using (GridStride(w, "p", I(units * PaddedFeatures)))
        {
            w.Line("int u = p / PaddedFeatures; // the unit");
            w.Line("int k = p - u * PaddedFeatures; // the input feature, or padding");
            w.Line(transposed + "[p] = k < Features ? parameters[Kernel + k * Units + u] : 0f;");
        }
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
            if (!backward || (!Io.IsFirst && !ReadsTransposedKernel))
            {
                Const(w, "Kernel", Tensor("kernel")!.Offset, Plan.Name + "/kernel [Features, Units]"); // backward may read the transposed copy instead
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
        using (w.Block("public static void " + Prefix + "Backward(ArrayView<float> parameters, ArrayView<float> output, " + gradientSource + ", ArrayView<float> preActivationGradient, ArrayView<float> inputGradient, " + (ReadsTransposedKernel ? "ArrayView<float> transposed, " : "") + "int batch, int rowsPerSample)"))
        {
            Layout(backward: true);
            w.Line("var dz = LocalMemory.Allocate<float>(Units);");
            if (ReadsTransposedKernel)
            {
                Const(w, "PaddedFeatures", PaddedFeatures, "a unit's row of the transposed kernel, zero-padded to whole vectors");
                w.Line("var dx = LocalMemory.Allocate<float>(PaddedFeatures); // the row's input gradient");
            }

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
                if (ReadsTransposedKernel)
                {
                    w.Line("// dx = W · dz: each unit's row of the transposed kernel times dz[u], added with contiguous multiply-adds.");
                    w.Line("for (int k = 0; k < PaddedFeatures; k++) dx[k] = 0f;");
                    using (w.Block("for (int u = 0; u < Units; u++)"))
                    {
                        w.Line("float dzu = dz[u];");
                        w.Line("long row = u * PaddedFeatures;");
                        w.Line("for (int k = 0; k < PaddedFeatures; k++) dx[k] += transposed[row + k] * dzu;");
                    }

                    w.Line("for (int k = 0; k < Features; k++) inputGradient[(long)r * Features + k] = dx[k];");
                }
                else if (!Io.IsFirst)
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
        if (SumsPerSample)
        {
            EmitPerSampleWeightGradients(w, InputRow);
        }
        else
        {
            EmitWeightGradients(w, InputRow);
        }
    }

    private void EmitWeightGradients(CodeWriter w, System.Func<string, string> inputRow)
    {
        var bias = Tensor("bias");
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
                    w.Line("for (int r = 0; r < rowCount; r++) sum += input[" + inputRow("r") + " + k] * preActivationGradient[(long)r * Units + u];");
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

    private void EmitPerSampleWeightGradients(CodeWriter w, System.Func<string, string> inputRow)
    {
        EmitPerSamplePartials(w, inputRow, perColumn: false);
        w.Line();
        EmitPerSamplePartials(w, inputRow, perColumn: true);
    }

    /// <summary>
    /// Each sample's partial sums of [kernel; bias]. Per row (CPU backends, host code): one thread per (sample, row), the
    /// row's Units sums in a local array, contiguous multiply-adds. Per column (GPUs, loaded with the group schedule):
    /// one thread per (sample, row, unit), consecutive threads on consecutive units, no local array. Both add each sum's
    /// terms in row order, so they give the same bits.
    /// </summary>
    private void EmitPerSamplePartials(CodeWriter w, System.Func<string, string> inputRow, bool perColumn)
    {
        bool hasBias = Tensor("bias") is not null;
        w.Summary(Describe() + ": each sample's partial weight gradients, one thread per (sample, row of [kernel; bias]" + (perColumn ? ", unit) (GPU variant)" : ")") + ": the row's input\nfeature (1 for the bias row) times the step's pre-activation gradient" + (perColumn ? " of the unit" : "s") + ", summed over the sample's steps in order.");
        using (w.Block("public static void " + Prefix + (perColumn ? "Column" : "") + "WeightGradientPartials(ArrayView<float> input, ArrayView<int> rows, ArrayView<float> preActivationGradient, ArrayView<float> partials, int batch, int rowsPerSample)"))
        {
            Const(w, "Features", features, "input features per row: rows of the kernel");
            Const(w, "Units", units, "columns of every row");
            Const(w, "MatrixRows", MatrixRows, hasBias ? "kernel rows, then the bias row" : "kernel rows (no bias)");
            if (!perColumn)
            {
                w.Line("var sum = LocalMemory.Allocate<float>(Units); // this row's partial gradient");
            }

            using (perColumn ? ColumnItems(w, "u", "Units", "k", "MatrixRows", "the column", "a kernel row, or the bias row when k == Features") : GridStride(w, "item", "batch * MatrixRows"))
            {
                if (perColumn)
                {
                    EmitColumnPartialSum(w, inputRow, hasBias);
                    return;
                }

                w.Line("int b = item / MatrixRows;");
                w.Line("int k = item - b * MatrixRows; // a kernel row, or the bias row when k == Features");
                w.Line("for (int u = 0; u < Units; u++) sum[u] = 0f;");
                using (w.Block("for (int t = 0; t < rowsPerSample; t++)"))
                {
                    w.Line("int r = b * rowsPerSample + t;");
                    w.Line("float xk = " + (hasBias ? "k == Features ? 1f : " : "") + "input[" + inputRow("r") + " + k];");
                    w.Line("long gradient = (long)r * Units;");
                    w.Line("for (int u = 0; u < Units; u++) sum[u] += xk * preActivationGradient[gradient + u];");
                }

                w.Line("long partial = (long)item * Units; // = b · MatrixRows · Units + k · Units: sample b's copy of [kernel; bias]");
                w.Line("for (int u = 0; u < Units; u++) partials[partial + u] = sum[u];");
            }
        }
    }

    /// <summary>
    /// The per-column partial of one (sample b, row k, unit u): everything derived from the item (b, k, u come from 64-bit
    /// divisions) is used before the step loop, and the gradient's address steps one row per step. ILGPU places a value
    /// used only inside a loop in the loop's header, so reading them only inside it recomputed the divisions every
    /// step (seen in the PTX). The bias row adds the gradients themselves, which equals adding 1 × each: the same bits
    /// as the per-row kernel.
    /// </summary>
    private static void EmitColumnPartialSum(CodeWriter w, System.Func<string, string> inputRow, bool hasBias)
    {
        w.Line("float sum = 0f;");
        w.Line("int firstRow = b * rowsPerSample; // sample b's first row");
        w.Line("long gradient = (long)firstRow * Units + u; // that row's pre-activation gradient of unit u; each step moves it one row on");
        string products = "for (int t = 0; t < rowsPerSample; t++, gradient += Units) sum += input[" + inputRow("(firstRow + t)") + " + k] * preActivationGradient[gradient];";
        if (hasBias)
        {
            using (w.Block("if (k == Features) // the bias row: its input is 1"))
            {
                w.Line("for (int t = 0; t < rowsPerSample; t++, gradient += Units) sum += preActivationGradient[gradient];");
            }

            using (w.Block("else"))
            {
                w.Line(products);
            }
        }
        else
        {
            w.Line(products);
        }

        w.Line("partials[item] = sum; // item = (b · MatrixRows + k) · Units + u: sample b's copy of [kernel; bias]");
    }
}
