namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// GRU with layer normalization. The candidate's pre-activation depends on the reset gate, so one normalization of
/// all 3·units pre-activations (as for LSTM) is not possible; a GRU step has two, each with its own mean and σ and
/// with gamma and beta [3·units] split between them by column:
/// <list type="number">
/// <item>z and r together (columns [0, 2·units)): x·W + h·U + b (reset_after: both biases), normalized, then the sigmoid.</item>
/// <item>the candidate alone (columns [2·units, 3·units)): reset_after: x·W_h + b_h + r ⊙ (h·U_h + b'_h); reset_after =
/// False: x·W_h + (r ⊙ h)·U_h + b_h; normalized, then tanh.</item>
/// </list>
/// h = z ⊙ h(t−1) + (1 − z) ⊙ h̃ as without normalization. The cache keeps x̂ of all 3·units columns, then the two 1/σ.
/// </summary>
internal sealed partial class RecurrentEmitter
{
    private static readonly LayerNormSpan GruGates = new("0", "CandidateStart", "CandidateStart", 0, "Gates");

    private static readonly LayerNormSpan GruCandidate = new("CandidateStart", "GateWidth", "Units", 1, "Candidate");

    /// <summary>Forward, after the matmuls: z holds the input side (with reset_after; zh the recurrent side), or for reset_after = False z and r in full and the candidate's input side.</summary>
    private void EmitGruLayerNormStep(CodeWriter w, RecurrentDirection d)
    {
        if (ResetAfter)
        {
            w.Line("for (int g = 0; g < CandidateStart; g++) z[g] += zh[g]; // z and r read both sides; the candidate keeps them apart until r is known");
        }

        EmitLayerNormForward(w, GruGates, declareOffset: true);
        using (w.Block("for (int j = 0; j < Units; j++)"))
        {
            w.Line("float u = " + ActivationCode.ApplyToGate(gateActivation, "z[j]") + "; // update gate z");
            w.Line("float r = " + ActivationCode.ApplyToGate(gateActivation, "z[Units + j]") + ";");
            w.Line("z[j] = u; // kept for the state update below");
            w.Line("long e = s * CacheWidth + j;");
            w.Line("cache[e] = u;");
            w.Line("cache[e + Units] = r;");
            if (ResetAfter)
            {
                w.Line("float candidateTerm = zh[2 * Units + j];");
                w.Line("cache[e + 3 * Units] = candidateTerm;");
                w.Line("z[2 * Units + j] += r * candidateTerm; // the candidate's pre-activation, before its normalization");
            }
            else
            {
                w.Line("rh[j] = r * " + (StateDropout ? "h[j] * stateMask[j]; // recurrent dropout masks h(t−1) before the reset gate scales it" : "h[j];"));
            }
        }

        if (ResetBefore)
        {
            EmitResetStateMatmul(w);
        }

        EmitLayerNormForward(w, GruCandidate, declareOffset: false);
        using (w.Block("for (int j = 0; j < Units; j++)"))
        {
            w.Line("float u = z[j];");
            w.Line("float hh = " + ActivationCode.Apply(activation, "z[2 * Units + j]") + ";");
            w.Line("h[j] = u * h[j] + (1f - u) * hh;");
            w.Line("cache[s * CacheWidth + 2 * Units + j] = hh;");
            EmitStoreState(w, d);
        }
    }

    /// <summary>
    /// Backward, in reverse order of the forward: the gradients after the normalizations of z and the candidate, the
    /// candidate's normalization, the reset gate (through the candidate), then the normalization of z and r. Leaves
    /// dz (and dzh) as the gradients of the raw pre-activations that the kernels, bias and h(t−1) see.
    /// </summary>
    private void EmitGruLayerNormBackwardStep(CodeWriter w, RecurrentDirection d)
    {
        EmitGruUpdateAndCandidateBackward(w, d);

        EmitLayerNormBackward(w, GruCandidate, declareOffset: true);
        if (ResetAfter)
        {
            using (w.Block("for (int j = 0; j < Units; j++)"))
            {
                w.Line("long e = s * CacheWidth + j;");
                w.Line("float r = cache[e + Units];");
                w.Line("float candidateTerm = cache[e + 3 * Units];");
                w.Line("dz[Units + j] = dz[2 * Units + j] * candidateTerm * " + ActivationCode.DerivativeFromOutput(gateActivation, "r") + ";");
                w.Line("dzh[2 * Units + j] = dz[2 * Units + j] * r; // the reset gate scales the recurrent candidate term");
            }
        }
        else
        {
            EmitResetStateBackward(w);
        }

        EmitLayerNormBackward(w, GruGates, declareOffset: false);
        if (ResetAfter)
        {
            w.Line("for (int g = 0; g < CandidateStart; g++) dzh[g] = dz[g]; // z and r: both sides fed the same pre-activation");
        }
    }
}
