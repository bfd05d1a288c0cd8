using System.Collections.Generic;
using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// SimpleRNN, LSTM and GRU (Keras semantics and weight layouts). Schedule: one thread per sequence, the time
/// loop inside the kernel, the state in thread-local arrays of constant size, the innermost loops over the
/// contiguous gate columns (what PoCL's compiler vectorizes). Backward is full backprop through time in one
/// launch, then one launch that reduces every weight's gradient over (sample, step) — one thread per weight,
/// so the sums are deterministic and need no atomics.
/// </summary>
internal sealed class RecurrentEmitter : LayerEmitter
{
    private readonly CellKind cell;
    private readonly int features;
    private readonly int units;
    private readonly ActivationKind activation;
    private readonly ActivationKind gateActivation;
    private readonly RecurrentGroupSchedule? groupSchedule; // the GPU variant of the forward and backward kernels, if it covers this layer

    public RecurrentEmitter(LayerPlan plan, LayerIo io)
        : base(plan, io)
    {
        cell = (CellKind)plan.Spec.Cell;
        features = plan.Input.Features;
        units = plan.Spec.Units;
        activation = ActivationCode.Resolve(plan.Spec.Activation, ActivationKind.Tanh);
        gateActivation = ActivationCode.Resolve(plan.Spec.RecurrentActivation, ActivationKind.Sigmoid);
        groupSchedule = RecurrentGroupSchedule.For(plan, io, Prefix);
    }

    /// <summary>Why this layer cannot run yet, or null when it can.</summary>
    public static string? Unsupported(LayerPlan plan)
    {
        var s = plan.Spec;
        if (s.Kind == LayerKind.Bidirectional)
        {
            return "Bidirectional layers";
        }

        if (s.Peepholes)
        {
            return "peephole LSTM cells";
        }

        if (s.LayerNorm)
        {
            return "layer-normalized recurrent cells";
        }

        if (s.Dropout > 0 || s.RecurrentDropout > 0)
        {
            return "dropout inside recurrent layers";
        }

        if (s.Stateful)
        {
            return "stateful recurrent layers";
        }

        if (s.GoBackwards)
        {
            return "GoBackwards";
        }

        if (s.Cell == (int)CellKind.GRU && !s.ResetAfter)
        {
            return "GRU with ResetAfter = false";
        }

        if (s.Activation == (int)ActivationKind.Softmax || s.RecurrentActivation == (int)ActivationKind.Softmax)
        {
            return "softmax inside a recurrent cell";
        }

        return null;
    }

    private int Gates => GatesOf(cell);

    /// <summary>Floats cached per step for the backward pass (beyond the hidden state).</summary>
    private int CacheWidth => CacheWidthOf(cell, units);

    /// <summary>Gate gradients stored per step: GRU keeps the input-side and the recurrent-side ones (they differ in the candidate block).</summary>
    private int GradientWidth => GradientWidthOf(cell, units);

    /// <summary>Floats the forward pass caches per step for the backward pass (beyond the hidden state); also read by <see cref="LayerCosts"/>.</summary>
    public static int CacheWidthOf(CellKind cell, int units) => cell switch
    {
        CellKind.LSTM => 5 * units, // i, f, c̃, o and the cell state
        CellKind.GRU => 4 * units, // z, r, h̃ and the recurrent candidate term (h·U_h + b_h), which the reset gate scales
        _ => 0,
    };

    /// <summary>Gate gradients stored per step; also read by <see cref="LayerCosts"/>.</summary>
    public static int GradientWidthOf(CellKind cell, int units) => (cell == CellKind.GRU ? 2 : 1) * GatesOf(cell) * units;

    /// <summary>Gate blocks of a cell: LSTM 4 (i, f, c̃, o), GRU 3 (z, r, h̃), SimpleRNN 1.</summary>
    public static int GatesOf(CellKind cell) => cell switch
    {
        CellKind.LSTM => 4,
        CellKind.GRU => 3,
        _ => 1,
    };

    private string StatesView => Plan.Spec.ReturnSequences ? Io.Output : FieldPrefix + "States!.View";

    private string CacheView => CacheWidth > 0 ? FieldPrefix + "Cache!.View" : StatesView;

