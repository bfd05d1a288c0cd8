using System.Collections.Generic;
using System.Linq;
using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// The weight-gradient kernels: per-sequence partial sums of the weight matrices (on CPU backends one thread per
/// sequence and block of rows, see RecurrentEmitter.RowBlockPartials.cs; on GPUs one thread per sequence, row and
/// column), which the model's <c>WeightGradients</c> launch adds up in sequence order (<see cref="SumsPartialsModelWide"/>), or
/// where the layer has peepholes or layer normalization a reduction kernel of its own.
/// </summary>
internal sealed partial class RecurrentEmitter
{
    /// <summary>
    /// Rows of the weight matrix [kernel; recurrent_kernel; bias] that one partial-sum thread owns: each row is a
    /// per-step multiplier (an input feature, a unit of h(t−1), or 1 for a bias row) times a step's gate gradients.
    /// </summary>
    private int BiasRows(RecurrentDirection d) => Tensor(d, "bias")?.Rows ?? 0;

    private int MatrixRows(RecurrentDirection d) => features + units + BiasRows(d);

    /// <summary>Floats of kernel, recurrent kernel and bias together: they are contiguous in the flat buffer, row after row.</summary>
    private int MatrixCount(RecurrentDirection d) => MatrixRows(d) * GateWidth;

    /// <summary>The GPU variant of the partial-sums kernel (loaded when the program runs the group schedule).</summary>
    private string ColumnPartialsMethod(RecurrentDirection d) => Prefix + d.Tag + "ColumnWeightGradientPartials";

    /// <summary>
    /// Partial sums per (sequence, matrix row, gate column), for GPUs: batch · Rows · GateWidth threads, consecutive
    /// threads reading consecutive gate gradients, no local array (which a GPU would keep in slow local memory). Each sum
    /// adds its terms in step order, as the CPU's row-block kernel does, so the two give the same bits.
    /// </summary>
    private void EmitColumnPartialsKernel(CodeWriter w, RecurrentDirection d)
    {
        var arguments = WeightGradientPartialsArguments(d);
        int biasRows = BiasRows(d);
        w.Summary(Describe() + Of(d) + ": per-sequence partial sums of the kernel, recurrent-kernel and bias gradients.\n"
            + "One thread per (sequence, matrix row, gate column), for GPUs: the row's multiplier at each step times that step's\n"
            + "gradient of the column, summed over the steps in order (the same sums, in the same order, as the row-block kernel).\n"
            + "The WeightGradients kernel adds the sequences' partials in order, so the result is deterministic without atomics.");
        using (w.Block("public static void " + ColumnPartialsMethod(d) + "(" + Signature(arguments) + ")"))
        {
            EmitPartialsConstants(w, d);

            EmitDropoutConstants(w, d, input: true, state: true);
            using (ColumnItems(w, "g", "GateWidth", "row", "Rows", "the gate column"))
            {
                w.Line("long stateRow = (long)b * steps;");
                w.Line("float sum = 0f;");

                using (w.Block("if (row < Features)"))
                {
                    w.Line("int k = row; // kernel[k, ·] sums x(t)[k] times the gate gradients");
                    w.Line("long inputRow = " + InputRow("b") + ";");
                    if (InputDropout)
                    {
                        w.Line("float mask = " + MaskAt("Input", "k") + "; // input feature k's multiplier in sequence b");
                    }

                    using (w.Block("for (int t = 0; t < steps; t++)"))
                    {
                        w.Line("float xk = input[(inputRow + " + InputStep(d, "t") + ") * Features + k]" + (InputDropout ? " * mask" : "") + ";");
                        w.Line("long gradient = (stateRow + t) * GradientWidth;");
                        AddTerm(w, "xk");
                    }
                }

                using (w.Block(biasRows == 0 ? "else" : "else if (row < Features + Units)"))
                {
                    w.Line("int k = row - Features; // recurrent_kernel[k, ·] sums h(t−1)[k] times the gate gradients");
                    EmitRecurrentRowSum(w);
                }

                if (biasRows > 0)
                {
                    using (w.Block("else"))
                    {
                        w.Line(biasRows == 2
                            ? "long side = row == Features + Units ? 0 : RecurrentSide; // input-side bias row, then recurrent-side"
                            : "const long side = 0; // the bias sees every gate gradient once");
                        using (w.Block("for (int t = 0; t < steps; t++)"))
                        {
                            w.Line("long gradient = (stateRow + t) * GradientWidth + side;");
                            AddBiasTerm(w);
                        }
                    }
                }

                w.Line("partials[item] = sum; // item = (b · Rows + row) · GateWidth + g: sequence b's copy of the matrix");
            }
        }
    }

