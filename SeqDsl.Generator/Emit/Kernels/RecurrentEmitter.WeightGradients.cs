using System.Collections.Generic;
using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>The weight-gradient kernel: one thread per weight, summed over samples and steps in a fixed order.</summary>
internal sealed partial class RecurrentEmitter
{
    private void EmitWeightGradientKernel(CodeWriter w, RecurrentDirection d)
    {
        var bias = Tensor(d, "bias");
        var arguments = WeightGradientArguments(d);
        var tensors = TensorsOf(d);
        int first = tensors[0].Offset;
        w.Summary(Describe() + Of(d) + ": gradient of every weight, one thread per weight, summed over samples and steps in a fixed order (deterministic, no atomics).");
        using (w.Block("public static void " + Prefix + d.Tag + "WeightGradients(" + Signature(arguments) + ")"))
        {
            Const(w, "Features", features, "input features per step");
            Const(w, "Units", units);
            Const(w, "GateWidth", GateWidth);
            Const(w, "GradientWidth", GradientWidth, GradientWidthComment);
            Const(w, "RecurrentSide", ResetAfter ? GateWidth : 0, "where the gradients that reach the recurrent kernel start within a step");
            if (WeightGradientsReadCache)
            {
                Const(w, "CacheWidth", CacheWidth, "floats cached per step");
                if (GateSide > 0)
                {
                    Const(w, "GateSide", GateSide, "where the gradients after the layer normalization start within a step");
                }
            }

            if (Stateful)
            {
                Const(w, "StateWidth", StateWidth, cell == CellKind.LSTM ? "carried state per sequence: h, then c" : "carried state per sequence: h");
            }

            EmitDropoutConstants(w, d, input: true, state: true);
            Const(w, "First", first, "this " + (Bidirectional ? "direction" : "layer") + "'s first parameter in the flat buffer");
            Const(w, "KernelCount", features * GateWidth, "kernel [Features, GateWidth]");
            Const(w, "RecurrentCount", units * GateWidth, "recurrent_kernel [Units, GateWidth]");
            Const(w, "BiasCount", bias is null ? 0 : bias.Length, bias is null ? "no bias" : bias.Rows == 2 ? "bias [2, GateWidth]: input side, then recurrent side" : "bias [GateWidth]");
            var extras = new List<(string Name, int Start, string Comment)>();
            if (Peepholes)
            {
                extras.Add(("InputPeephole", Tensor(d, "input_gate_peephole")!.Offset - first, "input_gate_peephole [Units]"));
                extras.Add(("ForgetPeephole", Tensor(d, "forget_gate_peephole")!.Offset - first, "forget_gate_peephole [Units]"));
                extras.Add(("OutputPeephole", Tensor(d, "output_gate_peephole")!.Offset - first, "output_gate_peephole [Units]"));
            }

            if (Normalized)
            {
                Const(w, "LayerNormStart", LayerNormStart, "where a step's cache holds the normalized pre-activations");
                extras.Add(("Gamma", Tensor(d, "layer_norm_gamma")!.Offset - first, "layer_norm_gamma [GateWidth]"));
                extras.Add(("Beta", Tensor(d, "layer_norm_beta")!.Offset - first, "layer_norm_beta [GateWidth]"));
            }

            foreach (var (name, start, comment) in extras)
            {
                Const(w, name, start, comment + ", counted from First");
            }

            string count = extras.Count == 0 ? "KernelCount + RecurrentCount + BiasCount" : I(WeightCount(d));
            using (GridStride(w, "p", count))
            {
                w.Line("float sum = 0f;");
                using (w.Block("if (p < KernelCount)"))
                {
                    w.Line("int k = p / GateWidth;");
                    w.Line("int g = p - k * GateWidth;");
                    using (w.Block("for (int b = 0; b < batch; b++)"))
                    {
                        w.Line("long inputRow = " + InputRow("b") + ";");
                        w.Line("long stateRow = (long)b * steps;");
                        if (InputDropout)
                        {
                            w.Line("float mask = " + MaskAt("Input", "k") + "; // input feature k's multiplier in sequence b");
                        }

                        w.Line("for (int t = 0; t < steps; t++) sum += " + InputMasked("input[(inputRow + " + InputStep(d, "t") + ") * Features + k]").Replace("inputMask[k]", "mask") + " * gateGradient[(stateRow + t) * GradientWidth + g];");
                    }
                }

                using (w.Block("else if (p < KernelCount + RecurrentCount)"))
                {
                    w.Line("int q = p - KernelCount;");
                    w.Line("int k = q / GateWidth;");
                    w.Line("int g = q - k * GateWidth;");
                    EmitRecurrentKernelSum(w);
                }

                using (w.Block(extras.Count == 0 ? "else" : "else if (p < KernelCount + RecurrentCount + BiasCount)"))
                {
                    w.Line("int q = p - KernelCount - RecurrentCount;");
                    w.Line(bias is not null && bias.Rows == 2
                        ? "int column = q < GateWidth ? q : RecurrentSide + q - GateWidth;"
                        : "int column = q;");
                    using (w.Block("for (int b = 0; b < batch; b++)"))
                    {
                        w.Line("long stateRow = (long)b * steps;");
                        w.Line("for (int t = 0; t < steps; t++) sum += gateGradient[(stateRow + t) * GradientWidth + column];");
                    }
                }

                for (int i = 0; i < extras.Count; i++)
                {
                    string name = extras[i].Name;
                    using (w.Block(i == extras.Count - 1 ? "else" : "else if (p < " + extras[i + 1].Name + ")"))
                    {
                        EmitExtraSum(w, name);
                    }
                }

                w.Line("gradients[First + p] = sum;");
            }
        }
    }

