namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// LSTM step math (Keras gate order i, f, c̃, o). With peepholes (Keras/TF PeepholeLSTMCell) the input and forget
/// gates also see c(t−1) and the output gate sees c(t), each through a per-unit weight.
/// </summary>
internal sealed partial class RecurrentEmitter
{
    /// <summary>Inside the unit loop: z holds the gate pre-activations; updates c[j] and h[j] and leaves i, f, c̃, o in z for the cache.</summary>
    private void EmitLstmStep(CodeWriter w)
    {
        if (Peepholes)
        {
            w.Line("float i = " + ActivationCode.Apply(gateActivation, "z[j] + parameters[InputPeephole + j] * c[j]") + ";");
            w.Line("float f = " + ActivationCode.Apply(gateActivation, "z[Units + j] + parameters[ForgetPeephole + j] * c[j]") + ";");
        }
        else
        {
            w.Line("float i = " + ActivationCode.Apply(gateActivation, "z[j]") + ";");
            w.Line("float f = " + ActivationCode.Apply(gateActivation, "z[Units + j]") + ";");
        }

        w.Line("float g = " + ActivationCode.Apply(activation, "z[2 * Units + j]") + ";");
        if (Peepholes)
        {
            w.Line("float cj = f * c[j] + i * g;");
            w.Line("float o = " + ActivationCode.Apply(gateActivation, "z[3 * Units + j] + parameters[OutputPeephole + j] * cj") + "; // the output gate sees the new cell state");
        }
        else
        {
            w.Line("float o = " + ActivationCode.Apply(gateActivation, "z[3 * Units + j]") + ";");
            w.Line("float cj = f * c[j] + i * g;");
        }

        w.Line("c[j] = cj;");
        w.Line("h[j] = o * " + ActivationCode.Apply(activation, "cj") + ";");
        w.Line("z[j] = i; // the activated gates replace the pre-activations; the step's cache stores copy them");
        w.Line("z[Units + j] = f;");
        w.Line("z[2 * Units + j] = g;");
        w.Line("z[3 * Units + j] = o;");
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
        w.Line("float tc = " + ActivationCode.Apply(activation, "cache[e + 4 * Units]") + ";");
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
            w.Line("dc[j] = dcj * f + dz[j] * parameters[InputPeephole + j] + dz[Units + j] * parameters[ForgetPeephole + j]; // c(t−1) also fed i and f");
        }
        else
        {
            w.Line("dz[3 * Units + j] = dhj * tc * " + ActivationCode.DerivativeFromOutput(gateActivation, "o") + ";");
            w.Line("dc[j] = dcj * f;");
        }
    }
}