    /// <summary>The constants both partial-sum kernels (CPU row blocks, GPU columns) start with: the matrix's shape and where a step's gradients start.</summary>
    private void EmitPartialsConstants(CodeWriter w, RecurrentDirection d)
    {
        int biasRows = BiasRows(d);
        Const(w, "Features", features, "input features per step: rows of the kernel");
        Const(w, "Units", units, "rows of the recurrent kernel");
        Const(w, "GateWidth", GateWidth, "columns of every row");
        Const(w, "GradientWidth", GradientWidth, GradientWidthComment);
        Const(w, "RecurrentSide", ResetAfter ? GateWidth : 0, "where the gradients that reach the recurrent kernel start within a step");
        Const(w, "Rows", MatrixRows(d), "kernel rows, then recurrent-kernel rows" + (biasRows == 0 ? " (no bias)" : biasRows == 2 ? ", then the input-side and recurrent-side bias rows" : ", then the bias row"));
        if (ResetBefore)
        {
            Const(w, "CacheWidth", CacheWidth, "floats cached per step");
        }

        if (Stateful)
        {
            Const(w, "StateWidth", StateWidth, cell == CellKind.LSTM ? "carried state per sequence: h, then c" : "carried state per sequence: h");
        }
    }

    /// <summary>Adds one step's term <paramref name="multiplier"/> · gateGradient[gradient + g] of the thread's own column.</summary>
    private void AddTerm(CodeWriter w, string multiplier) =>
        w.Line(AccumulateProduct(ProductPass.Backward, "sum", multiplier, "gateGradient[gradient + g]"));

    /// <summary>Adds one step's gradient of the thread's own column to a bias row's sum (no product).</summary>
    private static void AddBiasTerm(CodeWriter w) =>
        w.Line("sum += gateGradient[gradient + g];");

    /// <summary>recurrent_kernel[k, ·]: h(t−1)[k] (for reset-before GRU's candidate block, r(t)[k]·h(t−1)[k]) times the step's gate gradients.</summary>
    private void EmitRecurrentRowSum(CodeWriter w)
    {
        if (StateDropout)
        {
            w.Line("float mask = " + MaskAt("State", "k") + "; // h(t−1)[k]'s multiplier in sequence b");
        }

        bool fromZero = Stateful || ResetBefore;
        using (w.Block("for (int t = " + (fromZero ? "0" : "1") + "; t < steps; t++)" + (fromZero ? "" : " // h(-1) = 0 adds nothing")))
        {
            w.Line("long s = stateRow + t;");
            w.Line("float hk = " + (fromZero ? "(" + PreviousState("k") + ")" : "states[(s - 1) * Units + k]") + (StateDropout ? " * mask" : "") + ";");
            w.Line("long gradient = s * GradientWidth + RecurrentSide;");
            if (ResetBefore)
            {
                w.Line("if (g >= 2 * Units) hk *= cache[s * CacheWidth + Units + k]; // the candidate block reads r(t) ⊙ h(t−1); z and r read h(t−1)");
            }

            AddTerm(w, "hk");
        }
    }

    /// <summary>
    /// Whether a layer's partials are summed by the model's <c>WeightGradients</c> launch (<see cref="WeightGradientSumsEmitter"/>)
    /// instead of a reduction launch of its own per direction: where a direction's weights are only the matrices
    /// [kernel; recurrent kernel; bias], whose partials the model-wide kernel adds in the same order (the same bits).
    /// Peepholes and layer normalization bring weights summed over the steps, which the layer's own reduction adds.
    /// A launch saved per direction: on PoCL every launch costs tens of microseconds whatever its work.
    /// </summary>
    internal static bool SumsPartialsModelWideOf(LayerPlan plan) => !((CellKind)plan.Spec.Cell == CellKind.LSTM && plan.Spec.Peepholes) && !plan.Spec.LayerNorm;

    private bool SumsPartialsModelWide => SumsPartialsModelWideOf(Plan);

    public override IEnumerable<PartialSums> SummedPartials => !SumsPartialsModelWide
        ? System.Array.Empty<PartialSums>()
        : directions.Select(d => WeightCount(d) == MatrixCount(d)
            ? new PartialSums(Describe() + Of(d), FieldPrefix + d.Tag + "WeightPartials", TensorsOf(d)[0].Offset, MatrixCount(d), "kernel, recurrent kernel and bias")
            : throw new System.InvalidOperationException(Describe() + Of(d) + " has weights beyond its matrices, which the model-wide sums would leave unwritten."));

    /// <summary>Consecutive weights one CPU thread sums the sequences' partials of (see <see cref="EmitWeightGradientKernel"/>).</summary>
    private const int ReductionChunk = WeightGradientSumsEmitter.Chunk;

    private int ReductionChunks(RecurrentDirection d) => WeightGradientSumsEmitter.Chunks(MatrixCount(d));

    /// <summary>Threads the CPU variant needs: one per chunk of the matrix, one per peephole or layer-norm weight (two loops over one grid).</summary>
    private int ReductionThreads(RecurrentDirection d) => System.Math.Max(ReductionChunks(d), WeightCount(d) - MatrixCount(d));

    /// <summary>The GPU variant of the weight-gradient kernel: one thread per weight (loaded when the program runs the group schedule).</summary>
    private string PerWeightGradientsMethod(RecurrentDirection d) => Prefix + d.Tag + "WeightGradientsPerWeight";

