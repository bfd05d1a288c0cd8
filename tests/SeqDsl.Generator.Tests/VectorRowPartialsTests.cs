namespace SeqDsl.Generator.Tests;

/// <summary>
/// In the tiled partial sums (ILGPU's CPU devices), a kind of rows that comes in whole blocks of 16 and whose
/// multipliers are plain reads (the kernel's input features, the recurrent kernel's h(t−1)) goes in row-vector blocks:
/// a thread per 16 rows, each gate gradient feeding the 16 sums of its column. Other kinds keep blocks of four rows, in
/// the same kernel where needed, and the thread schedule launches as many threads as the tiled kernel has blocks. The
/// kernel tests check the numbers: ScheduleTests' RowVectorPartials models give the per-column kernel's bits.
/// </summary>
public class VectorRowPartialsTests
{
    /// <summary>The line that adds a step's terms to the 16 sums of the tile's column <paramref name="j"/>.</summary>
    private static string VectorSum(string multipliers, int j = 0) =>
        "for (int i = 0; i < VectorRows; i++) " + FusedProductsTests.Fma(
            "sum[column + " + (j == 0 ? "" : j == 1 ? "VectorRows + " : j + " * VectorRows + ") + "i]",
            multipliers + "[m + i]",
            "gateGradient[gradient + g0" + (j == 0 ? "" : " + " + j) + "]");

    /// <summary>
    /// Every column of a tile of <paramref name="tileColumns"/> has its own line, and none past the tile: no loop over
    /// the columns, which LLVM vectorizes with scatters on AVX-512 (RecurrentEmitter.EmitRowVectorSums).
    /// </summary>
    private static void AssertColumnsWrittenOut(string kernel, string multipliers, int tileColumns)
    {
        for (int j = 0; j < tileColumns; j++)
            Assert.Contains(VectorSum(multipliers, j), kernel);
        Assert.DoesNotContain(VectorSum(multipliers, tileColumns), kernel);
        Assert.DoesNotContain("for (int j = 0; j < VectorTileColumns; j++)", kernel);
        Assert.Contains("int column = g0 * VectorRows; // column g0's sums; each next column's start VectorRows later", kernel);
    }

    private const string FourRowKernelBlock = "int k0 = block * RowsPerThread; // kernel[k0 + i, ·] sums x(t)[k0 + i] times the gate gradients";

    private const string FourRowUnitBlock = "int k0 = (block - KernelBlocks) * RowsPerThread; // recurrent_kernel[k0 + i, ·] sums h(t−1)[k0 + i] times the gate gradients";

    private const string VectorUnitBlock = "int k0 = (block - KernelBlocks) * VectorRows; // recurrent_kernel[k0 + i, ·] sums h(t−1)[k0 + i] times the gate gradients";

