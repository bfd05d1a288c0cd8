using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// The CPU form of the weight-gradient partials: one thread per sequence and block of four matrix rows of one kind
/// (kernel rows or recurrent-kernel rows; each bias row on its own), summing the rows' multipliers times each step's
/// gate gradients. Each gate gradient loaded feeds four sums, where a thread per row loaded it once per multiply-add:
/// measured on PoCL with GRU(128)'s 258 × 384 matrix over 64 × 256 steps, 59–71 GFLOP/s against 20–23 for one row per
/// thread (blocks of columns kept in registers did worse, 24–43: their loads jump between rows of the gradients).
/// Every sum still adds its terms in step order, so the partials are bit for bit those of the GPU's per-column kernel.
/// Where the columns come in whole tiles (<see cref="TilesPartialColumns"/>), ILGPU devices run a tiled form of the kernel
/// instead: the same sums, walking the steps in chunks and, for each chunk, the columns one tile at a time, so that a
/// tile's sums stay in registers over the chunk's steps (LLVM promotes them) instead of being loaded and stored at every
/// step. Host code keeps the untiled form, which the .NET JIT runs faster. In the tiled form, rows that come in whole
/// blocks of 16 go 16 to a thread instead (RecurrentEmitter.VectorRowPartials.cs).
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

    /// <summary>
    /// Gate columns per pass over a chunk of steps in the tiled kernel: the block's sums of them (four rows of two 8-float
    /// vectors) stay in registers. Measured on PoCL (AMD EPYC, AVX2) with W3's GRU(128) partials, kernel time against the
    /// layer's unchanged forward: 1.46 untiled, 1.18 with tiles of 16 or 24 columns, 1.47 with 32 (sixteen sums spill).
    /// </summary>
    private const int TileColumns = 16;

    /// <summary>
    /// Steps per chunk in the tiled kernel: the chunk's gate gradients come from memory for the first tile and from the
    /// L1 cache for the others. Without chunks each tile walked every step, a cache line per step at a stride of a whole
    /// row of gradients, and waited on those loads (measured: no faster than untiled). 8, 16 and 32 measured the same.
    /// </summary>
    private const int StepChunk = 16;

    /// <summary>
    /// Whether ILGPU devices run the tiled form of the row-block kernel: blocks of several rows and columns in whole tiles
    /// of <see cref="TileColumns"/>. A GRU's 3 · Units columns make whole tiles only when Units does, so no tile straddles
    /// the reset-before GRU's candidate columns, from 2 · Units on, whose multipliers differ.
    /// </summary>
    private bool TilesPartialColumns => RowsPerThread > 1 && GateWidth % TileColumns == 0;

    /// <summary>The tiled form of the row-block partial-sums kernel (see <see cref="TilesPartialColumns"/>).</summary>
    private string TiledPartialsMethod(RecurrentDirection d) => Prefix + d.Tag + "TiledWeightGradientPartials";

    private int KernelBlocks => (features + RowsPerThread - 1) / RowsPerThread;

    private int UnitBlocks => (units + RowsPerThread - 1) / RowsPerThread;

    /// <summary>Threads per sequence of the CPU partial-sums kernel: the kernel-row blocks, the recurrent-row blocks, one per bias row.</summary>
    private int PartialBlocks(RecurrentDirection d) => KernelBlocks + UnitBlocks + BiasRows(d);

    /// <param name="tiled">The tiled form (see <see cref="TilesPartialColumns"/>), or the form that walks whole rows at every step.</param>
    private void EmitRowBlockPartialsKernel(CodeWriter w, RecurrentDirection d, bool tiled)
    {
        var arguments = WeightGradientPartialsArguments(d);
        int biasRows = BiasRows(d);
        bool kernelVectors = tiled && KernelRowVectors;
        bool unitVectors = tiled && UnitRowVectors;
        bool anyVectors = kernelVectors || unitVectors;
        int kernelBlockRows = kernelVectors ? VectorRows : RowsPerThread;
        int unitBlockRows = unitVectors ? VectorRows : RowsPerThread;
        w.Summary(Describe() + Of(d) + ": per-sequence partial sums of the kernel, recurrent-kernel and bias gradients.\n"
            + (RowsPerThread == 1
                ? "One thread per (sequence, matrix row): the row's multiplier at each step times that step's gate gradients, summed\n"
                  + "over the steps in order into a row of GateWidth sums (few enough to stay in registers).\n"
                : "One thread per (sequence, block of " + I(kernelBlockRows) + " kernel rows or " + I(unitBlockRows) + " recurrent-kernel rows" + (biasRows > 0 ? ", or bias row" : "") + "): each step's gate\n"
                  + "gradients, loaded once, times each row's multiplier at that step, summed over the steps in order.\n")
            + (tiled
                ? "Tiled form, for ILGPU devices: the steps in chunks of StepChunk, each chunk walked once per tile of " + (anyVectors ? "columns," : "TileColumns columns,") + "\n"
                  + "whose sums stay in registers over the chunk's steps; the same sums in the same order as " + Prefix + d.Tag + "WeightGradientPartials.\n"
                  + (anyVectors
                      ? "Blocks of VectorRows rows walk tiles of VectorTileColumns columns and keep each column's VectorRows sums together\n"
                        + "(two vectors); blocks of fewer rows keep a row's sums together and walk tiles of TileColumns.\n"
                      : "")
                : "")
            + "The WeightGradients kernel adds the sequences' partials in order, so the result is deterministic without atomics.");
        using (w.Block("public static void " + (tiled ? TiledPartialsMethod(d) : Prefix + d.Tag + "WeightGradientPartials") + "(" + Signature(arguments) + ")"))
        {
            EmitPartialsConstants(w, d);
            EmitRowBlockConstants(w, d, tiled);
            using (GridStride(w, "item", "batch * Blocks"))
            {
                w.Line("int b = item / Blocks;");
                w.Line("int block = item - b * Blocks;");
                w.Line("long stateRow = (long)b * steps;");
                EmitRowBlockBody(w, d, tiled);
            }
        }
    }

    /// <summary>
    /// The row-block kernel's constants after the layout's (<see cref="EmitPartialsConstants"/>): the blocks of rows, the
    /// tiles, and the thread's array of sums.
    /// </summary>
    private void EmitRowBlockConstants(CodeWriter w, RecurrentDirection d, bool tiled)
    {
        int biasRows = BiasRows(d);
        bool kernelVectors = tiled && KernelRowVectors;
        bool unitVectors = tiled && UnitRowVectors;
        bool anyVectors = kernelVectors || unitVectors;
        if (!(kernelVectors && unitVectors))
        {
            Const(w, "RowsPerThread", RowsPerThread, "rows of one kind per thread: each gate gradient loaded feeds this many sums");
        }

        if (anyVectors)
        {
            Const(w, "VectorRows", VectorRows, "rows per thread in a row-vector block: each gate gradient loaded feeds this many sums, two vectors");
        }

        Const(w, "KernelBlocks", tiled ? TiledKernelBlocks : KernelBlocks, kernelVectors ? "blocks of VectorRows kernel rows" : "blocks of kernel rows (the last may hold fewer)");
        if (biasRows > 0)
        {
            // Without bias rows every block past the kernel blocks is a recurrent block, so nothing else reads it.
            Const(w, "UnitBlocks", tiled ? TiledUnitBlocks : UnitBlocks, unitVectors ? "blocks of VectorRows recurrent-kernel rows" : "blocks of recurrent-kernel rows (the last may hold fewer)");
        }
        Const(w, "Blocks", tiled ? TiledPartialBlocks(d) : PartialBlocks(d), "row blocks per sequence, a thread each (in the joined backward, one after the other): the kernel blocks, the recurrent blocks" + (biasRows > 0 ? ", then one per bias row" : ""));

        if (tiled)
        {
            Const(w, "StepChunk", StepChunk, "steps per chunk: their gate gradients stay in the L1 cache while every tile of columns walks them");
            if (!(kernelVectors && unitVectors) || biasRows > 0)
            {
                // Read by the blocks of fewer rows and the bias rows; a kernel of row-vector blocks alone has neither.
                Const(w, "TileColumns", TileColumns, "gate columns per pass over a chunk: the block's sums of them stay in registers");
            }

            if (anyVectors)
            {
                Const(w, "VectorTileColumns", VectorTileColumns, "gate columns per pass in a row-vector block: their VectorRows sums each stay in registers");
            }
        }

        EmitDropoutConstants(w, d, input: true, state: true);
        w.Line(anyVectors
            ? "var sum = LocalMemory.Allocate<float>(VectorRows * GateWidth); // the block's partial gradients: row after row, or column after column in a row-vector block"
            : "var sum = LocalMemory.Allocate<float>(RowsPerThread * GateWidth); // the block's partial gradients, row after row");
    }

    /// <summary>
    /// Sequence b's block <c>block</c> of matrix rows: its sums over the steps, then its rows of b's partials. Expects
    /// <c>b</c>, <c>block</c>, <c>stateRow</c> and the constants of <see cref="EmitRowBlockConstants"/> in scope.
    /// </summary>
    private void EmitRowBlockBody(CodeWriter w, RecurrentDirection d, bool tiled)
    {
        int biasRows = BiasRows(d);
        bool kernelVectors = tiled && KernelRowVectors;
        bool unitVectors = tiled && UnitRowVectors;
        bool anyVectors = kernelVectors || unitVectors;
        var (from, to) = PassColumns(tiled);
        w.Line("for (int q = 0; q < " + (anyVectors ? "VectorRows" : "RowsPerThread") + " * GateWidth; q++) sum[q] = 0f;");
        w.Line("int row0; // the block's first matrix row");
        w.Line("int count; // rows in the block");
        if (anyVectors)
        {
            w.Line("int rowStride = GateWidth, columnStride = 1; // sum[i · rowStride + g · columnStride] is row i's sum of column g");
        }
        using (w.Block("if (block < KernelBlocks)"))
        {
            if (kernelVectors)
            {
                EmitKernelRowVectors(w, d);
            }
            else
            {
                EmitKernelRowBlock(w, d, tiled, from, to);
            }
        }

        using (w.Block(biasRows == 0 ? "else" : "else if (block < KernelBlocks + UnitBlocks)"))
        {
            if (unitVectors)
            {
                EmitUnitRowVectors(w);
            }
            else
            {
                EmitUnitRowBlock(w, tiled, from, to);
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
                using (StepLoop(w, "0", tiled))
                {
                    w.Line("long gradient = (stateRow + t) * GradientWidth + side;");
                    w.Line("for (int g = " + from + "; g < " + to + "; g++) sum[g] += gateGradient[gradient + g];");
                }
            }
        }

        using (w.Block("for (int i = 0; i < count; i++)"))
        {
            w.Line("long partial = ((long)b * Rows + row0 + i) * GateWidth; // sequence b's copy of the matrix, row row0 + i");
            w.Line(anyVectors
                ? "for (int g = 0; g < GateWidth; g++) partials[partial + g] = sum[i * rowStride + g * columnStride];"
                : "for (int g = 0; g < GateWidth; g++) partials[partial + g] = sum[i * GateWidth + g];");
        }
    }

    /// <summary>A block of kernel rows, RowsPerThread of them (fewer in the last block): x(t)[k0 + i] times each step's gate gradients.</summary>
    private void EmitKernelRowBlock(CodeWriter w, RecurrentDirection d, bool tiled, string from, string to)
    {
        w.Line("int k0 = block * RowsPerThread; // kernel[k0 + i, ·] sums x(t)[k0 + i] times the gate gradients");
        w.Line("row0 = k0;");
        w.Line("count = Features - k0 < RowsPerThread ? Features - k0 : RowsPerThread;");
        w.Line("long inputRow = " + InputRow("b") + ";");
        if (InputDropout)
        {
            EmitBlockMultipliers(w, "mask", i => MaskAt("Input", "k0" + Plus(i)), "input feature k0 + i's multiplier in sequence b");
        }

        using (StepLoop(w, "0", tiled))
        {
            w.Line("long x = (inputRow + " + InputStep(d, "t") + ") * Features + k0;");
            EmitBlockMultipliers(w, "m", i => "input[x" + Plus(i) + "]" + (InputDropout ? " * mask" + I(i) : ""));
            w.Line("long gradient = (stateRow + t) * GradientWidth;");
            AddBlockTerms(w, from, to);
        }
    }

    /// <summary>A block of recurrent-kernel rows, RowsPerThread of them (fewer in the last block): h(t−1)[k0 + i] times each step's gate gradients.</summary>
    private void EmitUnitRowBlock(CodeWriter w, bool tiled, string from, string to)
    {
        w.Line("int k0 = (block - KernelBlocks) * RowsPerThread; // recurrent_kernel[k0 + i, ·] sums h(t−1)[k0 + i] times the gate gradients");
        w.Line("row0 = Features + k0;");
        w.Line("count = Units - k0 < RowsPerThread ? Units - k0 : RowsPerThread;");
        if (StateDropout)
        {
            EmitBlockMultipliers(w, "mask", i => MaskAt("State", "k0" + Plus(i)), "h(t−1)[k0 + i]'s multiplier in sequence b");
        }

        bool fromZero = Stateful || ResetBefore;
        using (StepLoop(w, fromZero ? "0" : "1", tiled, fromZero ? null : "h(-1) = 0 adds nothing"))
        {
            w.Line("long s = stateRow + t;");
            EmitBlockMultipliers(w, "m", i =>
            {
                string k = "k0" + Plus(i);
                string state = fromZero ? "(" + PreviousState(k) + ")" : "states[(s - 1) * Units + " + k + "]";
                return state + (StateDropout ? " * mask" + I(i) : "");
            });
            w.Line("long gradient = s * GradientWidth + RecurrentSide;");
            if (ResetBefore && tiled)
            {
                using (w.Block("if (g0 >= 2 * Units) // z and r read h(t−1); the candidate's tiles read r(t) ⊙ h(t−1)"))
                {
                    EmitResetScaling(w);
                }

                AddBlockTerms(w, from, to);
            }
            else if (ResetBefore)
            {
                AddBlockTerms(w, "0", "2 * Units", "z and r read h(t−1)");
                EmitResetScaling(w);
                AddBlockTerms(w, "2 * Units", "GateWidth");
            }
            else
            {
                AddBlockTerms(w, from, to);
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

    /// <summary>" + i" for the block's row i (or a row-vector tile's column i) after the first, nothing for the first.</summary>
    private static string Plus(int i) => i == 0 ? "" : " + " + I(i);

    /// <summary>
    /// Opens the loop over the steps from <paramref name="first"/> to the last: one loop, or, <paramref name="tiled"/>,
    /// chunks of StepChunk steps, each walked once per tile of columns (the loop variables t0, g0 and t). Every sum still
    /// adds its terms in step order, so both give the same bits.
    /// </summary>
    /// <param name="tile">The constant of the tile's width in columns.</param>
    private static CodeWriter.Scope StepLoop(CodeWriter w, string first, bool tiled, string? comment = null, string tile = "TileColumns")
    {
        if (!tiled)
        {
            return w.Block("for (int t = " + first + "; t < steps; t++)" + (comment is null ? "" : " // " + comment));
        }

        return w.Blocks(
            "for (int t0 = " + first + "; t0 < steps; t0 += StepChunk) // chunks of steps whose gate gradients stay in the L1 cache" + (comment is null ? "" : "; " + comment),
            "for (int g0 = 0; g0 < GateWidth; g0 += " + tile + ") // the tile's sums stay in registers over the chunk's steps",
            "for (int t = t0; t < steps && t < t0 + StepChunk; t++)");
    }

    /// <summary>The columns one pass over the steps covers: the whole row, or <paramref name="tiled"/>, the tile at g0.</summary>
    private static (string From, string To) PassColumns(bool tiled) => tiled ? ("g0", "g0 + TileColumns") : ("0", "GateWidth");

    /// <summary>Scales the block's multipliers h(t−1)[k0 + i] by r(t)[k0 + i]: the reset-before GRU's candidate columns read r(t) ⊙ h(t−1).</summary>
    private void EmitResetScaling(CodeWriter w)
    {
        w.Line("long r = s * CacheWidth + Units + k0; // the candidate block reads r(t) ⊙ h(t−1)");
        for (int i = 0; i < RowsPerThread; i++)
        {
            w.Line("m" + I(i) + " *= " + (i == 0 ? "cache[r]" : "count > " + I(i) + " ? cache[r + " + I(i) + "] : 0f") + ";");
        }
    }

    /// <summary>One step's terms for every row of the block: each gate gradient of columns [from, to) loaded once, times each row's multiplier.</summary>
    private void AddBlockTerms(CodeWriter w, string from, string to, string? comment = null)
    {
        if (RowsPerThread == 1)
        {
            w.Line("for (int g = " + from + "; g < " + to + "; g++) " + AccumulateProduct(ProductPass.Backward, "sum[g]", "m0", "gateGradient[gradient + g]") + (comment is null ? "" : " // " + comment));
            return;
        }

        using (w.Block("for (int g = " + from + "; g < " + to + "; g++)" + (comment is null ? "" : " // " + comment)))
        {
            w.Line("float gradientOfColumn = gateGradient[gradient + g];");
            for (int i = 0; i < RowsPerThread; i++)
            {
                w.Line(AccumulateProduct(ProductPass.Backward, "sum[" + (i == 0 ? "" : i == 1 ? "GateWidth + " : I(i) + " * GateWidth + ") + "g]", "m" + I(i), "gradientOfColumn"));
            }
        }
    }
}
