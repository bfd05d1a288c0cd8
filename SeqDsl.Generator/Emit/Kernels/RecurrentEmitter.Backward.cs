using System.Collections.Generic;
using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>The backward kernel: backpropagation through time from the last step to the first.</summary>
internal sealed partial class RecurrentEmitter
{
    /// <param name="withPartials">The CPU thread schedule's joined kernel (RecurrentEmitter.BackwardWithPartials.cs): after
    /// its backward each thread sums its sequence's weight-gradient partials.</param>
    private void EmitBackwardKernel(CodeWriter w, RecurrentDirection d, bool withPartials = false)
    {
        var arguments = withPartials ? BackwardWithPartialsArguments(d) : BackwardArguments(d);
        string inputGradientText = Io.IsFirst ? "." : d.Accumulates ? " and adds this direction's part of the gradient of the layer's input." : " and the gradient of the layer's input.";
        w.Summary(Describe() + Of(d) + ": backpropagation through time, one thread per sequence, from the last step to the first.\nWrites the gate pre-activation gradients of every step" + inputGradientText
            + (withPartials ? "\nThen the thread sums its sequence's weight-gradient partials, row by row as " + Prefix + "WeightGradientPartials does (the CPU thread schedule's\nkernel for both, a launch instead of two; the same sums in the same order)." : "")
            + (FusesLossGradient ? "\nThe " + Io.Loss + " loss gradient is fused in: computed from the predictions (" + (Bidirectional ? "the merged output" : "the states") + ") and the targets." : "")
            + (Stateful ? "\nThe carried state the batch started from is a constant: no gradient flows into earlier batches (truncated BPTT, as Keras)." : ""));
        using (w.Block("public static void " + (withPartials ? BackwardWithPartialsMethod : Prefix + d.Tag + "Backward") + "(" + Signature(arguments) + ")"))
        {
            // The partials' constants repeat some of the backward's (the same values): each name is declared once.
            declaredConstants = withPartials ? new Dictionary<string, int>() : null;
            EmitBackwardConstants(w, d);
            if (Normalized)
            {
                EmitLayerNormBackwardConstants(w);
            }

            EmitDropoutConstants(w, d, input: !Io.IsFirst, state: true);
            EmitMaskAllocation(w, input: !Io.IsFirst, state: true);
            w.Line("var dh = LocalMemory.Allocate<float>(Units); // gradient reaching h from later steps");
            if (cell == CellKind.LSTM)
            {
                w.Line("var dc = LocalMemory.Allocate<float>(Units); // gradient reaching c from later steps");
            }

            w.Line("var dz = LocalMemory.Allocate<float>(GateWidth); // input-side gate gradients of this step");
            w.Line("var back = LocalMemory.Allocate<float>(PaddedUnits); // dz · Uᵀ: the gradient this step sends to h(t−1)");
            if (!Io.IsFirst)
            {
                w.Line("var dx = LocalMemory.Allocate<float>(PaddedFeatures); // dz · Wᵀ: the gradient of this step's input");
            }

            if (ResetAfter)
            {
                w.Line("var dzh = LocalMemory.Allocate<float>(GateWidth); // recurrent-side gate gradients of this step");
            }

            if (withPartials)
            {
                EmitPartialsConstants(w, d);
                EmitRowBlockConstants(w, d, tiled: false);
            }

            declaredConstants = null;
            string recurrentGradient = ResetAfter ? "dzh" : "dz";
            using (GridStride(w, "b", "batch"))
            {
                EmitMaskFill(w, input: !Io.IsFirst, state: true);
                w.Line("long stateRow = (long)b * steps;");
                using (w.Block("for (int j = 0; j < Units; j++)"))
                {
                    w.Line("dh[j] = 0f;");
                    if (cell == CellKind.LSTM)
                    {
                        w.Line("dc[j] = 0f;");
                    }
                }

                using (w.Block("for (int t = steps - 1; t >= 0; t--)"))
                {
                    w.Line("long s = stateRow + t;");
                    if (Normalized && cell == CellKind.GRU)
                    {
                        EmitGruLayerNormBackwardStep(w, d); // ends with dz (and dzh) before the normalizations
                    }
                    else if (ResetBefore)
                    {
                        EmitGruResetBeforeBackwardStep(w, d);
                    }
                    else
                    {
                        EmitCellBackwardStep(w, d);
                    }

                    if (Normalized && cell != CellKind.GRU)
                    {
                        EmitLayerNormBackward(w);
                    }

                    w.Line("for (int g = 0; g < GateWidth; g++) gateGradient[s * GradientWidth + g] = dz[g];");
                    if (ResetAfter)
                    {
                        w.Line("for (int g = 0; g < GateWidth; g++) gateGradient[s * GradientWidth + GateWidth + g] = dzh[g];");
                    }

                    EmitTransposedProducts(w, d, recurrentGradient, oneWalk: withPartials);
                }

                if (withPartials)
                {
                    using (w.Block("for (int block = 0; block < Blocks; block++) // the sequence's weight-gradient partials, a row of the matrix at a time"))
                    {
                        EmitRowBlockBody(w, d, tiled: false);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The constants already declared in the kernel being written, while one kernel joins two kernels' declarations
    /// (<see cref="EmitBackwardKernel"/> with its partials); null otherwise.
    /// </summary>
    private Dictionary<string, int>? declaredConstants;

    /// <summary>
    /// Writes <c>const int Name = value;</c>, or nothing where the kernel being written already declared the name
    /// with that value (<see cref="declaredConstants"/>). Hides <see cref="LayerEmitter.Const"/> for every kernel this
    /// emitter writes, so that no declaration bypasses the check. The dropout's <c>const float</c> lines do bypass it:
    /// only plain layers, which have no dropout, join two kernels.
    /// </summary>
    /// <exception cref="System.InvalidOperationException">The name was declared with another value.</exception>
    private new void Const(CodeWriter w, string name, int value, string? comment = null)
    {
        if (declaredConstants is not null)
        {
            if (declaredConstants.TryGetValue(name, out int declared))
            {
                if (declared != value)
                {
                    throw new System.InvalidOperationException(Describe() + ": constant " + name + " declared as " + I(declared) + " and " + I(value) + " in one kernel.");
                }

                return;
            }

            declaredConstants[name] = value;
        }

        LayerEmitter.Const(w, name, value, comment);
    }

    /// <summary>
    /// dh(t−1) = dz · Uᵀ and, past the first layer, dx(t) = dz · Wᵀ, in the contiguous multiply-add form: for each gate
    /// column, its row of the transposed weights times that column's gradient, added across the units (features). The
    /// rows are zero-padded to whole vectors so these loops have no scalar remainder.
    /// </summary>
    /// <param name="oneWalk">
    /// Both products in one loop over the gate columns (the joined kernel of RecurrentEmitter.BackwardWithPartials.cs, a
    /// plain layer's). Each sum still adds its terms in column order, so the bits are those of two loops; but a sum's
    /// adds wait on each other, and with one product per loop a step's few vector sums (LSTM(20): three) kept PoCL's
    /// code waiting on the add latency at every column: two products side by side keep twice as many adds in flight
    /// (W1's second LSTM backward measured 13–15% cheaper in perf shares). The one-sequence kernel keeps two loops: host
    /// code translates it, and its loop interchange (Emit/Host/LoopInterchange.cs) keeps a product's sums in vector
    /// registers only where a loop holds one product.
    /// </param>
    private void EmitTransposedProducts(CodeWriter w, RecurrentDirection d, string recurrentGradient, bool oneWalk)
    {
        bool inputGradient = !Io.IsFirst;
        if (oneWalk && ResetBefore)
        {
            throw new System.InvalidOperationException(Describe() + ": the reset-before GRU's products walk different columns; they keep two loops.");
        }

        w.Line("for (int k = 0; k < PaddedUnits; k++) back[k] = 0f;");
        if (oneWalk && inputGradient)
        {
            w.Line("for (int k = 0; k < PaddedFeatures; k++) dx[k] = 0f;");
        }

        using (w.Block(ResetBefore
            ? "for (int g = 0; g < 2 * Units; g++) // z and r; the candidate block reached h(t−1) through r ⊙ h above"
            : "for (int g = 0; g < GateWidth; g++)"))
        {
            if (!oneWalk)
            {
                w.Line("float dzg = " + recurrentGradient + "[g];");
                w.Line("long row = g * TransposedRow + PaddedFeatures;");
                w.Line("for (int k = 0; k < PaddedUnits; k++) " + AccumulateProduct(ProductPass.Backward, "back[k]", "transposed[row + k]", "dzg"));
            }
            else
            {
                w.Line("long row = g * TransposedRow;");
                if (inputGradient || recurrentGradient == "dz")
                {
                    w.Line("float dzg = dz[g];");
                }

                string multiplier = "dzg";
                if (recurrentGradient != "dz")
                {
                    w.Line("float dzhg = " + recurrentGradient + "[g]; // the recurrent-side gradient");
                    multiplier = "dzhg";
                }

                w.Line("for (int k = 0; k < PaddedUnits; k++) " + AccumulateProduct(ProductPass.Backward, "back[k]", "transposed[row + PaddedFeatures + k]", multiplier));
                if (inputGradient)
                {
                    w.Line("for (int k = 0; k < PaddedFeatures; k++) " + AccumulateProduct(ProductPass.Backward, "dx[k]", "transposed[row + k]", "dzg"));
                }
            }
        }

        w.Line("for (int k = 0; k < Units; k++) dh[k] = " + CarriedGradient.Flushed((cell == CellKind.GRU ? "dh[k] + " : "") + StateMasked("back[k]")) + "; // flushed below 2^-100 (see KernelMath.FlushTiny)");
        if (!inputGradient)
        {
            return;
        }

        if (d.Reversed)
        {
            w.Line("long xs = stateRow + steps - 1 - t; // the input step this step read");
        }

        if (!oneWalk)
        {
            w.Line("for (int k = 0; k < PaddedFeatures; k++) dx[k] = 0f;");
            using (w.Block("for (int g = 0; g < GateWidth; g++)"))
            {
                w.Line("float dzg = dz[g];");
                w.Line("long row = g * TransposedRow;");
                w.Line("for (int k = 0; k < PaddedFeatures; k++) " + AccumulateProduct(ProductPass.Backward, "dx[k]", "transposed[row + k]", "dzg"));
            }
        }

        w.Line("for (int k = 0; k < Features; k++) inputGradient[" + (d.Reversed ? "xs" : "s") + " * Features + k] " + (d.Accumulates ? "+= " + InputMasked("dx[k]") + "; // the forward direction's launch wrote its part first" : "= " + InputMasked("dx[k]") + ";"));
    }

    /// <summary>The constants every backward kernel of the layer declares: the layout, the cache and gradient widths, the fused loss's, the transposed weights' rows.</summary>
    private void EmitBackwardConstants(CodeWriter w, RecurrentDirection d)
    {
        Layout(w, d, backward: true);
        if (CacheWidth > 0)
        {
            Const(w, "CacheWidth", CacheWidth, "floats cached per step");
        }

        Const(w, "GradientWidth", GradientWidth, GradientWidthComment);
        if (FusesLossGradient)
        {
            EmitFusedLossConstants(w);
        }

        Const(w, "PaddedFeatures", PaddedFeatures, "input weights per gate column of the transposed weights, zero-padded to whole vectors; the recurrent weights start here");
        Const(w, "PaddedUnits", PaddedUnits, "recurrent weights per gate column of the transposed weights, zero-padded to whole vectors");
        Const(w, "TransposedRow", TransposedRow, "floats per gate column of the transposed weights");
    }

    /// <summary>
    /// A step's gate gradients, unit by unit (LSTM, reset-after GRU, SimpleRNN; not the layer-normalized GRU or the
    /// reset-before GRU, whose steps need every unit's gradient at once): dhj, then dz (and dzh), and what flows on to
    /// the previous step through dh (and dc).
    /// </summary>
    private void EmitCellBackwardStep(CodeWriter w, RecurrentDirection d)
    {
        using (w.Block("for (int j = 0; j < Units; j++)"))
        {
            EmitStateGradient(w, d);
            switch (cell)
            {
                case CellKind.LSTM:
                    EmitLstmBackwardStep(w);
                    break;
                case CellKind.GRU:
                    EmitGruResetAfterBackwardStep(w);
                    break;
                default:
                    w.Line("dz[j] = dhj * " + ActivationCode.DerivativeFromOutput(activation, "states[s * Units + j]") + ";");
                    break;
            }
        }
    }

    private int PaddedFeatures => PaddedFeaturesOf(Plan);

    private int PaddedUnits => PadToVectors(units);

    /// <summary>Floats per gate column of the transposed weights: padded input weights, then padded recurrent weights.</summary>
    private int TransposedRow => TransposedRowOf(Plan);

    /// <summary>Input weights per gate column of the transposed weights (zero-padded); the recurrent weights start there.</summary>
    internal static int PaddedFeaturesOf(LayerPlan plan) => PadToVectors(plan.Input.Features);

    /// <summary>Floats per gate column of the transposed weights [GateWidth, PaddedFeatures + PaddedUnits].</summary>
    internal static int TransposedRowOf(LayerPlan plan) => PaddedFeaturesOf(plan) + PadToVectors(plan.Spec.Units);

    /// <summary>
    /// Writes the kernel and recurrent kernel transposed, [GateWidth, PaddedFeatures + PaddedUnits] with zeros in the
    /// padding, into <paramref name="transposed"/>, so that BPTT reads each gate column's weights contiguously in whole
    /// vectors; one thread per element. Part of the model's one launch of weight copies before each backward pass (the
    /// weights change every step).
    /// </summary>
    private void EmitTransposeLoop(CodeWriter w, RecurrentDirection d, string transposed)
    {
        Const(w, "Kernel", Tensor(d, "kernel")!.Offset, Plan.Name + "/" + d.TensorPrefix + "kernel [Features, GateWidth]");
        Const(w, "RecurrentKernel", Tensor(d, "recurrent_kernel")!.Offset, Plan.Name + "/" + d.TensorPrefix + "recurrent_kernel [Units, GateWidth]");
        Const(w, "Features", features);
        Const(w, "Units", units);
        Const(w, "GateWidth", GateWidth);
        Const(w, "PaddedFeatures", PaddedFeatures, "the input weights' part of a row, zero-padded to whole vectors");
        Const(w, "TransposedRow", TransposedRow, "a gate column's padded input weights, then its padded recurrent weights");
        using (GridStride(w, "p", I(TransposedRow * GateWidth)))
        {
            w.Line("int g = p / TransposedRow; // the gate column");
            w.Line("int column = p - g * TransposedRow;");
            w.Line("int unit = column - PaddedFeatures;");
            w.Line(transposed + "[p] = column < Features ? parameters[Kernel + column * GateWidth + g]");
            w.Line("    : unit >= 0 && unit < Units ? parameters[RecurrentKernel + unit * GateWidth + g]");
            w.Line("    : 0f; // padding");
        }
    }

    private string GradientWidthComment =>
        (ResetAfter ? "input-side gate gradients, then recurrent-side ones" : Normalized ? "gradients before the layer normalization (kernels, bias)" : "gate gradients per step")
        + (Normalized ? (ResetAfter ? ", then those after the layer normalization (gamma, beta)" : ", then after it (gamma, beta" + (Peepholes ? ", peepholes)" : ")")) : "");

    /// <summary>
    /// The last layer with a regression loss computes the loss gradient itself, from its prediction and the target, so
    /// no separate kernel writes a loss-gradient buffer for it. A one-direction layer's prediction is its state; a
    /// Bidirectional layer's is the merged output (both forward launches have written it before the backward pass),
    /// and each direction takes its share of that output's gradient as it would from a loss-gradient buffer.
    /// </summary>
    public override bool FusesLossGradient => Io.IsLast && Io.Loss is LossKind.Mse or LossKind.Mae or LossKind.Huber;

    /// <summary>The constants of the fused loss gradient (see <see cref="FusesLossGradient"/>).</summary>
    private void EmitFusedLossConstants(CodeWriter w)
    {
        string width = Bidirectional ? "OutputWidth" : "Units";
        w.Line("float lossScale = 1f / ((float)batch * " + (ReturnSequences ? "steps * " : "") + width + "); // d(batch-mean of per-sample means)/d(prediction)");
        if (Io.Loss == LossKind.Huber)
        {
            w.Line("const float Delta = 1f; // Keras's default Huber delta");
        }
    }

    /// <summary>
    /// Declares dhj, the gradient reaching h(t)[j]: from later steps, plus from the layer's output at step t — read from
    /// the next layer's gradient, or, when the loss gradient is fused here, computed from the prediction and the target.
    /// </summary>
    private void EmitStateGradient(CodeWriter w, RecurrentDirection d)
    {
        if (!FusesLossGradient)
        {
            w.Line("float dhj = dh[j] + " + OutputGradientAt(d) + ";");
            return;
        }

        string gradient = LossEmitter.RegressionGradient(Io.Loss, "error") + " * lossScale";
        if (Bidirectional)
        {
            EmitMergedStateGradient(w, d, gradient);
            return;
        }

        if (ReturnSequences)
        {
            w.Line("float error = states[s * Units + j] - targets[((long)rows[b] * steps + t) * Units + j]; // prediction − target at step t");
            w.Line("float dhj = dh[j] + " + gradient + ";");
            return;
        }

        w.Line("float dhj = dh[j];");
        using (w.Block("if (t == steps - 1)"))
        {
            w.Line("float error = states[s * Units + j] - targets[(long)rows[b] * Units + j]; // the prediction is the last state");
            w.Line("dhj += " + gradient + ";");
        }
    }

    /// <summary>
    /// The fused loss gradient of a Bidirectional last layer: the merged output element this direction's h(t)[j] went
    /// into, minus its target, gives d(loss)/d(output); the merge's derivative (½ for ave, the partner's h for mul)
    /// turns it into this direction's share, exactly as <see cref="OutputGradientAt"/> does with a gradient buffer.
    /// </summary>
    private void EmitMergedStateGradient(CodeWriter w, RecurrentDirection d, string gradient)
    {
        if (ReturnSequences)
        {
            w.Line("long merged = (stateRow + " + OutputStep(d) + ") * OutputWidth + Column + j; // the output element h(t)[j] went into");
            w.Line("long target = ((long)rows[b] * steps + " + OutputStep(d) + ") * OutputWidth + Column + j;");
            w.Line("float error = output[merged] - targets[target]; // merged prediction − target");
            w.Line("float dhj = dh[j] + " + MergeScale + gradient + PartnerFactor() + ";");
            return;
        }

        w.Line("float dhj = dh[j];");
        using (w.Block("if (t == steps - 1) // the output is both directions' last processing step"))
        {
            w.Line("float error = output[(long)b * OutputWidth + Column + j] - targets[(long)rows[b] * OutputWidth + Column + j]; // merged prediction − target");
            w.Line("dhj += " + MergeScale + gradient + PartnerFactor() + ";");
        }
    }

    /// <summary>The gradient arriving at h(t)[j] from the layer's output at processing step t.</summary>
    private string OutputGradientAt(RecurrentDirection d)
    {
        if (!Bidirectional)
        {
            return ReturnSequences ? "outputGradient[s * Units + j]" : "(t == steps - 1 ? outputGradient[(long)b * Units + j] : 0f)";
        }

        return ReturnSequences
            ? MergeScale + "outputGradient[(stateRow + " + OutputStep(d) + ") * OutputWidth + Column + j]" + PartnerFactor()
            : "(t == steps - 1 ? " + MergeScale + "outputGradient[(long)b * OutputWidth + Column + j]" + PartnerFactor() + " : 0f)";
    }
}
