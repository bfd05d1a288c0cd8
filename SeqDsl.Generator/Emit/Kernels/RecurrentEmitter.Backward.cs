using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>The backward kernel: backpropagation through time from the last step to the first.</summary>
internal sealed partial class RecurrentEmitter
{
    private void EmitBackwardKernel(CodeWriter w, RecurrentDirection d)
    {
        var arguments = BackwardArguments(d);
        string inputGradientText = Io.IsFirst ? "." : d.Accumulates ? " and adds this direction's part of the gradient of the layer's input." : " and the gradient of the layer's input.";
        w.Summary(Describe() + Of(d) + ": backpropagation through time, one thread per sequence, from the last step to the first.\nWrites the gate pre-activation gradients of every step" + inputGradientText
            + (Stateful ? "\nThe carried state the batch started from is a constant: no gradient flows into earlier batches (truncated BPTT, as Keras)." : ""));
        using (w.Block("public static void " + Prefix + d.Tag + "Backward(" + Signature(arguments) + ")"))
        {
            Layout(w, d, backward: true);
            if (CacheWidth > 0)
            {
                Const(w, "CacheWidth", CacheWidth, "floats cached per step");
            }

            Const(w, "GradientWidth", GradientWidth, GradientWidthComment);
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
            if (ResetAfter)
            {
                w.Line("var dzh = LocalMemory.Allocate<float>(GateWidth); // recurrent-side gate gradients of this step");
            }

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
                        using (w.Block("for (int j = 0; j < Units; j++)"))
                        {
                            w.Line("float dhj = dh[j] + " + OutputGradientAt(d) + ";");
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

                    if (Normalized && cell != CellKind.GRU)
                    {
                        EmitLayerNormBackward(w);
                    }

                    w.Line("for (int g = 0; g < GateWidth; g++) gateGradient[s * GradientWidth + g] = dz[g];");
                    if (ResetAfter)
                    {
                        w.Line("for (int g = 0; g < GateWidth; g++) gateGradient[s * GradientWidth + GateWidth + g] = dzh[g];");
                    }

                    using (w.Block("for (int k = 0; k < Units; k++)"))
                    {
                        w.Line("float sum = 0f;");
                        w.Line(ResetBefore
                            ? "for (int g = 0; g < 2 * Units; g++) sum += parameters[RecurrentKernel + k * GateWidth + g] * dz[g]; // z and r; the candidate block reached h(t−1) through r ⊙ h above"
                            : "for (int g = 0; g < GateWidth; g++) sum += parameters[RecurrentKernel + k * GateWidth + g] * " + recurrentGradient + "[g];");
                        w.Line((cell == CellKind.GRU ? "dh[k] += " : "dh[k] = ") + StateMasked("sum") + ";");
                    }

                    if (!Io.IsFirst)
                    {
                        if (d.Reversed)
                        {
                            w.Line("long xs = stateRow + steps - 1 - t; // the input step this step read");
                        }

                        using (w.Block("for (int k = 0; k < Features; k++)"))
                        {
                            w.Line("float sum = 0f;");
                            w.Line("for (int g = 0; g < GateWidth; g++) sum += parameters[Kernel + k * GateWidth + g] * dz[g];");
                            w.Line("inputGradient[" + (d.Reversed ? "xs" : "s") + " * Features + k] " + (d.Accumulates ? "+= " + InputMasked("sum") + "; // the forward direction's launch wrote its part first" : "= " + InputMasked("sum") + ";"));
                        }
                    }
                }
            }
        }
    }

    private string GradientWidthComment =>
        (ResetAfter ? "input-side gate gradients, then recurrent-side ones" : Normalized ? "gradients before the layer normalization (kernels, bias)" : "gate gradients per step")
        + (Normalized ? (ResetAfter ? ", then those after the layer normalization (gamma, beta)" : ", then after it (gamma, beta" + (Peepholes ? ", peepholes)" : ")")) : "");

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