    [Fact]
    public void Whole_blocks_of_16_plain_rows_go_in_row_vectors_and_the_thread_schedule_launches_one_thread_per_block()
    {
        // GRU(128) × 2: layer 0 has one input feature (a block of four rows) and 128 units (vectors); layer 1 has 128 of each.
        var sources = ModelWideKernelsTests.Generate("[Recurrent(Cell.GRU, 128, ReturnSequences = true)]\n[Recurrent(Cell.GRU, 128)]\n[Dense(1)]");
        var kernels = sources["Demo_M.Kernels.g.cs"];

        string layer1 = ModelWideKernelsTests.KernelText(kernels, "Layer1TiledWeightGradientPartials", "Layer1ColumnWeightGradientPartials");
        Assert.Contains("const int VectorRows = 16;", layer1);
        Assert.Contains("const int VectorTileColumns = 6;", layer1); // 384 columns in tiles of 6
        Assert.Contains("const int KernelBlocks = 8;", layer1);
        Assert.Contains("const int UnitBlocks = 8;", layer1);
        Assert.Contains("const int Blocks = 18;", layer1); // 8 + 8 + two bias rows
        Assert.DoesNotContain("RowsPerThread", layer1);
        Assert.Contains("long m = (inputRow + t) * Features + k0; // x(t)[k0]", layer1);
        AssertColumnsWrittenOut(layer1, "input", 6);
        Assert.Contains("long m = (stateRow + t - 1) * Units + k0; // h(t−1)[k0]", layer1);
        AssertColumnsWrittenOut(layer1, "states", 6);
        Assert.Contains("for (int g = 0; g < GateWidth; g++) partials[partial + g] = sum[i * rowStride + g * columnStride];", layer1);

        string layer0 = ModelWideKernelsTests.KernelText(kernels, "Layer0TiledWeightGradientPartials", "Layer0ColumnWeightGradientPartials");
        Assert.Contains("const int RowsPerThread = 4;", layer0);
        Assert.Contains("const int KernelBlocks = 1;", layer0);
        Assert.Contains("const int UnitBlocks = 8;", layer0);
        Assert.Contains("const int Blocks = 11;", layer0);
        Assert.Contains(FourRowKernelBlock, layer0);
        Assert.Contains(VectorUnitBlock, layer0);
        Assert.DoesNotContain(VectorSum("input"), layer0);

        // The untiled kernel (host code's) keeps its blocks of four rows.
        string untiled = ModelWideKernelsTests.KernelText(kernels, "Layer1WeightGradientPartials", "Layer1TiledWeightGradientPartials");
        Assert.DoesNotContain("const int VectorRows", untiled);
        Assert.Contains("const int Blocks = 66;", untiled);

        var program = sources["Demo_M.Program.g.cs"];
        // ILGPU devices launch one thread per tiled block; host code keeps the untiled kernel's count (its .NET workers).
        Assert.Contains("layer0WeightGradientPartials(groupPerSequence ? device.GridFor((long)n * 50304) : device.GridFor(n * (hostCode ? 35 : 11)), ", program);
        Assert.Contains("layer1WeightGradientPartials(groupPerSequence ? device.GridFor((long)n * 99072) : device.GridFor(n * (hostCode ? 66 : 18)), ", program);
    }

    [Fact]
    public void A_kernel_of_row_vector_blocks_alone_declares_no_other_tile()
    {
        // GRU(64) without bias after GRU(64): 64 features and 64 units, both in row vectors, no bias rows.
        var kernels = ModelWideKernelsTests.Generate("[Recurrent(Cell.GRU, 64, ReturnSequences = true)]\n[Recurrent(Cell.GRU, 64, UseBias = false)]\n[Dense(1)]")["Demo_M.Kernels.g.cs"];
        string tiled = ModelWideKernelsTests.KernelText(kernels, "Layer1TiledWeightGradientPartials", "Layer1ColumnWeightGradientPartials");
        Assert.Contains("const int Blocks = 8;", tiled); // 4 + 4
        Assert.DoesNotContain("TileColumns =", tiled.Replace("VectorTileColumns =", ""));
        Assert.DoesNotContain("UnitBlocks", tiled);
        Assert.Contains(VectorSum("input"), tiled);
        Assert.Contains(VectorSum("states"), tiled);
    }

    [Fact]
    public void The_reverse_direction_reads_its_inputs_backwards_and_a_simple_rnn_takes_row_vectors_too()
    {
        // Bidirectional GRU(48): 144 columns; its backward direction walks the input from the last step.
        var bidirectional = ModelWideKernelsTests.Generate("[Recurrent(Cell.SimpleRNN, 16, ReturnSequences = true)]\n[Bidirectional(Cell.GRU, 48)]\n[Dense(1)]")["Demo_M.Kernels.g.cs"];
        string reverse = ModelWideKernelsTests.KernelText(bidirectional, "Layer1ReversedTiledWeightGradientPartials", "Layer1ReversedColumnWeightGradientPartials");
        Assert.Contains("long m = (inputRow + steps - 1 - t) * Features + k0; // x(t)[k0]", reverse);
        Assert.Contains(VectorSum("input"), reverse);
        Assert.Contains(VectorSum("states"), reverse);

        // SimpleRNN(144): 144 columns, 144 units in nine blocks of 16, tiles of 6.
        var rnn = ModelWideKernelsTests.Generate("[Recurrent(Cell.SimpleRNN, 144)]\n[Dense(1)]")["Demo_M.Kernels.g.cs"];
        string tiled = ModelWideKernelsTests.KernelText(rnn, "Layer0TiledWeightGradientPartials", "Layer0ColumnWeightGradientPartials");
        Assert.Contains("const int UnitBlocks = 9;", tiled);
        Assert.Contains("const int VectorTileColumns = 6;", tiled);
        Assert.Contains(VectorUnitBlock, tiled);
    }

