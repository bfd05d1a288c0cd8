namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// GRU step math (Keras gate order z, r, h̃). reset_after = True (Keras 2's default, two biases):
/// h̃ = act(x·W_h + b_h + r ⊙ (h·U_h + b'_h)). reset_after = False (one bias): h̃ = act(x·W_h + (r ⊙ h)·U_h + b_h).
/// Both: h = z ⊙ h(t−1) + (1 − z) ⊙ h̃.
/// </summary>
internal sealed partial class RecurrentEmitter
{
    /// <summary>
    /// reset_after = True: z and zh hold the input-side and recurrent-side pre-activations. One loop per gate block,
    /// then the state update (loops with one activation over a contiguous run of z vectorize on CPU OpenCL); z is left
    /// holding the update gate, r and h̃ for the cache.
    /// </summary>
    private void EmitGruResetAfterBlockStep(CodeWriter w)
    {
        w.Line("// The gates, activated in place block by block (loops that vectorize); the step's cache stores copy them.");
        w.Line("for (int q = 0; q < 2 * Units; q++) z[q] = " + ActivationCode.ApplyToGate(gateActivation, "z[q] + zh[q]") + "; // update gate z, reset gate r");
        w.Line("for (int j = 0; j < Units; j++) z[2 * Units + j] = " + ActivationCode.Apply(activation, "z[2 * Units + j] + z[Units + j] * zh[2 * Units + j]") + "; // h̃, r scaling the recurrent candidate term");
        w.Line("for (int j = 0; j < Units; j++) h[j] = z[j] * h[j] + (1f - z[j]) * z[2 * Units + j];");
    }

    /// <summary>
    /// reset_after = False: the gates first (all units, since the candidate's matmul reads every unit's r ⊙ h),
    /// then the candidate's recurrent matmul, then the new state.
    /// </summary>
    private void EmitGruResetBeforeStep(CodeWriter w, RecurrentDirection d)
    {
        using (w.Block("for (int j = 0; j < Units; j++)"))
        {
            w.Line("float u = " + ActivationCode.ApplyToGate(gateActivation, "z[j]") + "; // update gate z");
            w.Line("float r = " + ActivationCode.ApplyToGate(gateActivation, "z[Units + j]") + ";");
            w.Line("z[j] = u; // kept for the state update below");
            w.Line("rh[j] = r * " + (StateDropout ? "h[j] * stateMask[j]; // recurrent dropout masks h(t−1) before the reset gate scales it" : "h[j];"));
            w.Line("long e = s * CacheWidth + j;");
            w.Line("cache[e] = u;");
            w.Line("cache[e + Units] = r;");
        }

        EmitResetStateMatmul(w);
        using (w.Block("for (int j = 0; j < Units; j++)"))
        {
            w.Line("float u = z[j];");
            w.Line("float hh = " + ActivationCode.Apply(activation, "z[2 * Units + j]") + ";");
            w.Line("h[j] = u * h[j] + (1f - u) * hh;");
            w.Line("cache[s * CacheWidth + 2 * Units + j] = hh;");
            EmitStoreState(w, d);
        }
    }

    /// <summary>reset_after = False: the candidate's recurrent matmul, (r ⊙ h(t−1))·U_h, added to its pre-activation.</summary>
    private void EmitResetStateMatmul(CodeWriter w)
    {
        using (w.Block("for (int k = 0; k < Units; k++)"))
        {
            w.Line("float rk = rh[k];");
            w.Line("for (int g = 0; g < Units; g++) " + AccumulateProduct(ProductPass.Forward, "z[2 * Units + g]", "rk", "parameters[RecurrentKernel + k * GateWidth + 2 * Units + g]"));
        }
    }

