namespace SeqDsl.Generator.Tests;

/// <summary>
/// The CPU thread schedule's block kernels (RecurrentEmitter.SequenceBlocks): a thread per four sequences for the plain
/// recurrent layers with gates wider than 128 columns, loaded only on that schedule, launched only for a batch that
/// fills a block, and never translated to host code. The kernel tests check the numbers (SequenceBlockTests: the same bits as the one-sequence kernels).
/// </summary>
public class SequenceBlocksTests
{
    [Fact]
    public void Plain_layers_get_block_kernels_whose_products_load_each_weight_once_for_four_sequences()
    {
        var sources = ModelWideKernelsTests.Generate("[Recurrent(Cell.GRU, 43, ReturnSequences = true)]\n[Recurrent(Cell.LSTM, 48)]\n[Dense(1)]");
        var kernels = sources["Demo_M.Kernels.g.cs"];
        string gru = ModelWideKernelsTests.KernelText(kernels, "Layer0BlockForward", "Layer0BlockBackward");
        Assert.Contains("for (int b0 = Grid.GlobalIndex.X * SequencesPerThread; b0 < batch; b0 += Grid.Dimension.X * Group.Dimension.X * SequencesPerThread)", gru);

        // GRU(43): 129 gate columns, eight blocks of 16 and one column after them; the weight feeds all four sequences' sums.
        Assert.Contains("for (int g0 = 0; g0 + BlockColumns <= GateWidth; g0 += BlockColumns)", gru);
        Assert.Contains("for (int g = GateWidth - GateWidth % BlockColumns; g < GateWidth; g++)", gru);
        Assert.Contains("float weight = parameters[RecurrentKernel + k * GateWidth + g];\n"
            + "                                " + FusedProductsTests.Fma("zhBlock[g]", "v0", "weight") + "\n"
            + "                                " + FusedProductsTests.Fma("zhBlock[GateWidth + g]", "v1", "weight") + "\n"
            + "                                " + FusedProductsTests.Fma("zhBlock[2 * GateWidth + g]", "v2", "weight") + "\n"
            + "                                " + FusedProductsTests.Fma("zhBlock[3 * GateWidth + g]", "v3", "weight"), gru);

        // The cell step runs per sequence on views of the block's arrays, for the sequences the batch has.
        Assert.Contains("for (int seq = 0; seq < count; seq++)", gru);
        Assert.Contains("var zh = zhBlock.SubView(seq * GateWidth, GateWidth);", gru);

        // LSTM(48) after it: 192 columns, 48 padded units and 48 padded features are whole blocks (no remainder loop); its
        // backward also sums the input gradient.
        string lstmBackward = ModelWideKernelsTests.KernelText(kernels, "Layer1BlockBackward", "Layer1InputProjection");
        Assert.DoesNotContain("% BlockColumns", ModelWideKernelsTests.KernelText(kernels, "Layer1BlockForward", "Layer1BlockBackward"));
        Assert.Contains(FusedProductsTests.Fma("backBlock[3 * PaddedUnits + k]", "v3", "weight"), lstmBackward);
        Assert.Contains(FusedProductsTests.Fma("dxBlock[3 * PaddedFeatures + k]", "v3", "weight"), lstmBackward);
        Assert.Contains("inputGradient[s * Features + k] = dxBlock[seq * PaddedFeatures + k];", lstmBackward);

        // Host code translates the one-sequence kernels only.
        var host = sources["Demo_M.HostKernels.g.cs"];
        Assert.Contains("public static void Layer0Forward(", host);
        Assert.DoesNotContain("BlockForward", host);
        Assert.DoesNotContain("BlockBackward", host);
    }

    [Fact]
    public void The_program_loads_block_kernels_on_the_CPU_thread_schedule_and_launches_them_for_a_batch_of_at_least_four()
    {
        var program = ModelWideKernelsTests.Generate("[Recurrent(Cell.SimpleRNN, 130)]\n[Dense(1)]")["Demo_M.Program.g.cs"];
        Assert.Contains("sequenceBlocks = device.Schedule == global::SeqDsl.KernelSchedule.ThreadPerSequence && device.Kind is global::SeqDsl.DeviceKind.Cpu or global::SeqDsl.DeviceKind.OpenCLCpu;", program);
        Assert.Contains("layer0BlockForward = sequenceBlocks ? Compiled(accelerator.LoadStreamKernel<", program);
        Assert.Contains("if (layer0BlockForward is not null && n >= 4) layer0BlockForward(device.GroupsFor((n + 3) / 4, threadsPerGroup: 1), ", program);
        Assert.Contains("else layer0Forward(groupPerSequence ? ", program);
        Assert.Contains("if (layer0BlockBackward is not null && n >= 4) layer0BlockBackward(device.GroupsFor((n + 3) / 4, threadsPerGroup: 1), ", program);
    }

