using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// The CPU form of the weight-gradient partials: one thread per sequence and block of four matrix rows of one kind
/// (kernel rows or recurrent-kernel rows; each bias row on its own), summing the rows' multipliers times each step's
/// gate gradients. Each gate gradient loaded feeds four sums, where a thread per row loaded it once per multiply-add:
/// measured on PoCL with GRU(128)'s 258 × 384 matrix over 64 × 256 steps, 59–71 GFLOP/s against 20–23 for one row per
/// thread (blocks of columns kept in registers did worse, 24–43: their loads jump between rows of the gradients).
/// Every sum still adds its terms in step order, so the partials are bit for bit those of the GPU's per-column kernel.
/// </summary>
internal sealed partial class RecurrentEmitter
{
    /// <summary>Gate columns up to which one row's sums stay in vector registers (16 AVX vectors): one row per thread is enough there.</summary>
    private const int ColumnsInRegisters = 128;

    /// <summary>
    /// Rows of one kind per partial-sum thread on CPU backends: 4 for wide rows (see the class remarks; 8 measured
    /// slower), 1 where a row's sums fit in registers (LSTM(20)'s 80 columns: four rows of sums would spill, measured
    /// 10–35% slower per kernel on PoCL).
    /// </summary>
    private int RowsPerThread => GateWidth > ColumnsInRegisters ? 4 : 1;

    private int KernelBlocks => (features + RowsPerThread - 1) / RowsPerThread;

    private int UnitBlocks => (units + RowsPerThread - 1) / RowsPerThread;

    /// <summary>Threads per sequence of the CPU partial-sums kernel: the kernel-row blocks, the recurrent-row blocks, one per bias row.</summary>
    private int PartialBlocks(RecurrentDirection d) => KernelBlocks + UnitBlocks + BiasRows(d);

    private void EmitRowBlockPartialsKernel(CodeWriter w, RecurrentDirection d)
    {
        var arguments = WeightGradientPartialsArguments(d);
        int biasRows = BiasRows(d);
        w.Summary(Describe() + Of(d) + ": per-sequence partial sums of the kernel, recurrent-kernel and bias gradients.\n"
            + (RowsPerThread == 1
                ? "One thread per (sequence, matrix row): the row's multiplier at each step times that step's gate gradients, summed\n"
                  + "over the steps in order into a row of GateWidth sums (few enough to stay in registers).\n"
                : "One thread per (sequence, block of " + I(RowsPerThread) + " kernel rows or " + I(RowsPerThread) + " recurrent-kernel rows" + (biasRows > 0 ? ", or bias row" : "") + "): each step's gate\n"
                  + "gradients, loaded once, times each row's multiplier at that step, summed over the steps in order.\n")
            + "The WeightGradients kernel adds the sequences' partials in order, so the result is deterministic without atomics.");
        using (w.Block("public static void " + Prefix + d.Tag + "WeightGradientPartials(" + Signature(arguments) + ")"))
        {
            EmitPartialsConstants(w, d);
            Const(w, "RowsPerThread", RowsPerThread, "rows of one kind per thread: each gate gradient loaded feeds this many sums");
            Const(w, "KernelBlocks", KernelBlocks, "blocks of kernel rows (the last may hold fewer)");
            if (biasRows > 0)
            {
                // Without bias rows every block past the kernel blocks is a recurrent block, so nothing else reads it.
                Const(w, "UnitBlocks", UnitBlocks, "blocks of recurrent-kernel rows (the last may hold fewer)");
            }
            Const(w, "Blocks", PartialBlocks(d), "threads per sequence: the kernel blocks, the recurrent blocks" + (biasRows > 0 ? ", then one per bias row" : ""));

            EmitDropoutConstants(w, d, input: true, state: true);
            w.Line("var sum = LocalMemory.Allocate<float>(RowsPerThread * GateWidth); // the block's partial gradients, row after row");
            using (GridStride(w, "item", "batch * Blocks"))
            {
                w.Line("int b = item / Blocks;");
                w.Line("int block = item - b * Blocks;");
                w.Line("long stateRow = (long)b * steps;");
                w.Line("for (int q = 0; q < RowsPerThread * GateWidth; q++) sum[q] = 0f;");
                w.Line("int row0; // the block's first matrix row");
                w.Line("int count; // rows in the block");
                using (w.Block("if (block < KernelBlocks)"))
                {
                    w.Line("int k0 = block * RowsPerThread; // kernel[k0 + i, ·] sums x(t)[k0 + i] times the gate gradients");
                    w.Line("row0 = k0;");
                    w.Line("count = Features - k0 < RowsPerThread ? Features - k0 : RowsPerThread;");
                    w.Line("long inputRow = " + InputRow("b") + ";");
                    if (InputDropout)
                    {
                        EmitBlockMultipliers(w, "mask", i => MaskAt("Input", "k0" + Plus(i)), "input feature k0 + i's multiplier in sequence b");
                    }

                    using (w.Block("for (int t = 0; t < steps; t++)"))
                    {
                        w.Line("long x = (inputRow + " + InputStep(d, "t") + ") * Features + k0;");
                        EmitBlockMultipliers(w, "m", i => "input[x" + Plus(i) + "]" + (InputDropout ? " * mask" + I(i) : ""));
                        w.Line("long gradient = (stateRow + t) * GradientWidth;");
                        AddBlockTerms(w, "0", "GateWidth");
                    }
                }

                using (w.Block(biasRows == 0 ? "else" : "else if (block < KernelBlocks + UnitBlocks)"))
                {
                    w.Line("int k0 = (block - KernelBlocks) * RowsPerThread; // recurrent_kernel[k0 + i, ·] sums h(t−1)[k0 + i] times the gate gradients");
                    w.Line("row0 = Features + k0;");
                    w.Line("count = Units - k0 < RowsPerThread ? Units - k0 : RowsPerThread;");
                    if (StateDropout)
                    {
                        EmitBlockMultipliers(w, "mask", i => MaskAt("State", "k0" + Plus(i)), "h(t−1)[k0 + i]'s multiplier in sequence b");
                    }

                    bool fromZero = Stateful || ResetBefore;
                    using (w.Block("for (int t = " + (fromZero ? "0" : "1") + "; t < steps; t++)" + (fromZero ? "" : " // h(-1) = 0 adds nothing")))
                    {
                        w.Line("long s = stateRow + t;");
                        EmitBlockMultipliers(w, "m", i =>
                        {
                            string k = "k0" + Plus(i);
                            string state = fromZero ? "(" + PreviousState(k) + ")" : "states[(s - 1) * Units + " + k + "]";
                            return state + (StateDropout ? " * mask" + I(i) : "");
                        });
                        w.Line("long gradient = s * GradientWidth + RecurrentSide;");
                        if (ResetBefore)
                        {
                            AddBlockTerms(w, "0", "2 * Units", "z and r read h(t−1)");
                            w.Line("long r = s * CacheWidth + Units + k0; // the candidate block reads r(t) ⊙ h(t−1)");
                            for (int i = 0; i < RowsPerThread; i++)
                            {
                                w.Line("m" + I(i) + " *= " + (i == 0 ? "cache[r]" : "count > " + I(i) + " ? cache[r + " + I(i) + "] : 0f") + ";");
                            }

                            AddBlockTerms(w, "2 * Units", "GateWidth");
                        }
                        else
                        {
                            AddBlockTerms(w, "0", "GateWidth");
                        }
                    }
                }

                if (biasRows > 0)
                {
                    using (w.Block("else"))
                    {
                        w.Line("row0 = Features + Units + block - KernelBlocks - UnitBlocks; // a bias row, on its own");
                        w.Line("count = 1;");
                        w.Line(biasRows == 2
                            ? "long side = row0 == Features + Units ? 0 : RecurrentSide; // input-side bias row, then recurrent-side"
                            : "const long side = 0; // the bias sees every gate gradient once");
                        using (w.Block("for (int t = 0; t < steps; t++)"))
                        {
                            w.Line("long gradient = (stateRow + t) * GradientWidth + side;");
                            w.Line("for (int g = 0; g < GateWidth; g++) sum[g] += gateGradient[gradient + g];");
                        }
                    }
                }

                using (w.Block("for (int i = 0; i < count; i++)"))
                {
                    w.Line("long partial = ((long)b * Rows + row0 + i) * GateWidth; // sequence b's copy of the matrix, row row0 + i");
                    w.Line("for (int g = 0; g < GateWidth; g++) partials[partial + g] = sum[i * GateWidth + g];");
                }
            }
        }
    }

