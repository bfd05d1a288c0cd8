namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// Conv1D's GPU variants (the group schedule): the loops of the CPU forms with a thread per value they compute, an
/// output value, an input-gradient value or a partial weight gradient, instead of a thread per step or per block of
/// kernel rows. Before them, a batch of the seed's WaveNet (32 × 50 steps, 20 filters) gave the GPU 1,600 threads per
/// forward (a thread per step, every filter) and 1,312 per backward's partials (a thread per kernel row, every output
/// step): far too few to fill a GPU (an H100 has 132 multiprocessors of up to 2,048 threads), and the seed's WaveNet
/// epoch took 0.46 s there, slower than PoCL on two cores. Each value adds its terms in the order of the CPU form, so
/// the two schedules give the same bits on CPU devices (ConvPerValueScheduleTests, ConvStackTests).
/// </summary>
internal sealed partial class Conv1DEmitter
{
    /// <summary>The forward, one thread per (sample, output step, filter): the taps' products, bias first, activation fused.</summary>
    private void EmitForwardPerValue(CodeWriter w, string method)
    {
        w.Summary(Describe() + ": forward (GPU variant), one thread per output value (sample, output step, filter): bias, then every tap's\n"
            + "products in the order of the thread-per-step form, activation fused.");
        using (w.Block("public static void " + method + "(ArrayView<float> parameters, ArrayView<float> input, ArrayView<int> rows, ArrayView<float> output, int batch, int steps, int outSteps)"))
        {
            var bias = Tensor("bias");
            EmitForwardConstants(w);
            using (ColumnItems(w, "u", "Filters", "o", "outSteps", "the filter", "the output step"))
            {
                w.Line("long x = " + InputSample("b") + ";");
                w.Line("float z = " + (bias is null ? "0f" : "parameters[Bias + u]") + ";");
                using (w.Block("for (int k = 0; k < KernelSize; k++)"))
                {
                    w.Line("int t = o * Strides + k * Dilation - padLeft;");
                    using (w.Block("if (t >= 0 && t < steps) // outside: zero padding, adds nothing"))
                    {
                        w.Line("long at = (x + t) * Features; // the step's first input feature");
                        w.Line("int row = Kernel + k * Features * Filters + u; // tap k's weight from input feature 0 to filter u");
                        w.Line("for (int c = 0; c < Features; c++) " + MultiplyAddCode.Accumulate("z", "input[at + c]", "parameters[row + c * Filters]"));
                    }
                }

                w.Line("output[item] = " + ActivationCode.Apply(activation, "z") + "; // item = (b · outSteps + o) · Filters + u");
            }
        }
    }

    /// <summary>
    /// The backward of a layer after the first (GPU variant): the input gradient, one thread per (sample, input step,
    /// feature), then the partials, one per (sample, matrix row, filter); two grid-stride loops of one launch, as in the CPU form.
    /// </summary>
    private void EmitBackwardPerValue(CodeWriter w, string method)
    {
        w.Summary(Describe() + ": backward (GPU variant), two loops in one launch with a thread per value. The input gradient of (sample,\n"
            + "input step, feature), gathered from every window that read the step through the transposed kernel. Then each sample's\n"
            + PartialsPerValueDescription + FusedSummary);
        using (w.Block(BackwardSignature(method)))
        {
            Sizes(w);
            Const(w, "PaddedFeatures", PaddedFeatures, "a row of the transposed kernel, zero-padded to whole vectors");
            EmitMatrixRowCounts(w);
            EmitFusedLossConstants(w);
            EmitGeometry(w);
            using (ColumnItems(w, "c", "Features", "t", "steps", "the input feature", "the input step"))
            {
                w.Line("float dx = 0f;");
                var readBy = new TapStep("shifted >= 0 && o * Strides == shifted && o < outSteps", "",
                    "int shifted = t + padLeft - k * Dilation; // = o · Strides for the window whose tap k is step t",
                    "int o = shifted / Strides;");
                ConvTaps.EmitGradientGatherOfChannel(w, Weights, readBy, "long y = ((long)b * outSteps + o) * Filters;", u => Delta("y + " + u), "dx", "PaddedFeatures", "pre-activation gradient",
                    linesBefore: u => EmitError(w, "y + " + u, "((long)rows[b] * outSteps + o) * Filters + " + u));
                if (Io.InputDerivative is { } before)
                {
                    w.Line("dx = dx * " + ActivationCode.DerivativeFromOutput(before, "input[item]") + "; // the layer before's pre-activation gradient");
                }

                w.Line("inputGradient[item] = dx; // item = (b · steps + t) · Features + c");
            }

            w.Line();
            EmitPartialsPerValueLoop(w);
        }
    }

    /// <summary>The first layer's backward (GPU variant): its partials alone, a thread per (sample, matrix row, filter).</summary>
    private void EmitFirstLayerBackwardPerValue(CodeWriter w, string method)
    {
        w.Summary(Describe() + " (GPU variant): each sample's " + PartialsPerValueDescription + FusedSummary);
        using (w.Block(FirstLayerBackwardSignature(method)))
        {
            Sizes(w);
            EmitFusedLossConstants(w);
            EmitMatrixRowCounts(w);
            EmitGeometry(w, kernelSize: false); // the partials take their tap from the row
            EmitPartialsPerValueLoop(w);
        }
    }

    private string PartialsPerValueDescription =>
        "partial weight gradients, one thread per (sample, row of [kernel; bias], filter): the row's input value (tap k, feature c;\n"
        + "1 for the bias row) at every output step whose window reads it, times that step's pre-activation gradient, summed over the\n"
        + "output steps in order.";

    /// <summary>
    /// The partials loop with a thread per partial: item = (b · MatrixRows + row) · Filters + u is also where sample b's
    /// copy of [kernel; bias] keeps it. The terms are added in output-step order, as in the CPU form.
    /// </summary>
    private void EmitPartialsPerValueLoop(CodeWriter w)
    {
        bool hasBias = Tensor("bias") is not null;
        using (ColumnItems(w, "u", "Filters", "row", "MatrixRows", "the filter", hasBias ? "a kernel row (tap · Features + feature), or the bias row when row == KernelRows" : "a kernel row (tap · Features + feature)"))
        {
            w.Line("float sum = 0f;");
            using (w.Block(hasBias ? "if (row < KernelRows)" : "// every row is a kernel row (no bias row)"))
            {
                w.Line("int k = row / Features; // tap");
                w.Line("int c = row - k * Features; // input feature");
                EmitStepsReadByTap(w, () =>
                {
                    EmitDeltaOfStep(w);
                    w.Line(MultiplyAddCode.Accumulate("sum", "input[(x + t) * Features + c]", "delta"));
                });
            }

            if (hasBias)
            {
                using (w.Block("else"))
                {
                    using (w.Block("for (int o = 0; o < outSteps; o++)"))
                    {
                        EmitDeltaOfStep(w);
                        w.Line("sum += delta;");
                    }
                }
            }

            w.Line("partials[item] = sum; // sample b's copy of [kernel; bias], row row, filter u");
        }
    }

    /// <summary>Declares <c>delta</c>, the pre-activation gradient of filter u at output step o of sample b.</summary>
    private void EmitDeltaOfStep(CodeWriter w)
    {
        w.Line("long y = ((long)b * outSteps + o) * Filters + u;");
        EmitError(w, "y", "((long)rows[b] * outSteps + o) * Filters + u");
        w.Line("float delta = " + Delta("y") + "; // pre-activation gradient");
    }
}
