namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// Row vectors in the tiled weight-gradient partials (the thread schedule's ILGPU kernel, run by CPU devices): where one
/// kind of rows (the kernel's features, the recurrent kernel's units) comes in whole blocks of <see cref="VectorRows"/>
/// and each row's multiplier is a plain read of consecutive floats, a thread owns such a block. For each column of a
/// tile, the step's gate gradient is loaded once and feeds the block's 16 sums, which LLVM keeps as two 8-float vectors
/// per column: the multipliers are two vector loads per step, the gradients one broadcast per column. The four-row
/// blocks load four multipliers and two vectors of gradients per 8 multiply-adds, and read every gradient once per four
/// rows where these read it once per 16.
/// Measured on PoCL (AMD EPYC, AVX2) with W3's GRU(128) recurrent-kernel partials over 64 × 256 steps, GFLOP/s:
/// 112–122 for 16 rows × 6 or 4 columns against 96–99 for four rows × 16 columns; 32 rows × 3 columns 80; 16 × 6 over
/// every step without chunks 96–105. In W3's training step, layer 1's partials took about 20% less time.
/// Every sum still adds its terms in step order with the same multiply-adds, so the partials keep their bits.
/// Multipliers that are not plain reads (dropout masks, the carried state of a stateful layer, the reset-before GRU's
/// r(t) ⊙ h(t−1)) keep the four-row blocks.
/// </summary>
internal sealed partial class RecurrentEmitter
{
    /// <summary>Rows per thread in a row-vector block: two AVX vectors of sums per column.</summary>
    private const int VectorRows = 16;

    /// <summary>
    /// Gate columns per pass over a chunk of steps in a row-vector block: their sums (two vectors each) stay in registers.
    /// Six (12 vectors of sums) where they divide the row, else four (8), which always do: whole tiles of 16 columns
    /// (<see cref="TilesPartialColumns"/>). The two measured alike. A tile of 6 may straddle a reset-before GRU's candidate
    /// columns (from 2 · Units on), which is harmless: only its kernel rows can go in row vectors, and their multipliers
    /// are the same for every column.
    /// </summary>
    private int VectorTileColumns => GateWidth % 6 == 0 ? 6 : 4;

    /// <summary>
    /// The widest rows summed in row-vector blocks: a thread's sums are VectorRows · GateWidth floats of local memory,
    /// 128 kB here (LSTM(512), the widest checked on PoCL and the CPU accelerator); the GPU's thread schedule, which also
    /// loads the tiled kernel, has at most 512 kB per thread. Wider rows keep the blocks of four.
    /// </summary>
    private const int WidestVectorRows = 2048;

    /// <summary>Whether the tiled kernel can sum row-vector blocks at all: whole tiles, rows not too wide.</summary>
    private bool TilesRowVectors => TilesPartialColumns && GateWidth <= WidestVectorRows;

    /// <summary>Whether the tiled kernel sums the kernel's rows in row-vector blocks (see the class remarks).</summary>
    private bool KernelRowVectors => TilesRowVectors && features % VectorRows == 0 && !InputDropout;

    /// <summary>Whether the tiled kernel sums the recurrent kernel's rows in row-vector blocks: h(t−1) read as it is.</summary>
    private bool UnitRowVectors => TilesRowVectors && units % VectorRows == 0 && !StateDropout && !Stateful && !ResetBefore;

    private int TiledKernelBlocks => KernelRowVectors ? features / VectorRows : KernelBlocks;

    private int TiledUnitBlocks => UnitRowVectors ? units / VectorRows : UnitBlocks;

    /// <summary>Threads per sequence of the tiled partial-sums kernel: the kernel-row blocks, the recurrent-row blocks, one per bias row.</summary>
    private int TiledPartialBlocks(RecurrentDirection d) => TiledKernelBlocks + TiledUnitBlocks + BiasRows(d);

    /// <summary>
    /// The thread schedule's grid for the partial sums: the tiled kernel's threads on ILGPU devices (a larger grid would
    /// leave the work to the first threads, and PoCL hands those to one core), the untiled kernel's in host code, whose
    /// grid sets how many .NET workers share the items.
    /// </summary>
    private string ThreadPartialsGrid(RecurrentDirection d) =>
        TilesPartialColumns && TiledPartialBlocks(d) != PartialBlocks(d)
            ? "device.GridFor(n * (" + ProgramEmitter.HostCodeFlag + " ? " + I(PartialBlocks(d)) + " : " + I(TiledPartialBlocks(d)) + "))"
            : "device.GridFor(n * " + I(PartialBlocks(d)) + ")";