    public override IEnumerable<WorkspaceBuffer> Workspace
    {
        get
        {
            if (!Plan.Spec.ReturnSequences)
            {
                yield return new WorkspaceBuffer(FieldPrefix + "States", "steps * " + I(units), "hidden state of every step (the layer outputs only the last)");
            }

            if (CacheWidth > 0)
            {
                yield return new WorkspaceBuffer(FieldPrefix + "Cache", "steps * " + I(CacheWidth), cell == CellKind.LSTM ? "gate activations i, f, c̃, o and cell state per step" : "gates z, r, candidate h̃ and recurrent candidate term per step");
            }

            yield return new WorkspaceBuffer(FieldPrefix + "GateGradient", "steps * " + I(GradientWidth), "gradient of the gate pre-activations per step");
        }
    }

    public override IEnumerable<KernelField> Kernels
    {
        get
        {
            yield return new KernelField(FieldPrefix + "Forward", "ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int", Prefix + "Forward", groupSchedule?.ForwardMethod);
            yield return new KernelField(FieldPrefix + "Backward", "ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int", Prefix + "Backward", groupSchedule?.BackwardMethod);
            yield return new KernelField(FieldPrefix + "WeightGradients", "ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int", Prefix + "WeightGradients");
        }
    }

    public override void EmitForward(CodeWriter w)
    {
        w.Line("// " + Describe());
        w.Line(FieldPrefix + "Forward(" + (groupSchedule?.ForwardGrid ?? "device.GridFor(n)") + ", batch.Parameters, " + Io.Input + ", batch.Rows, " + StatesView + ", " + Io.Output + ", " + CacheView + ", n, steps);");
    }

    public override void EmitBackward(CodeWriter w)
    {
        w.Line("// " + Describe());
        w.Line(FieldPrefix + "Backward(" + (groupSchedule?.BackwardGrid ?? "device.GridFor(n)") + ", batch.Parameters, " + StatesView + ", " + CacheView + ", " + Io.OutputGradient + ", " + Io.InputGradient + ", " + FieldPrefix + "GateGradient!.View, n, steps);");
        w.Line(FieldPrefix + "WeightGradients(device.GridFor(" + I(WeightCount) + "), " + Io.Input + ", batch.Rows, " + StatesView + ", " + FieldPrefix + "GateGradient!.View, batch.Gradients, n, steps);");
    }

    public int WeightCount => Plan.ParameterCount;

    public override void EmitKernels(CodeWriter w)
    {
        EmitForwardKernel(w);
        w.Line();
        EmitBackwardKernel(w);
        w.Line();
        EmitWeightGradientKernel(w);
        if (groupSchedule is not null)
        {
            w.Line();
            groupSchedule.EmitKernels(w);
        }
    }

    private void Layout(CodeWriter w, bool backward = false)
    {
        // The backward pass reads no bias, and the first layer's backward computes no input gradient.
        bool needsInput = !backward || !Io.IsFirst;
        if (needsInput)
        {
            Const(w, "Features", features, "input features per step");
        }

        Const(w, "Units", units);
        Const(w, "GateWidth", Gates * units, cell switch
        {
            CellKind.LSTM => "gates i, f, c̃, o (Keras order), each Units wide",
            CellKind.GRU => "gates z, r, h̃ (Keras order), each Units wide",
            _ => "one block: the new state",
        });
        if (needsInput)
        {
            Const(w, "Kernel", Tensor("kernel")!.Offset, Plan.Name + "/kernel [Features, GateWidth]");
        }

        Const(w, "RecurrentKernel", Tensor("recurrent_kernel")!.Offset, Plan.Name + "/recurrent_kernel [Units, GateWidth]");
        if (!backward && Tensor("bias") is { } bias)
        {
            Const(w, "Bias", bias.Offset, Plan.Name + "/bias " + (bias.Rows == 2 ? "[2, GateWidth]: input bias, then recurrent bias" : "[GateWidth]"));
        }
    }

    private string InputRow(string b) => Io.IsFirst ? "(long)rows[" + b + "] * steps" : "(long)" + b + " * steps";

