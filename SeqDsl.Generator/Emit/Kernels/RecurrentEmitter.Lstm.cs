namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// LSTM step math (Keras gate order i, f, c̃, o). With peepholes (Keras/TF PeepholeLSTMCell) the input and forget
/// gates also see c(t−1) and the output gate sees c(t), each through a per-unit weight.
/// </summary>
internal sealed partial class RecurrentEmitter
{
    /// <summary>
    /// Peephole LSTM, inside the unit loop: z holds the gate pre-activations; updates c[j] and h[j] and leaves i, f,
    /// c̃, o in z for the cache. (The gates read c, so they are computed unit by unit, not block by block.)
    /// </summary>
    private void EmitPeepholeLstmStep(CodeWriter w)
    {
        w.Line("float i = " + ActivationCode.ApplyToGate(gateActivation, "z[j] + parameters[InputPeephole + j] * c[j]") + ";");
        w.Line("float f = " + ActivationCode.ApplyToGate(gateActivation, "z[Units + j] + parameters[ForgetPeephole + j] * c[j]") + ";");
        w.Line("float g = " + ActivationCode.Apply(activation, "z[2 * Units + j]") + ";");
        w.Line("float cj = f * c[j] + i * g;");
        w.Line("float o = " + ActivationCode.ApplyToGate(gateActivation, "z[3 * Units + j] + parameters[OutputPeephole + j] * cj") + "; // the output gate sees the new cell state");
        w.Line("c[j] = cj;");
        w.Line("activatedCell[j] = " + ActivationCode.Apply(activation, "cj") + ";");
        w.Line("h[j] = o * activatedCell[j];");
        w.Line("z[j] = i; // the activated gates replace the pre-activations; the step's cache stores copy them");
        w.Line("z[Units + j] = f;");
        w.Line("z[2 * Units + j] = g;");
        w.Line("z[3 * Units + j] = o;");
    }

    /// <summary>
    /// The LSTM step without peepholes as one loop per gate block, then the cell update: each loop applies one
    /// activation to a contiguous run of z, a form CPU OpenCL compilers vectorize; z is left holding i, f, c̃, o.
    /// </summary>
    private void EmitLstmBlockStep(CodeWriter w)
    {
        w.Line("// The gates, activated in place block by block (loops that vectorize); the step's cache stores copy them.");
        w.Line("for (int q = 0; q < 2 * Units; q++) z[q] = " + ActivationCode.ApplyToGate(gateActivation, "z[q]") + "; // i, f");
        w.Line("for (int q = 2 * Units; q < 3 * Units; q++) z[q] = " + ActivationCode.Apply(activation, "z[q]") + "; // c̃");
        w.Line("for (int q = 3 * Units; q < GateWidth; q++) z[q] = " + ActivationCode.ApplyToGate(gateActivation, "z[q]") + "; // o");
        w.Line("for (int j = 0; j < Units; j++) c[j] = z[Units + j] * c[j] + z[j] * z[2 * Units + j];");
        w.Line("for (int j = 0; j < Units; j++) activatedCell[j] = " + ActivationCode.Apply(activation, "c[j]") + ";");
        w.Line("for (int j = 0; j < Units; j++) h[j] = z[3 * Units + j] * activatedCell[j];");
    }

    /// <summary>Inside the backward unit loop: from dhj and dc[j], the gate gradients dz and the gradient reaching c(t−1).</summary>
    private void EmitLstmBackwardStep(CodeWriter w)
    {
        w.Line("long e = s * CacheWidth + j;");
        w.Line("float i = cache[e];");
        w.Line("float f = cache[e + Units];");
        w.Line("float g = cache[e + 2 * Units];");
        w.Line("float o = cache[e + 3 * Units];");
        w.Line("float cPrevious = t > 0 ? cache[e - CacheWidth + 4 * Units] : " + (Stateful ? "initial[(long)b * StateWidth + Units + j]" : "0f") + ";");
        w.Line("float tc = cache[e + 5 * Units]; // the activated cell state, cached by the forward");
        if (Peepholes)
        {
            w.Line("float dOutput = dhj * tc * " + ActivationCode.DerivativeFromOutput(gateActivation, "o") + ";");
            w.Line("float dcj = dc[j] + dhj * o * " + ActivationCode.DerivativeFromOutput(activation, "tc") + " + dOutput * parameters[OutputPeephole + j];");
        }
        else
        {
            w.Line("float dcj = dc[j] + dhj * o * " + ActivationCode.DerivativeFromOutput(activation, "tc") + ";");
        }

        w.Line("dz[j] = dcj * g * " + ActivationCode.DerivativeFromOutput(gateActivation, "i") + ";");
        w.Line("dz[Units + j] = dcj * cPrevious * " + ActivationCode.DerivativeFromOutput(gateActivation, "f") + ";");
        w.Line("dz[2 * Units + j] = dcj * i * " + ActivationCode.DerivativeFromOutput(activation, "g") + ";");
        if (Peepholes)
        {
            w.Line("dz[3 * Units + j] = dOutput;");
            w.Line("dc[j] = " + CarriedGradient.Flushed("dcj * f + dz[j] * parameters[InputPeephole + j] + dz[Units + j] * parameters[ForgetPeephole + j]") + "; // c(t−1) also fed i and f");
        }
        else
        {
            w.Line("dz[3 * Units + j] = dhj * tc * " + ActivationCode.DerivativeFromOutput(gateActivation, "o") + ";");
            w.Line("dc[j] = " + CarriedGradient.Flushed("dcj * f") + ";");
        }
    }
}