    /// <summary>recurrent_kernel[k, g]: h(t−1)[k] (for reset-before GRU's candidate block, r(t)[k]·h(t−1)[k]) times the step's gate gradient.</summary>
    private void EmitRecurrentKernelSum(CodeWriter w)
    {
        if (!Stateful && !ResetBefore)
        {
            using (w.Block("for (int b = 0; b < batch; b++)"))
            {
                w.Line("long stateRow = (long)b * steps;");
                if (StateDropout)
                {
                    w.Line("float mask = " + MaskAt("State", "k") + "; // h(t−1)[k]'s multiplier in sequence b");
                }

                w.Line("for (int t = 1; t < steps; t++) sum += " + (StateDropout ? "mask * " : "") + "states[(stateRow + t - 1) * Units + k] * gateGradient[(stateRow + t) * GradientWidth + RecurrentSide + g]; // h(-1) = 0");
            }

            return;
        }

        if (ResetBefore)
        {
            w.Line("bool candidate = g >= 2 * Units; // the candidate block multiplies r ⊙ h(t−1)");
        }

        using (w.Block("for (int b = 0; b < batch; b++)"))
        {
            w.Line("long stateRow = (long)b * steps;");
            if (StateDropout)
            {
                w.Line("float mask = " + MaskAt("State", "k") + "; // h(t−1)[k]'s multiplier in sequence b");
            }

            using (w.Block("for (int t = 0; t < steps; t++)"))
            {
                w.Line("long s = stateRow + t;");
                w.Line("float hk = " + (StateDropout ? "(" + PreviousState("k") + ") * mask" : PreviousState("k")) + ";");
                if (ResetBefore)
                {
                    w.Line("if (candidate) hk *= cache[s * CacheWidth + Units + k];");
                }

                w.Line("sum += hk * gateGradient[s * GradientWidth + RecurrentSide + g];");
            }
        }
    }

    private void EmitExtraSum(CodeWriter w, string tensor)
    {
        string side = GateSide > 0 ? "GateSide + " : "";
        string previousCell = "(t > 0 ? cache[(s - 1) * CacheWidth + 4 * Units + j] : " + (Stateful ? "initial[(long)b * StateWidth + Units + j]" : "0f") + ")";
        string line = tensor switch
        {
            "InputPeephole" => "sum += gateGradient[s * GradientWidth + " + side + "j] * " + previousCell + ";",
            "ForgetPeephole" => "sum += gateGradient[s * GradientWidth + " + side + "Units + j] * " + previousCell + ";",
            "OutputPeephole" => "sum += gateGradient[s * GradientWidth + " + side + "3 * Units + j] * cache[s * CacheWidth + 4 * Units + j];",
            "Gamma" => "sum += gateGradient[s * GradientWidth + GateSide + j] * cache[s * CacheWidth + LayerNormStart + j];",
            _ => "sum += gateGradient[s * GradientWidth + GateSide + j];",
        };
        w.Line("int j = p - " + tensor + ";" + (tensor is "Gamma" or "Beta" ? " // a gate column" : " // a unit"));
        using (w.Block("for (int b = 0; b < batch; b++)"))
        {
            w.Line("long stateRow = (long)b * steps;");
            using (w.Block("for (int t = 0; t < steps; t++)"))
            {
                w.Line("long s = stateRow + t;");
                w.Line(line);
            }
        }
    }
}