    private void EmitForwardKernel(CodeWriter w)
    {
        w.Summary(Describe() + ": forward pass over every step, one thread per sequence.\nWrites the hidden state of every step to states, the layer output to output, and what backward needs to cache.");
        using (w.Block("public static void " + Prefix + "Forward(ArrayView<float> parameters, ArrayView<float> input, ArrayView<int> rows, ArrayView<float> states, ArrayView<float> output, ArrayView<float> cache, int batch, int steps)"))
        {
            Layout(w);
            if (CacheWidth > 0)
            {
                Const(w, "CacheWidth", CacheWidth, "floats cached per step");
            }

            bool hasBias = Tensor("bias") is not null;
            w.Line("var h = LocalMemory.Allocate<float>(Units);");
            if (cell == CellKind.LSTM)
            {
                w.Line("var c = LocalMemory.Allocate<float>(Units);");
            }

            w.Line("var z = LocalMemory.Allocate<float>(GateWidth); // input-side pre-activations");
            if (cell == CellKind.GRU)
            {
                w.Line("var zh = LocalMemory.Allocate<float>(GateWidth); // recurrent-side pre-activations (reset_after: kept apart)");
            }
            else if (cell == CellKind.SimpleRNN)
            {
                // The whole pre-activation is formed from the old state before any unit is updated.
            }

            using (GridStride(w, "b", "batch"))
            {
                w.Line("long inputRow = " + InputRow("b") + ";");
                w.Line("long stateRow = (long)b * steps;");
                using (w.Block("for (int j = 0; j < Units; j++)"))
                {
                    w.Line("h[j] = 0f;");
                    if (cell == CellKind.LSTM)
                    {
                        w.Line("c[j] = 0f;");
                    }
                }

                using (w.Block("for (int t = 0; t < steps; t++)"))
                {
                    w.Line("for (int g = 0; g < GateWidth; g++) z[g] = " + (hasBias ? "parameters[Bias + g]" : "0f") + ";");
                    if (cell == CellKind.GRU)
                    {
                        w.Line("for (int g = 0; g < GateWidth; g++) zh[g] = " + (hasBias ? "parameters[Bias + GateWidth + g]" : "0f") + ";");
                    }

                    w.Line("long x = (inputRow + t) * Features;");
                    using (w.Block("for (int k = 0; k < Features; k++)"))
                    {
                        w.Line("float xk = input[x + k];");
                        w.Line("for (int g = 0; g < GateWidth; g++) z[g] += xk * parameters[Kernel + k * GateWidth + g];");
                    }

                    string recurrentTarget = cell == CellKind.GRU ? "zh" : "z";
                    using (w.Block("for (int k = 0; k < Units; k++)"))
                    {
                        w.Line("float hk = h[k];");
                        w.Line("for (int g = 0; g < GateWidth; g++) " + recurrentTarget + "[g] += hk * parameters[RecurrentKernel + k * GateWidth + g];");
                    }

                    w.Line("long s = stateRow + t;");
                    using (w.Block("for (int j = 0; j < Units; j++)"))
                    {
                        switch (cell)
                        {
                            case CellKind.LSTM:
                                w.Line("float i = " + ActivationCode.Apply(gateActivation, "z[j]") + ";");
                                w.Line("float f = " + ActivationCode.Apply(gateActivation, "z[Units + j]") + ";");
                                w.Line("float g = " + ActivationCode.Apply(activation, "z[2 * Units + j]") + ";");
                                w.Line("float o = " + ActivationCode.Apply(gateActivation, "z[3 * Units + j]") + ";");
                                w.Line("float cj = f * c[j] + i * g;");
                                w.Line("c[j] = cj;");
                                w.Line("h[j] = o * " + ActivationCode.Apply(activation, "cj") + ";");
                                w.Line("long e = s * CacheWidth + j;");
                                w.Line("cache[e] = i;");
                                w.Line("cache[e + Units] = f;");
                                w.Line("cache[e + 2 * Units] = g;");
                                w.Line("cache[e + 3 * Units] = o;");
                                w.Line("cache[e + 4 * Units] = cj;");
                                break;
                            case CellKind.GRU:
                                w.Line("float u = " + ActivationCode.Apply(gateActivation, "z[j] + zh[j]") + "; // update gate z");
                                w.Line("float r = " + ActivationCode.Apply(gateActivation, "z[Units + j] + zh[Units + j]") + ";");
                                w.Line("float candidateTerm = zh[2 * Units + j];");
                                w.Line("float hh = " + ActivationCode.Apply(activation, "z[2 * Units + j] + r * candidateTerm") + ";");
                                w.Line("h[j] = u * h[j] + (1f - u) * hh;");
                                w.Line("long e = s * CacheWidth + j;");
                                w.Line("cache[e] = u;");
                                w.Line("cache[e + Units] = r;");
                                w.Line("cache[e + 2 * Units] = hh;");
                                w.Line("cache[e + 3 * Units] = candidateTerm;");
                                break;
                            default:
                                w.Line("h[j] = " + ActivationCode.Apply(activation, "z[j]") + ";");
                                break;
                        }

                        w.Line("states[s * Units + j] = h[j];");
                    }
                }

                if (!Plan.Spec.ReturnSequences)
                {
                    w.Line("for (int j = 0; j < Units; j++) output[(long)b * Units + j] = h[j];");
                }
            }
        }
    }

