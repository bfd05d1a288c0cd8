namespace SeqDsl.Generator.Tests;

/// <summary>
/// Where a recurrent layer's CPU partial sums run blocks of four rows and its gate columns make whole tiles of 16
/// (RecurrentEmitter.TileColumns), ILGPU devices load a tiled form of the row-block kernel (chunks of steps, a tile of
/// columns at a time) in the thread schedule, while host code keeps translating the untiled form. The kernel tests check
/// the numbers: ScheduleTests' Tiled models give the same bits as the GPU's per-column partials.
/// </summary>
public class TiledPartialsTests
{
    private const string Tiles = "for (int g0 = 0; g0 < GateWidth; g0 += TileColumns) // the tile's sums stay in registers over the chunk's steps";

    [Fact]
    public void Wide_layers_in_whole_tiles_get_a_tiled_kernel_that_the_thread_schedule_loads()
    {
        // GRU(128): 384 columns; LSTM(36): 144; both whole tiles of 16 and rows in blocks of four.
        var sources = ModelWideKernelsTests.Generate("[Recurrent(Cell.GRU, 128, ReturnSequences = true)]\n[Recurrent(Cell.LSTM, 36)]\n[Dense(1)]");
        var kernels = sources["Demo_M.Kernels.g.cs"];
        foreach (var layer in new[] { "Layer0", "Layer1" })
        {
            string tiled = ModelWideKernelsTests.KernelText(kernels, layer + "TiledWeightGradientPartials", layer + "ColumnWeightGradientPartials");
            Assert.Contains(Tiles, tiled);
            Assert.Contains("for (int t0 = 0; t0 < steps; t0 += StepChunk)", tiled); // kernel rows and bias rows
            Assert.Contains("for (int t0 = 1; t0 < steps; t0 += StepChunk) // chunks of steps whose gate gradients stay in the L1 cache; h(-1) = 0 adds nothing", tiled);
            Assert.Contains("for (int t = t0; t < steps && t < t0 + StepChunk; t++)", tiled);
            Assert.Contains("float gradientOfColumn = gateGradient[gradient + g];", tiled);
            Assert.Contains("for (int g = g0; g < g0 + TileColumns; g++) sum[g] += gateGradient[gradient + g];", tiled); // a bias row

            // The untiled kernel is still there, walking whole rows at every step, for host code.
            string untiled = ModelWideKernelsTests.KernelText(kernels, layer + "WeightGradientPartials", layer + "TiledWeightGradientPartials");
            Assert.DoesNotContain("const int TileColumns", untiled);
            Assert.Contains("for (int g = 0; g < GateWidth; g++)", untiled);
        }

        var program = sources["Demo_M.Program.g.cs"];
        Assert.Contains("layer0WeightGradientPartials = hostCode ? HostKernels.LaunchLayer0WeightGradientPartials : groupPerSequence ? ", program);
        Assert.Contains("(Kernels.Layer0ColumnWeightGradientPartials)) : Compiled(accelerator.LoadStreamKernel<", program);
        Assert.Contains(">(Kernels.Layer0TiledWeightGradientPartials));", program);
        Assert.Contains(">(Kernels.Layer1TiledWeightGradientPartials));", program);

        // Host code translates the untiled kernel only.
        var host = sources["Demo_M.HostKernels.g.cs"];
        Assert.Contains("LaunchLayer0WeightGradientPartials", host);
        Assert.DoesNotContain("TiledWeightGradientPartials", host);
    }

    [Fact]
    public void A_reset_before_gru_scales_the_multipliers_of_its_candidate_tiles_by_r()
    {
        // GRU(64): 192 columns; the candidate's columns start at 2 · Units = 128, a whole number of tiles.
        var kernels = ModelWideKernelsTests.Generate("[Recurrent(Cell.GRU, 64, ResetAfter = false)]\n[Dense(1)]")["Demo_M.Kernels.g.cs"];
        string tiled = ModelWideKernelsTests.KernelText(kernels, "Layer0TiledWeightGradientPartials", "Layer0ColumnWeightGradientPartials");
        Assert.Contains("if (g0 >= 2 * Units) // z and r read h(t−1); the candidate's tiles read r(t) ⊙ h(t−1)", tiled);
        Assert.Contains("m0 *= cache[r];", tiled);
    }

    [Theory]
    [InlineData("[Recurrent(Cell.LSTM, 20)]")] // 80 columns: one row per thread, its sums already in registers
    [InlineData("[Recurrent(Cell.LSTM, 33)]")] // 132 columns: not whole tiles of 16
    [InlineData("[Recurrent(Cell.GRU, 43)]")] // 129 columns
    public void Other_layers_have_one_partial_sums_kernel_for_the_thread_schedule(string layer)
    {
        var sources = ModelWideKernelsTests.Generate(layer + "\n[Dense(1)]");
        Assert.DoesNotContain("Tiled", sources["Demo_M.Kernels.g.cs"]);
        Assert.Contains(">(Kernels.Layer0WeightGradientPartials));", sources["Demo_M.Program.g.cs"]);
    }
}
