using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>The forward kernel: the time loop, the shared matmuls, and the per-cell step from the cell files.</summary>
internal sealed partial class RecurrentEmitter
{
    private void EmitForwardKernel(CodeWriter w, RecurrentDirection d)
    {
        var arguments = ForwardArguments(d);
        w.Summary(Describe() + Of(d) + ": forward pass over every step, one thread per sequence.\nWrites the hidden state of every step to states, the layer output to output, and what backward needs to cache."
            + (Stateful ? "\nStarts from the carried state and leaves the final state there for the next batch." : "")
            + (ReturnsState ? "\nReturnState: leaves the final state in carry, and starts from carry instead of zeros when fromGivenState is 1." : ""));
        using (w.Block("public static void " + Prefix + d.Tag + "Forward(" + Signature(arguments) + ")"))
        {
            Layout(w, d);
            if (CacheWidth > 0)
            {
                Const(w, "CacheWidth", CacheWidth, "floats cached per step");
            }

            if (Normalized)
            {
                EmitLayerNormConstants(w);
            }

            EmitDropoutConstants(w, d, input: true, state: true);
            bool hasBias = Tensor(d, "bias") is not null;
            w.Line("var h = LocalMemory.Allocate<float>(Units);");
            if (cell == CellKind.LSTM)
            {
                w.Line("var c = LocalMemory.Allocate<float>(Units);");
                w.Line("var activatedCell = LocalMemory.Allocate<float>(Units); // the activation of c (tanh by default), for the cache");
            }

            w.Line("var z = LocalMemory.Allocate<float>(GateWidth); // input-side pre-activations");
            if (ResetAfter)
            {
                w.Line("var zh = LocalMemory.Allocate<float>(GateWidth); // recurrent-side pre-activations (reset_after: kept apart)");
            }
            else if (ResetBefore)
            {
                w.Line("var rh = LocalMemory.Allocate<float>(Units); // r ⊙ h(t−1): what the candidate's recurrent matmul reads (reset_after = False)");
            }

            EmitMaskAllocation(w, input: true, state: true);
            using (GridStride(w, "b", "batch"))
            {
                EmitMaskFill(w, input: true, state: true);
                w.Line("long inputRow = " + InputRow("b") + ";");
                w.Line("long stateRow = (long)b * steps;");
                EmitInitialState(w);
                using (w.Block("for (int t = 0; t < steps; t++)"))
                {
                    w.Line("for (int g = 0; g < GateWidth; g++) z[g] = " + (hasBias ? "parameters[Bias + g]" : "0f") + ";");
                    if (ResetAfter)
                    {
                        w.Line("for (int g = 0; g < GateWidth; g++) zh[g] = " + (hasBias ? "parameters[Bias + GateWidth + g]" : "0f") + ";");
                    }

                    w.Line("long x = (inputRow + " + InputStep(d, "t") + ") * Features;");
                    EmitGateProduct(w, "Features", "xk", InputMasked("input[x + k]"), "z", "Kernel");

                    if (ResetBefore)
                    {
                        using (w.Block("for (int k = 0; k < Units; k++)"))
                        {
                            w.Line("float hk = " + StateMasked("h[k]") + ";");
                            w.Line("for (int g = 0; g < 2 * Units; g++) " + AccumulateProduct(ProductPass.Forward, "z[g]", "hk", "parameters[RecurrentKernel + k * GateWidth + g]") + " // z and r; the candidate block reads r ⊙ h below");
                        }
                    }
                    else
                    {
                        EmitGateProduct(w, "Units", "hk", StateMasked("h[k]"), ResetAfter ? "zh" : "z", "RecurrentKernel");
                    }

                    w.Line("long s = stateRow + t;");
                    if (Normalized && cell == CellKind.GRU)
                    {
                        EmitGruLayerNormStep(w, d); // two normalizations, around the reset gate
                    }
                    else if (ResetBefore)
                    {
                        EmitGruResetBeforeStep(w, d);
                    }
                    else
                    {
                        if (Normalized)
                        {
                            EmitLayerNormForward(w);
                        }

                        EmitCellStep(w, d);
                    }
                }

                if (!ReturnSequences)
                {
                    w.Line(Bidirectional
                        ? "for (int j = 0; j < Units; j++) output[(long)b * OutputWidth + Column + j] " + MergeAssign(d) + " " + MergeScale + "h[j];" + AccumulateComment(d)
                        : "for (int j = 0; j < Units; j++) output[(long)b * Units + j] = h[j];");
                }

                if (Stateful || ReturnsState)
                {
                    using (w.Block("for (int j = 0; j < Units; j++)"))
                    {
                        w.Line("carry[(long)b * StateWidth + j] = h[j]; // " + (Stateful ? "the next batch starts here" : "the returned state: h after the last processed step"));
                        if (cell == CellKind.LSTM)
                        {
                            w.Line("carry[(long)b * StateWidth + Units + j] = c[j];");
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// A step's cell math from the gate pre-activations in z (and zh) to h (and c), then its stores (LSTM, reset-after
    /// GRU, SimpleRNN; not the layer-normalized GRU or the reset-before GRU). The cell math reads and writes only the
    /// thread's own arrays, and each store to device memory is a loop of its own: PoCL's vectorizer gives up on a loop
    /// that stores to several global arrays, which might overlap (measured: W1 epoch about 10% faster than one combined loop).
    /// </summary>
    private void EmitCellStep(CodeWriter w, RecurrentDirection d)
    {
        switch (cell)
        {
            case CellKind.LSTM when !Peepholes:
                EmitLstmBlockStep(w);
                break;
            case CellKind.LSTM:
                using (w.Block("for (int j = 0; j < Units; j++)"))
                {
                    EmitPeepholeLstmStep(w);
                }

                break;
            case CellKind.GRU:
                EmitGruResetAfterBlockStep(w);
                break;
            default:
                w.Line("for (int j = 0; j < Units; j++) h[j] = " + ActivationCode.Apply(activation, "z[j]") + ";");
                break;
        }

        w.Line("// The step's stores, one loop per destination (a loop storing to several arrays is left scalar).");
        EmitCellCacheStores(w);
        EmitStateStores(w, d);
    }

    private string AccumulateComment(RecurrentDirection d) =>
        d.Accumulates && !Concatenates ? " // the forward direction's launch wrote this element first" : "";

    /// <summary>Zeros, or (stateful) the carried state, which is also kept for the backward pass, or (ReturnState) the given state.</summary>
    private void EmitInitialState(CodeWriter w)
    {
        using (w.Block("for (int j = 0; j < Units; j++)"))
        {
            if (ReturnsState)
            {
                EmitGivenInitialState(w);
                return;
            }

            if (!Stateful)
            {
                w.Line("h[j] = 0f;");
                if (cell == CellKind.LSTM)
                {
                    w.Line("c[j] = 0f;");
                }

                return;
            }

            w.Line("long carried = (long)b * StateWidth + j;");
            w.Line("h[j] = carry[carried];");
            w.Line("initial[carried] = h[j];");
            if (cell == CellKind.LSTM)
            {
                w.Line("c[j] = carry[carried + Units];");
                w.Line("initial[carried + Units] = c[j];");
            }
        }
    }

    /// <summary>After the unit loop of an LSTM or reset-after GRU step: the activated gates (left in z) and the cell's other values, to the cache.</summary>
    private void EmitCellCacheStores(CodeWriter w)
    {
        switch (cell)
        {
            case CellKind.LSTM:
                w.Line("long e = s * CacheWidth;");
                w.Line("for (int q = 0; q < GateWidth; q++) cache[e + q] = z[q]; // i, f, c̃, o");
                w.Line("for (int j = 0; j < Units; j++) cache[e + 4 * Units + j] = c[j];");
                w.Line("for (int j = 0; j < Units; j++) cache[e + 5 * Units + j] = activatedCell[j]; // so the backward need not recompute it");
                break;
            case CellKind.GRU:
                w.Line("long e = s * CacheWidth;");
                w.Line("for (int q = 0; q < GateWidth; q++) cache[e + q] = z[q]; // z, r, h̃");
                w.Line("for (int j = 0; j < Units; j++) cache[e + 3 * Units + j] = zh[2 * Units + j]; // the recurrent candidate term");
                break;
        }
    }

    /// <summary>After the unit loop: h(t) to the state sequence and, for a Bidirectional layer that returns sequences, to its place of the output.</summary>
    private void EmitStateStores(CodeWriter w, RecurrentDirection d)
    {
        w.Line("for (int j = 0; j < Units; j++) states[s * Units + j] = h[j];");
        if (Bidirectional && ReturnSequences)
        {
            w.Line("for (int j = 0; j < Units; j++) output[(stateRow + " + OutputStep(d) + ") * OutputWidth + Column + j] " + MergeAssign(d) + " " + MergeScale + "h[j];" + AccumulateComment(d));
        }
    }

    /// <summary>Stores h(t)[j] in the state sequence and, for a Bidirectional layer that returns sequences, in its place of the output.</summary>
    private void EmitStoreState(CodeWriter w, RecurrentDirection d)
    {
        w.Line("states[s * Units + j] = h[j];");
        if (Bidirectional && ReturnSequences)
        {
            w.Line("output[(stateRow + " + OutputStep(d) + ") * OutputWidth + Column + j] " + MergeAssign(d) + " " + MergeScale + "h[j];" + AccumulateComment(d));
        }
    }

    /// <summary>
    /// Columns of the gate pre-activations a thread sums over every k at a time in its forward products, when the gates are
    /// wider than <see cref="ColumnsInRegisters"/> and made of whole blocks: eight 8-float vectors that stay in registers
    /// across the k loop, where a product over all the columns at once loads and stores every column for each k (GRU(128)'s
    /// 384). Measured on PoCL: the forward kernels' share of the W3 profile fell by a quarter. Each column adds its terms in
    /// the same order (k ascending), so the sums are the same bits. Not the reset-before GRU's recurrent product (z and r
    /// only; its candidate reads r ⊙ h). On CPUs, the wide plain layers run the block kernels (SequenceBlocks) for batches
    /// of four or more, so this form serves their smaller batches and the layers with other options. GPUs run this kernel
    /// only for layers without group kernels (stateful, bidirectional, GoBackwards, dropout with a reset-before GRU, a last
    /// layer with the loss gradient fused in, layers too wide for shared memory), one thread per sequence there too; not
    /// measured on a GPU.
    /// </summary>
    private const int ColumnBlock = 64;

    private bool BlocksGateColumns => GateWidth > ColumnsInRegisters && GateWidth % ColumnBlock == 0;

    /// <summary>
    /// <c>target[g] += v · parameters[matrix + k · GateWidth + g]</c>, with <c>float v = value</c> (an expression in k), for every
    /// k below <paramref name="count"/> and every gate column g; in blocks of <see cref="ColumnBlock"/> columns where
    /// <see cref="BlocksGateColumns"/>.
    /// </summary>
    private void EmitGateProduct(CodeWriter w, string count, string v, string value, string target, string matrix)
    {
        string load = "float " + v + " = " + value + ";";
        string product = AccumulateProduct(ProductPass.Forward, target + "[g]", v, "parameters[" + matrix + " + k * GateWidth + g]");
        if (!BlocksGateColumns)
        {
            using (w.Block("for (int k = 0; k < " + count + "; k++)"))
            {
                w.Line(load);
                w.Line("for (int g = 0; g < GateWidth; g++) " + product);
            }

            return;
        }

        using (w.Block("for (int g0 = 0; g0 < GateWidth; g0 += " + I(ColumnBlock) + ") // " + I(ColumnBlock) + " columns' sums in registers over every k"))
        using (w.Block("for (int k = 0; k < " + count + "; k++)"))
        {
            w.Line(load);
            w.Line("for (int g = g0; g < g0 + " + I(ColumnBlock) + "; g++) " + product);
        }
    }
}