    /// <summary>A row-vector block of kernel rows: x(t)[k0 + i] for i below VectorRows, read as it is, times each step's gate gradients.</summary>
    private void EmitKernelRowVectors(CodeWriter w, RecurrentDirection d)
    {
        w.Line("int k0 = block * VectorRows; // kernel[k0 + i, ·] sums x(t)[k0 + i] times the gate gradients");
        w.Line("row0 = k0;");
        w.Line("count = VectorRows;");
        EmitColumnMajorStrides(w);
        w.Line("long inputRow = " + InputRow("b") + ";");
        EmitRowVectorSums(w, "0", "input", "long m = (inputRow + " + InputStep(d, "t") + ") * Features + k0; // x(t)[k0]", "long gradient = (stateRow + t) * GradientWidth;");
    }

    /// <summary>A row-vector block of recurrent-kernel rows: h(t−1)[k0 + i] for i below VectorRows, read as it is, times each step's gate gradients.</summary>
    private void EmitUnitRowVectors(CodeWriter w)
    {
        w.Line("int k0 = (block - KernelBlocks) * VectorRows; // recurrent_kernel[k0 + i, ·] sums h(t−1)[k0 + i] times the gate gradients");
        w.Line("row0 = Features + k0;");
        w.Line("count = VectorRows;");
        EmitColumnMajorStrides(w);
        EmitRowVectorSums(w, "1", "states", "long m = (stateRow + t - 1) * Units + k0; // h(t−1)[k0]", "long gradient = (stateRow + t) * GradientWidth + RecurrentSide;", "h(-1) = 0 adds nothing");
    }

    /// <summary>Points the kernel's final store at a row-vector block's layout: its sums sit column after column.</summary>
    private static void EmitColumnMajorStrides(CodeWriter w) =>
        w.Line("rowStride = 1; columnStride = VectorRows; // the block's sums sit column after column");

    /// <summary>
    /// One row-vector block's sums: the chunks of steps, the tiles of VectorTileColumns columns, and for each step every
    /// column's gate gradient times the block's VectorRows multipliers, read from <paramref name="multipliers"/> at m + i.
    /// Sums sit column after column, VectorRows each. Every sum adds its terms in step order, as the other forms do.
    /// </summary>
    /// <remarks>
    /// The tile's columns are written out, one line each, not looped over: LLVM vectorizes the innermost loop left after
    /// it unrolls the rows' loop of 16. As a loop, that was the loop over the columns, whose sums sit VectorRows floats
    /// apart. On AVX2 such a vector cannot be stored, so LLVM left that loop alone and packed each column's 16 rows into
    /// two vectors, as intended; with AVX-512's scatters (PoCL on an Intel Xeon) it vectorized the columns with a gather
    /// and a scatter per 4 sums, and W3's layer-1 partials took 675 ms per launch against 49 ms written out
    /// (benchmarks/results/2026-11-27-xeon-avx512-row-vector-partials.txt).
    /// </remarks>
    /// <param name="firstStep">The first step whose terms count.</param>
    /// <param name="multiplierLine">The step's first line: it sets m, where the block's first multiplier sits in <paramref name="multipliers"/>.</param>
    /// <param name="gradientLine">The step's second line: it sets gradient, where the step's gate gradients of this kind start.</param>
    private void EmitRowVectorSums(CodeWriter w, string firstStep, string multipliers, string multiplierLine, string gradientLine, string? comment = null)
    {
        using (StepLoop(w, firstStep, tiled: true, comment, tile: "VectorTileColumns"))
        {
            w.Line(multiplierLine);
            w.Line(gradientLine);
            w.Line("// The tile's columns one line each: LLVM would vectorize a loop over them across the columns, with scatters, on AVX-512.");
            w.Line("int column = g0 * VectorRows; // column g0's sums; each next column's start VectorRows later");
            for (int j = 0; j < VectorTileColumns; j++)
            {
                string sums = "sum[column + " + (j == 0 ? "" : j == 1 ? "VectorRows + " : I(j) + " * VectorRows + ") + "i]";
                w.Line("for (int i = 0; i < VectorRows; i++) " + AccumulateProduct(ProductPass.Backward, sums, multipliers + "[m + i]", "gateGradient[gradient + g0" + Plus(j) + "]"));
            }
        }
    }
}
