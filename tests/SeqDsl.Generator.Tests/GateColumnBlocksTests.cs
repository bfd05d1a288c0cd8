using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SeqDsl.Generator.Emit.Host;

namespace SeqDsl.Generator.Tests;

/// <summary>
/// The thread schedule's forward products run blocks of 64 gate columns over every k where the gates are wider than 128
/// columns and made of whole blocks (RecurrentEmitter.ColumnBlock); elsewhere one loop over all the columns. The kernel
/// tests check the numbers (CellNumericsTests, ScheduleTests' BlockedGateColumnsModel and WideGruModel).
/// </summary>
public class GateColumnBlocksTests
{
    private const string Blocked = "for (int g0 = 0; g0 < GateWidth; g0 += 64)";

    [Fact]
    public void Wide_gates_made_of_whole_blocks_are_summed_a_block_at_a_time()
    {
        var sources = ModelWideKernelsTests.Generate("[Recurrent(Cell.GRU, 128, ReturnSequences = true)]\n[Recurrent(Cell.LSTM, 48)]\n[Dense(1)]");
        var kernels = sources["Demo_M.Kernels.g.cs"];
        string gru = ModelWideKernelsTests.KernelText(kernels, "Layer0Forward", "Layer0Backward");
        Assert.Contains(Blocked, gru);
        Assert.Contains("for (int g = g0; g < g0 + 64; g++) " + FusedProductsTests.Fma("z[g]", "xk", "parameters[Kernel + k * GateWidth + g]"), gru);
        Assert.Contains("for (int g = g0; g < g0 + 64; g++) " + FusedProductsTests.Fma("zh[g]", "hk", "parameters[RecurrentKernel + k * GateWidth + g]"), gru);
        Assert.Contains("for (int g = g0; g < g0 + 64; g++) " + FusedProductsTests.Fma("z[g]", "hk", "parameters[RecurrentKernel + k * GateWidth + g]"), ModelWideKernelsTests.KernelText(kernels, "Layer1Forward", "Layer1Backward"));

        // Host code still accumulates whole vectors of columns in registers over k (Emit.Host.LoopInterchange), block by block.
        var host = sources["Demo_M.HostKernels.g.cs"];
        Assert.Contains(Blocked, host);
        // Both products of both layers: four interchanged blocks' loops in the forward kernels.
        Assert.Equal(4, host.Split("for (; g <= (g0 + 64) - 4 * Vector<float>.Count; g += 4 * Vector<float>.Count)").Length - 1);
    }

    [Theory]
    [InlineData("[Recurrent(Cell.LSTM, 20)]")] // 80 columns: the sums fit in registers as they are
    [InlineData("[Recurrent(Cell.LSTM, 33)]")] // 132 columns: not whole blocks of 64
    public void Gates_of_at_most_128_columns_or_partial_blocks_keep_one_loop_over_every_column(string layer)
    {
        string forward = ModelWideKernelsTests.KernelText(ModelWideKernelsTests.Generate(layer + "\n[Dense(1)]")["Demo_M.Kernels.g.cs"], "Layer0Forward", "Layer0Backward");
        Assert.DoesNotContain(Blocked, forward);
        // The products' form is FusedProductsTests' concern (LSTM(33)'s 132 columns are fused, LSTM(20)'s 80 are not).
        Assert.Contains("for (int g = 0; g < GateWidth; g++) z[g] ", forward);
        Assert.Contains("xk * parameters[Kernel + k * GateWidth + g]", MultiplyAddsWrittenOut(forward));
        Assert.Contains("hk * parameters[RecurrentKernel + k * GateWidth + g]", MultiplyAddsWrittenOut(forward));
    }

    [Fact]
    public void A_reset_before_gru_blocks_its_input_product_only()
    {
        // 192 columns, but the recurrent product covers z and r only (the candidate reads r ⊙ h).
        string forward = ModelWideKernelsTests.KernelText(ModelWideKernelsTests.Generate("[Recurrent(Cell.GRU, 64, ResetAfter = false)]\n[Dense(1)]")["Demo_M.Kernels.g.cs"], "Layer0Forward", "Layer0Backward");
        Assert.Contains("for (int g = g0; g < g0 + 64; g++) " + FusedProductsTests.Fma("z[g]", "xk", "parameters[Kernel + k * GateWidth + g]"), forward);
        Assert.Contains("for (int g = 0; g < 2 * Units; g++) " + FusedProductsTests.Fma("z[g]", "hk", "parameters[RecurrentKernel + k * GateWidth + g]"), forward);
    }

    /// <summary>
    /// The kernel with its multiply-add calls written out as host code writes them (<c>x += a * b;</c>, the generator's
    /// MultiplyAdds), to find a product in either form.
    /// </summary>
    private static string MultiplyAddsWrittenOut(string kernel) =>
        MultiplyAdds.Separate((MethodDeclarationSyntax)SyntaxFactory.ParseMemberDeclaration(kernel)!).ToFullString();
}