    /// <summary>
    /// Declares <paramref name="name"/>0, <paramref name="name"/>1, …, one per row of the block: the first row always
    /// exists; the others are 0 past the end of the block's kind, so their sums stay 0 and are never stored.
    /// </summary>
    private void EmitBlockMultipliers(CodeWriter w, string name, System.Func<int, string> value, string? comment = null)
    {
        for (int i = 0; i < RowsPerThread; i++)
        {
            string v = value(i);
            string expression = i == 0 ? v : "count > " + I(i) + " ? " + (v.Contains("?") ? "(" + v + ")" : v) + " : 0f";
            w.Line("float " + name + I(i) + " = " + expression + ";" + (i == 0 && comment is not null ? " // " + comment : ""));
        }
    }

    /// <summary>" + i" for the block's row i after the first, nothing for the first.</summary>
    private static string Plus(int i) => i == 0 ? "" : " + " + I(i);

    /// <summary>One step's terms for every row of the block: each gate gradient of columns [from, to) loaded once, times each row's multiplier.</summary>
    private void AddBlockTerms(CodeWriter w, string from, string to, string? comment = null)
    {
        if (RowsPerThread == 1)
        {
            w.Line("for (int g = " + from + "; g < " + to + "; g++) sum[g] += m0 * gateGradient[gradient + g];" + (comment is null ? "" : " // " + comment));
            return;
        }

        using (w.Block("for (int g = " + from + "; g < " + to + "; g++)" + (comment is null ? "" : " // " + comment)))
        {
            w.Line("float gradientOfColumn = gateGradient[gradient + g];");
            for (int i = 0; i < RowsPerThread; i++)
            {
                w.Line("sum[" + (i == 0 ? "" : i == 1 ? "GateWidth + " : I(i) + " * GateWidth + ") + "g] += m" + I(i) + " * gradientOfColumn;");
            }
        }
    }
}