    /// <summary>reset_after = True, inside the backward unit loop.</summary>
    private void EmitGruResetAfterBackwardStep(CodeWriter w)
    {
        w.Line("long e = s * CacheWidth + j;");
        w.Line("float u = cache[e];");
        w.Line("float r = cache[e + Units];");
        w.Line("float hh = cache[e + 2 * Units];");
        w.Line("float candidateTerm = cache[e + 3 * Units];");
        w.Line("float hPrevious = " + PreviousState("j") + ";");
        w.Line("float dCandidate = dhj * (1f - u) * " + ActivationCode.DerivativeFromOutput(activation, "hh") + ";");
        w.Line("float dUpdate = dhj * (hPrevious - hh) * " + ActivationCode.DerivativeFromOutput(gateActivation, "u") + ";");
        w.Line("float dReset = dCandidate * candidateTerm * " + ActivationCode.DerivativeFromOutput(gateActivation, "r") + ";");
        w.Line("dz[j] = dUpdate;");
        w.Line("dz[Units + j] = dReset;");
        w.Line("dz[2 * Units + j] = dCandidate;");
        w.Line("dzh[j] = dUpdate;");
        w.Line("dzh[Units + j] = dReset;");
        w.Line("dzh[2 * Units + j] = dCandidate * r; // the reset gate scales the recurrent candidate term");
        w.Line("dh[j] = dhj * u; // direct path h(t-1) → h(t)");
    }

    /// <summary>
    /// reset_after = False: the update and candidate gradients per unit, then through the candidate's matmul to
    /// r ⊙ h(t−1), which gives the reset gate's gradient and part of h(t−1)'s.
    /// </summary>
    private void EmitGruResetBeforeBackwardStep(CodeWriter w, RecurrentDirection d)
    {
        EmitGruUpdateAndCandidateBackward(w, d);
        EmitResetStateBackward(w);
    }

    /// <summary>
    /// Per unit, from the gradient reaching h(t): the update gate's and the candidate's gradients (at the activations'
    /// inputs) and the direct path to h(t−1). Shared by the reset-before and the layer-normalized GRU.
    /// </summary>
    private void EmitGruUpdateAndCandidateBackward(CodeWriter w, RecurrentDirection d)
    {
        using (w.Block("for (int j = 0; j < Units; j++)"))
        {
            EmitStateGradient(w, d);
            w.Line("long e = s * CacheWidth + j;");
            w.Line("float u = cache[e];");
            w.Line("float hh = cache[e + 2 * Units];");
            w.Line("float hPrevious = " + PreviousState("j") + ";");
            w.Line("dz[j] = dhj * (hPrevious - hh) * " + ActivationCode.DerivativeFromOutput(gateActivation, "u") + ";");
            w.Line("dz[2 * Units + j] = dhj * (1f - u) * " + ActivationCode.DerivativeFromOutput(activation, "hh") + ";");
            w.Line("dh[j] = dhj * u; // direct path h(t-1) → h(t)");
        }
    }

    /// <summary>
    /// reset_after = False: from the gradient of the candidate's pre-activation (dz's candidate block) back through
    /// its matmul to r ⊙ h(t−1): the gradient of what the reset gate's sigmoid reads, and part of h(t−1)'s.
    /// </summary>
    private void EmitResetStateBackward(CodeWriter w)
    {
        using (w.Block("for (int k = 0; k < Units; k++)"))
        {
            w.Line("float dResetState = 0f; // gradient of (r ⊙ h(t−1))[k]");
            w.Line("for (int g = 0; g < Units; g++) " + AccumulateProduct(ProductPass.Backward, "dResetState", "parameters[RecurrentKernel + k * GateWidth + 2 * Units + g]", "dz[2 * Units + g]"));
            w.Line("float r = cache[s * CacheWidth + Units + k];");
            w.Line("float hPrevious = " + (StateDropout ? "(" + PreviousState("k") + ") * stateMask[k]; // what r multiplied" : PreviousState("k") + ";"));
            w.Line("dz[Units + k] = dResetState * hPrevious * " + ActivationCode.DerivativeFromOutput(gateActivation, "r") + ";");
            w.Line("dh[k] += dResetState * r" + (StateDropout ? " * stateMask[k]" : "") + ";");
        }
    }
}
