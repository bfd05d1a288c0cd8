namespace SeqDsl.Generator.Tests;

/// <summary>
/// The joined backward kernel of a plain recurrent layer past the first (the CPU thread schedule's,
/// RecurrentEmitter.BackwardWithPartials.cs) walks the gate columns once for both of its transposed products,
/// dh(t−1) = dz · Uᵀ and dx(t) = dz · Wᵀ: each sum keeps its terms in column order (the kernel tests check the bits
/// against the other schedules), and the two products' sums are in flight side by side. The one-sequence kernel, which
/// host code translates, keeps a loop per product.
/// </summary>
public class TransposedProductsTests
{
    /// <summary>The line that opens a walk over the gate columns' rows of the transposed weights.</summary>
    private const string RowOfColumn = "long row = g * TransposedRow";

    private const string TwoLstms = "[Recurrent(LSTM, 20, ReturnSequences = true)]\n[Recurrent(LSTM, 20)]\n[Dense(1)]";

    private static string Kernel(string layers, string kernel, string next) =>
        ModelWideKernelsTests.KernelText(ModelWideKernelsTests.Generate(layers)["Demo_M.Kernels.g.cs"], kernel, next);

    private static int Count(string text, string part) => text.Split(part).Length - 1;

    [Fact]
    public void A_second_lstms_joined_kernel_adds_both_products_in_one_walk_over_the_gate_columns()
    {
        string joined = Kernel(TwoLstms, "Layer1BackwardWithPartials", "Layer1WeightGradientPartials");

        Assert.Equal(1, Count(joined, RowOfColumn));
        int recurrent = joined.IndexOf("for (int k = 0; k < PaddedUnits; k++) " + FusedProductsTests.Fma("back[k]", "transposed[row + PaddedFeatures + k]", "dzg"), StringComparison.Ordinal);
        int input = joined.IndexOf("for (int k = 0; k < PaddedFeatures; k++) " + FusedProductsTests.Fma("dx[k]", "transposed[row + k]", "dzg"), StringComparison.Ordinal);
        Assert.True(recurrent > 0 && input > recurrent, "both products in the loop, dh(t−1) first");

        // dh(t−1) and the input gradient are written after the walk, from complete sums.
        int walkEnd = joined.IndexOf("for (int k = 0; k < Units; k++) dh[k] = ", StringComparison.Ordinal);
        Assert.True(walkEnd > input);
        Assert.True(joined.IndexOf("inputGradient[s * Features + k] = dx[k];", StringComparison.Ordinal) > walkEnd);
    }

    [Fact]
    public void The_one_sequence_kernel_keeps_a_walk_per_product()
    {
        string backward = Kernel(TwoLstms, "Layer1Backward", "Layer1BackwardWithPartials");

        Assert.Equal(2, Count(backward, RowOfColumn));
        Assert.Contains("for (int k = 0; k < PaddedUnits; k++) " + FusedProductsTests.Fma("back[k]", "transposed[row + k]", "dzg"), backward);
        Assert.Contains("for (int k = 0; k < PaddedFeatures; k++) " + FusedProductsTests.Fma("dx[k]", "transposed[row + k]", "dzg"), backward);
    }

    [Fact]
    public void The_first_layer_walks_the_columns_for_the_recurrent_product_alone()
    {
        string joined = Kernel(TwoLstms, "Layer0BackwardWithPartials", "Layer0WeightGradientPartials");

        Assert.Equal(1, Count(joined, RowOfColumn));
        Assert.Contains(FusedProductsTests.Fma("back[k]", "transposed[row + PaddedFeatures + k]", "dzg"), joined);
        Assert.DoesNotContain("dx[k]", joined);
    }

    [Fact]
    public void A_reset_after_gru_multiplies_its_recurrent_product_by_the_recurrent_side_gradient()
    {
        string joined = Kernel("[Recurrent(GRU, 5, ReturnSequences = true)]\n[Recurrent(GRU, 3)]\n[Dense(1)]", "Layer1BackwardWithPartials", "Layer1WeightGradientPartials");

        Assert.Equal(1, Count(joined, RowOfColumn));
        Assert.Contains("float dzhg = dzh[g]; // the recurrent-side gradient", joined);
        Assert.Contains(FusedProductsTests.Fma("back[k]", "transposed[row + PaddedFeatures + k]", "dzhg"), joined);
        Assert.Contains(FusedProductsTests.Fma("dx[k]", "transposed[row + k]", "dzg"), joined);
    }

    [Fact]
    public void A_reset_before_gru_has_no_joined_kernel_and_walks_z_and_r_for_the_recurrent_product()
    {
        var kernels = ModelWideKernelsTests.Generate("[Recurrent(GRU, 5, ResetAfter = false, ReturnSequences = true)]\n[Recurrent(GRU, 3, ResetAfter = false)]\n[Dense(1)]")["Demo_M.Kernels.g.cs"];
        Assert.DoesNotContain("BackwardWithPartials", kernels);
        string backward = ModelWideKernelsTests.KernelText(kernels, "Layer1Backward", "Layer1WeightGradientPartials");

        // The candidate block reached h(t−1) through r ⊙ h in the cell step; every column reaches the input.
        Assert.Equal(2, Count(backward, RowOfColumn));
        int recurrent = backward.IndexOf("for (int g = 0; g < 2 * Units; g++)", StringComparison.Ordinal);
        int input = backward.IndexOf("for (int g = 0; g < GateWidth; g++)\n", recurrent, StringComparison.Ordinal);
        Assert.True(recurrent > 0 && input > recurrent);
    }
}