    private void EmitBackwardKernel(CodeWriter w)
    {
        w.Summary(Describe() + ": backpropagation through time, one thread per sequence, from the last step to the first.\nWrites the gate pre-activation gradients of every step" + (Io.IsFirst ? "." : " and the gradient of the layer's input."));
        using (w.Block("public static void " + Prefix + "Backward(ArrayView<float> parameters, ArrayView<float> states, ArrayView<float> cache, ArrayView<float> outputGradient, ArrayView<float> inputGradient, ArrayView<float> gateGradient, int batch, int steps)"))
        {
            Layout(w, backward: true);
            if (CacheWidth > 0)
            {
                Const(w, "CacheWidth", CacheWidth, "floats cached per step");
            }

            Const(w, "GradientWidth", GradientWidth, cell == CellKind.GRU ? "input-side gate gradients, then recurrent-side ones" : "gate gradients per step");
            w.Line("var dh = LocalMemory.Allocate<float>(Units); // gradient reaching h from later steps");
            if (cell == CellKind.LSTM)
            {
                w.Line("var dc = LocalMemory.Allocate<float>(Units); // gradient reaching c from later steps");
            }

            w.Line("var dz = LocalMemory.Allocate<float>(GateWidth); // input-side gate gradients of this step");
            if (cell == CellKind.GRU)
            {
                w.Line("var dzh = LocalMemory.Allocate<float>(GateWidth); // recurrent-side gate gradients of this step");
            }

            string recurrentGradient = cell == CellKind.GRU ? "dzh" : "dz";
            using (GridStride(w, "b", "batch"))
            {
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
                    using (w.Block("for (int j = 0; j < Units; j++)"))
                    {
                        w.Line(Plan.Spec.ReturnSequences
                            ? "float dhj = dh[j] + outputGradient[s * Units + j];"
                            : "float dhj = dh[j] + (t == steps - 1 ? outputGradient[(long)b * Units + j] : 0f);");
                        switch (cell)
                        {
                            case CellKind.LSTM:
                                w.Line("long e = s * CacheWidth + j;");
                                w.Line("float i = cache[e];");
                                w.Line("float f = cache[e + Units];");
                                w.Line("float g = cache[e + 2 * Units];");
                                w.Line("float o = cache[e + 3 * Units];");
                                w.Line("float cPrevious = t > 0 ? cache[e - CacheWidth + 4 * Units] : 0f;");
                                w.Line("float tc = " + ActivationCode.Apply(activation, "cache[e + 4 * Units]") + ";");
                                w.Line("float dcj = dc[j] + dhj * o * " + ActivationCode.DerivativeFromOutput(activation, "tc") + ";");
                                w.Line("dz[j] = dcj * g * " + ActivationCode.DerivativeFromOutput(gateActivation, "i") + ";");
                                w.Line("dz[Units + j] = dcj * cPrevious * " + ActivationCode.DerivativeFromOutput(gateActivation, "f") + ";");
                                w.Line("dz[2 * Units + j] = dcj * i * " + ActivationCode.DerivativeFromOutput(activation, "g") + ";");
                                w.Line("dz[3 * Units + j] = dhj * tc * " + ActivationCode.DerivativeFromOutput(gateActivation, "o") + ";");
                                w.Line("dc[j] = dcj * f;");
                                break;
                            case CellKind.GRU:
                                w.Line("long e = s * CacheWidth + j;");
                                w.Line("float u = cache[e];");
                                w.Line("float r = cache[e + Units];");
                                w.Line("float hh = cache[e + 2 * Units];");
                                w.Line("float candidateTerm = cache[e + 3 * Units];");
                                w.Line("float hPrevious = t > 0 ? states[(s - 1) * Units + j] : 0f;");
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
                                break;
                            default:
                                w.Line("dz[j] = dhj * " + ActivationCode.DerivativeFromOutput(activation, "states[s * Units + j]") + ";");
                                break;
                        }
                    }

                    w.Line("for (int g = 0; g < GateWidth; g++) gateGradient[s * GradientWidth + g] = dz[g];");
                    if (cell == CellKind.GRU)
                    {
                        w.Line("for (int g = 0; g < GateWidth; g++) gateGradient[s * GradientWidth + GateWidth + g] = dzh[g];");
                    }

                    using (w.Block("for (int k = 0; k < Units; k++)"))
                    {
                        w.Line("float sum = 0f;");
                        w.Line("for (int g = 0; g < GateWidth; g++) sum += parameters[RecurrentKernel + k * GateWidth + g] * " + recurrentGradient + "[g];");
                        w.Line(cell == CellKind.GRU ? "dh[k] += sum;" : "dh[k] = sum;");
                    }

                    if (!Io.IsFirst)
                    {
                        using (w.Block("for (int k = 0; k < Features; k++)"))
                        {
                            w.Line("float sum = 0f;");
                            w.Line("for (int g = 0; g < GateWidth; g++) sum += parameters[Kernel + k * GateWidth + g] * dz[g];");
                            w.Line("inputGradient[s * Features + k] = sum;");
                        }
                    }
                }
            }
        }
    }

    private void EmitWeightGradientKernel(CodeWriter w)
    {
        var bias = Tensor("bias");
        w.Summary(Describe() + ": gradient of every weight, one thread per weight, summed over samples and steps in a fixed order (deterministic, no atomics).");
        using (w.Block("public static void " + Prefix + "WeightGradients(ArrayView<float> input, ArrayView<int> rows, ArrayView<float> states, ArrayView<float> gateGradient, ArrayView<float> gradients, int batch, int steps)"))
        {
            Const(w, "Features", features, "input features per step");
            Const(w, "Units", units);
            Const(w, "GateWidth", Gates * units);
            Const(w, "GradientWidth", GradientWidth, cell == CellKind.GRU ? "input-side gate gradients, then recurrent-side ones" : "gate gradients per step");
            Const(w, "RecurrentSide", cell == CellKind.GRU ? Gates * units : 0, "where the gradients that reach the recurrent kernel start within a step");
            Const(w, "First", Plan.ParameterOffset, "this layer's first parameter in the flat buffer");
            Const(w, "KernelCount", features * Gates * units, "kernel [Features, GateWidth]");
            Const(w, "RecurrentCount", units * Gates * units, "recurrent_kernel [Units, GateWidth]");
            Const(w, "BiasCount", bias is null ? 0 : bias.Length, bias is null ? "no bias" : bias.Rows == 2 ? "bias [2, GateWidth]: input side, then recurrent side" : "bias [GateWidth]");
            using (GridStride(w, "p", "KernelCount + RecurrentCount + BiasCount"))
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
                        w.Line("for (int t = 0; t < steps; t++) sum += input[(inputRow + t) * Features + k] * gateGradient[(stateRow + t) * GradientWidth + g];");
                    }
                }

                using (w.Block("else if (p < KernelCount + RecurrentCount)"))
                {
                    w.Line("int q = p - KernelCount;");
                    w.Line("int k = q / GateWidth;");
                    w.Line("int g = q - k * GateWidth;");
                    using (w.Block("for (int b = 0; b < batch; b++)"))
                    {
                        w.Line("long stateRow = (long)b * steps;");
                        w.Line("for (int t = 1; t < steps; t++) sum += states[(stateRow + t - 1) * Units + k] * gateGradient[(stateRow + t) * GradientWidth + RecurrentSide + g]; // h(-1) = 0");
                    }
                }

                using (w.Block("else"))
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

                w.Line("gradients[First + p] = sum;");
            }
        }
    }
}