    [Fact]
    public void Rows_wider_than_2048_columns_keep_blocks_of_four()
    {
        // LSTM(528): 2,112 columns, 528 units (33 blocks of 16); 16 rows of sums would be 135 kB of local memory.
        var kernels = ModelWideKernelsTests.Generate("[Recurrent(Cell.LSTM, 528)]\n[Dense(1)]")["Demo_M.Kernels.g.cs"];
        string tiled = ModelWideKernelsTests.KernelText(kernels, "Layer0TiledWeightGradientPartials", "Layer0ColumnWeightGradientPartials");
        Assert.Contains(FourRowUnitBlock, tiled);
        Assert.DoesNotContain("const int VectorRows", tiled);

        // LSTM(512): 2,048 columns, the widest in row vectors.
        var widest = ModelWideKernelsTests.Generate("[Recurrent(Cell.LSTM, 512)]\n[Dense(1)]")["Demo_M.Kernels.g.cs"];
        Assert.Contains(VectorUnitBlock, ModelWideKernelsTests.KernelText(widest, "Layer0TiledWeightGradientPartials", "Layer0ColumnWeightGradientPartials"));
    }

    [Fact]
    public void Rows_whose_columns_do_not_make_tiles_of_six_go_in_tiles_of_four()
    {
        // LSTM(64): 256 columns.
        var kernels = ModelWideKernelsTests.Generate("[Recurrent(Cell.LSTM, 64)]\n[Dense(1)]")["Demo_M.Kernels.g.cs"];
        string tiled = ModelWideKernelsTests.KernelText(kernels, "Layer0TiledWeightGradientPartials", "Layer0ColumnWeightGradientPartials");
        Assert.Contains("const int VectorTileColumns = 4;", tiled);
        Assert.Contains(VectorUnitBlock, tiled);
        AssertColumnsWrittenOut(tiled, "states", 4);
    }

    [Theory]
    [InlineData("[Recurrent(Cell.GRU, 64, Stateful = true)]", 4)] // h(−1) is the carried state
    [InlineData("[Recurrent(Cell.GRU, 64, ResetAfter = false)]", 0)] // the candidate's tiles read r(t) ⊙ h(t−1)
    [InlineData("[Recurrent(Cell.GRU, 64, RecurrentDropout = 0.2)]", 0)] // masked h(t−1)
    [InlineData("[Recurrent(Cell.LSTM, 36)]", 0)] // 36 units (144 columns, whole tiles): not whole blocks of 16
    public void Recurrent_rows_that_are_not_plain_reads_of_whole_blocks_keep_blocks_of_four(string layer, int batchSize)
    {
        string model = "[SequenceModel(InputFeatures = 1" + (batchSize > 0 ? ", BatchSize = " + batchSize : "") + ")]";
        var sources = ModelWideKernelsTests.Generate(layer + "\n[Dense(1)]", model);
        string tiled = ModelWideKernelsTests.KernelText(sources["Demo_M.Kernels.g.cs"], "Layer0TiledWeightGradientPartials", "Layer0ColumnWeightGradientPartials");
        Assert.Contains(FourRowUnitBlock, tiled);
        Assert.DoesNotContain("const int VectorRows", tiled);
    }

    [Fact]
    public void Masked_input_features_keep_blocks_of_four()
    {
        // The second layer's 64 features would make whole blocks, but input dropout masks them; its units go in vectors.
        var kernels = ModelWideKernelsTests.Generate("[Recurrent(Cell.GRU, 64, ReturnSequences = true)]\n[Recurrent(Cell.GRU, 64, Dropout = 0.2)]\n[Dense(1)]")["Demo_M.Kernels.g.cs"];
        string tiled = ModelWideKernelsTests.KernelText(kernels, "Layer1TiledWeightGradientPartials", "Layer1ColumnWeightGradientPartials");
        Assert.Contains(FourRowKernelBlock, tiled);
        Assert.Contains(VectorUnitBlock, tiled);
        Assert.DoesNotContain(VectorSum("input"), tiled);
        Assert.Contains(VectorSum("states"), tiled);
    }
}