    /// <summary>
    /// Adds the sequences' partials of every weight in sequence order, as the model-wide sums do (why the two forms, see
    /// <see cref="WeightGradientSumsEmitter"/>): on GPUs (<paramref name="perWeight"/>) one thread per weight, on CPU
    /// backends one thread per <see cref="ReductionChunk"/> consecutive weights. Both give the same bits.
    /// </summary>
    /// <remarks>Only a layer with peepholes or layer normalization has this kernel (<see cref="SumsPartialsModelWide"/>):
    /// those weights are summed over the sequences and steps here, a thread each after the matrix's chunks.</remarks>
    private void EmitWeightGradientKernel(CodeWriter w, RecurrentDirection d, bool perWeight)
    {
        if (SumsPartialsModelWide)
        {
            throw new System.InvalidOperationException(Describe() + ": the model-wide WeightGradients kernel sums this layer's partials.");
        }

        var arguments = WeightGradientArguments(d);
        var tensors = TensorsOf(d);
        int first = tensors[0].Offset;
        w.Summary(Describe() + Of(d) + ": gradient of every weight, " + (perWeight ? "one thread per weight (GPU variant)" : "one thread per " + I(ReductionChunk) + " consecutive weights") + ": the sequences' partial sums added in order"
            + ",\nand the " + (Peepholes ? "peephole" + (Normalized ? " and " : "") : "") + (Normalized ? "gamma and beta" : "") + " gradients summed over samples and steps in order"
            + " (deterministic, no atomics).");
        using (w.Block("public static void " + (perWeight ? PerWeightGradientsMethod(d) : Prefix + d.Tag + "WeightGradients") + "(" + Signature(arguments) + ")"))
        {
            Const(w, "First", first, "this " + (Bidirectional ? "direction" : "layer") + "'s first parameter in the flat buffer");
            Const(w, "MatrixCount", MatrixCount(d), "kernel, recurrent kernel and bias: a partial per sequence, laid out like the parameters");
            if (!perWeight)
            {
                Const(w, "Chunk", ReductionChunk, "consecutive weights per thread: a sequence's row of them is added at a time");
                Const(w, "Chunks", ReductionChunks(d), "threads for the kernel, recurrent kernel and bias (the last may hold fewer weights)");
            }

            var extras = new List<(string Name, int Start, string Comment)>();
            if (Peepholes)
            {
                extras.Add(("InputPeephole", Tensor(d, "input_gate_peephole")!.Offset - first, "input_gate_peephole [Units]"));
                extras.Add(("ForgetPeephole", Tensor(d, "forget_gate_peephole")!.Offset - first, "forget_gate_peephole [Units]"));
                extras.Add(("OutputPeephole", Tensor(d, "output_gate_peephole")!.Offset - first, "output_gate_peephole [Units]"));
            }

            if (Normalized)
            {
                extras.Add(("Gamma", Tensor(d, "layer_norm_gamma")!.Offset - first, "layer_norm_gamma [GateWidth]"));
                extras.Add(("Beta", Tensor(d, "layer_norm_beta")!.Offset - first, "layer_norm_beta [GateWidth]"));
            }

            if (Peepholes)
            {
                Const(w, "Units", units, "the peephole gradients read whole gate blocks");
            }

            Const(w, "GradientWidth", GradientWidth, GradientWidthComment);
            Const(w, "CacheWidth", CacheWidth, "floats cached per step");
            if (GateSide > 0)
            {
                Const(w, "GateSide", GateSide, "where the gradients after the layer normalization start within a step");
            }

            if (Normalized)
            {
                Const(w, "LayerNormStart", LayerNormStart, "where a step's cache holds the normalized pre-activations");
            }

            if (Stateful && Peepholes)
            {
                Const(w, "StateWidth", StateWidth, "carried state per sequence: h, then c (the peepholes read c before step 0)");
            }

            foreach (var (name, start, comment) in extras)
            {
                Const(w, name, start, comment + ", counted from First");
            }

            string addPartials = WeightGradientSumsEmitter.AddPartials("partials");
            if (!perWeight)
            {
                w.Line("var sums = LocalMemory.Allocate<float>(Chunk); // this thread's weights");
                WeightGradientSumsEmitter.EmitChunkedSums(w, "partials");
            }

            // The CPU variant summed the matrix above; its peephole and layer-norm weights take one thread each.
            using (w.Block("for (int p = " + (perWeight ? "" : "MatrixCount + ") + "Grid.GlobalIndex.X; p < " + I(WeightCount(d)) + "; p += Grid.Dimension.X * Group.Dimension.X)"))
            {
                w.Line("float sum = 0f;");
                if (perWeight)
                {
                    using (w.Block("if (p < MatrixCount)"))
                    {
                        w.Line(addPartials);
                    }
                }

                // Peepholes bring three tensors and layer normalization two, so there is always a branch per tensor.
                for (int i = 0; i < extras.Count; i++)
                {
                    string condition = i == extras.Count - 1 ? "" : "if (p < " + extras[i + 1].Name + ")";
                    bool opensChain = i == 0 && !perWeight;
                    using (w.Block(opensChain ? condition : "else" + (condition.Length == 0 ? "" : " " + condition)))
                    {
                        EmitExtraSum(w, extras[i].Name);
                    }
                }

                w.Line("gradients[First + p] = sum;");
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