    [Fact]
    public void A_last_layer_with_the_loss_gradient_fused_in_has_block_kernels_but_no_group_kernels()
    {
        var sources = ModelWideKernelsTests.Generate("[Recurrent(Cell.LSTM, 8, ReturnSequences = true)]\n[Recurrent(Cell.GRU, 43)]");
        var kernels = sources["Demo_M.Kernels.g.cs"];
        Assert.DoesNotContain("Layer1GroupForward", kernels);
        string backward = kernels.Substring(kernels.IndexOf("public static void Layer1BlockBackward(", StringComparison.Ordinal));
        Assert.Contains("float lossScale = 1f / ((float)batch * Units);", backward);
        Assert.Contains("float error = states[s * Units + j] - targets[(long)rows[b] * Units + j];", backward);
        Assert.Contains("if (layer1BlockBackward is not null && n >= 4) layer1BlockBackward(", sources["Demo_M.Program.g.cs"]);
    }

    /// <summary>
    /// A wide layer without bias: its block forward starts every sum from 0, and its partial-sum kernel (blocks of four
    /// rows, no bias rows) compiles; it declared a constant nothing read, an error in generated code, before this test.
    /// </summary>
    [Fact]
    public void A_wide_layer_without_bias_starts_its_sums_from_zero_and_compiles()
    {
        var kernels = ModelWideKernelsTests.Generate("[Recurrent(Cell.LSTM, 33, UseBias = false)]\n[Dense(1)]")["Demo_M.Kernels.g.cs"];
        string forward = ModelWideKernelsTests.KernelText(kernels, "Layer0BlockForward", "Layer0BlockBackward");
        Assert.Contains("for (int g = 0; g < GateWidth; g++) zBlock[seq * GateWidth + g] = 0f;", forward);
        Assert.DoesNotContain("UnitBlocks", ModelWideKernelsTests.KernelText(kernels, "Layer0WeightGradientPartials", "Layer0ColumnWeightGradientPartials"));
    }

    [Theory]
    [InlineData("[Recurrent(Cell.LSTM, 33, Stateful = true)]", 4)]
    [InlineData("[Recurrent(Cell.GRU, 43, ResetAfter = false)]", 0)]
    [InlineData("[Recurrent(Cell.LSTM, 33, Dropout = 0.2)]", 0)]
    [InlineData("[Bidirectional(Cell.LSTM, 33)]", 0)]
    [InlineData("[Recurrent(Cell.LSTM, 33, GoBackwards = true)]", 0)]
    [InlineData("[Recurrent(Cell.LSTM, 33, LayerNorm = true)]", 0)]
    [InlineData("[Recurrent(Cell.LSTM, 33, Peepholes = true)]", 0)]
    [InlineData("[Recurrent(Cell.LSTM, 32)]", 0)] // 128 gate columns: their sums fit in registers in the one-sequence kernel
    [InlineData("[Recurrent(Cell.GRU, 20)]", 0)]
    public void Layers_with_other_options_or_gates_of_at_most_128_columns_have_no_block_kernels(string layer, int batchSize)
    {
        string source = GeneratorHarness.Usings + "namespace Demo;\n[SequenceModel(InputFeatures = 1" + (batchSize > 0 ? ", BatchSize = " + batchSize : "") + ")]\n"
            + layer + "\n[Dense(1)]\npublic partial class M { }\n";
        var (sources, output, diagnostics) = GeneratorHarness.Run(source);
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.Errors(output));
        Assert.Contains("Layer0Forward", sources["Demo_M.Kernels.g.cs"]);
        Assert.DoesNotContain("BlockForward", sources["Demo_M.Kernels.g.cs"]);
        Assert.DoesNotContain("BlockBackward", sources["Demo_M.Kernels.g.cs"]);
        Assert.DoesNotContain("BlockForward", sources["Demo_M.Program.g.cs"]);
    }
}
