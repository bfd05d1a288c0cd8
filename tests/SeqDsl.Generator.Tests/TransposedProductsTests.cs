namespace SeqDsl.Generator.Tests;

/// <summary>
/// The one-sequence backward kernel of a recurrent layer past the first walks the gate columns once for both of its
/// transposed products, dh(t−1) = dz · Uᵀ and dx(t) = dz · Wᵀ: each sum keeps its terms in column order (the kernel
/// tests check the bits against the other schedules), and the two products' sums are in flight side by side.
/// </summary>
public class TransposedProductsTests
{
    /// <summary>The gate-column loops that accumulate a transposed product (one per walk over the transposed rows).</summary>
    private const string RowOfColumn = "long row = g * TransposedRow;";

    private static string Backward(string layers, string kernel, string next) =>
        ModelWideKernelsTests.KernelText(ModelWideKernelsTests.Generate(layers)["Demo_M.Kernels.g.cs"], kernel, next);

    private static int Count(string text, string part) => text.Split(part).Length - 1;

    [Fact]
    public void A_second_lstm_adds_both_products_in_one_walk_over_the_gate_columns()
    {
        string backward = Backward("[Recurrent(LSTM, 20, ReturnSequences = true)]\n[Recurrent(LSTM, 20)]\n[Dense(1)]", "Layer1Backward", "Layer1WeightGradientPartials");

        Assert.Equal(1, Count(backward, RowOfColumn));
        Assert.Contains("for (int g = 0; g < GateWidth; g++)\n", backward.Replace("\r\n", "\n", StringComparison.Ordinal));
        int recurrent = backward.IndexOf("for (int k = 0; k < PaddedUnits; k++) back[k] += transposed[row + PaddedFeatures + k] * dzg;", StringComparison.Ordinal);
        int input = backward.IndexOf("for (int k = 0; k < PaddedFeatures; k++) dx[k] += transposed[row + k] * dzg;", StringComparison.Ordinal);
        Assert.True(recurrent > 0 && input > recurrent, "both products in the loop, dh(t−1) first");

        // dh(t−1) and the input gradient are written after the walk, from complete sums.
        int walkEnd = backward.IndexOf("for (int k = 0; k < Units; k++) dh[k] = ", StringComparison.Ordinal);
        Assert.True(walkEnd > input);
        Assert.True(backward.IndexOf("inputGradient[s * Features + k] = dx[k];", StringComparison.Ordinal) > walkEnd);
    }

    [Fact]
    public void The_first_layer_walks_the_columns_for_the_recurrent_product_alone()
    {
        string backward = Backward("[Recurrent(LSTM, 20, ReturnSequences = true)]\n[Recurrent(LSTM, 20)]\n[Dense(1)]", "Layer0Backward", "Layer0WeightGradientPartials");

        Assert.Equal(1, Count(backward, RowOfColumn));
        Assert.Contains("back[k] += transposed[row + PaddedFeatures + k] * dzg;", backward);
        Assert.DoesNotContain("dx[k]", backward);
    }

    [Fact]
    public void A_reset_before_gru_adds_the_candidate_columns_to_the_input_gradient_alone()
    {
        string backward = Backward("[Recurrent(GRU, 5, ResetAfter = false, ReturnSequences = true)]\n[Recurrent(GRU, 3, ResetAfter = false)]\n[Dense(1)]", "Layer1Backward", "Layer1WeightGradientPartials");

        // z and r reach h(t−1) and the input; the candidate block reached h(t−1) through r ⊙ h in the cell step.
        Assert.Equal(2, Count(backward, RowOfColumn));
        int both = backward.IndexOf("for (int g = 0; g < 2 * Units; g++)", StringComparison.Ordinal);
        int candidate = backward.IndexOf("for (int g = 2 * Units; g < GateWidth; g++)", StringComparison.Ordinal);
        Assert.True(both > 0 && candidate > both);
        string candidateLoop = backward.Substring(candidate, backward.IndexOf("dh[k] = ", candidate, StringComparison.Ordinal) - candidate);
        Assert.Contains("dx[k] += transposed[row + k] * dzg;", candidateLoop);
        Assert.DoesNotContain("back[k]", candidateLoop);
    }

    [Fact]
    public void A_reset_after_gru_multiplies_its_recurrent_product_by_the_recurrent_side_gradient()
    {
        string backward = Backward("[Recurrent(GRU, 5, ReturnSequences = true)]\n[Recurrent(GRU, 3)]\n[Dense(1)]", "Layer1Backward", "Layer1WeightGradientPartials");

        Assert.Equal(1, Count(backward, RowOfColumn));
        Assert.Contains("float dzhg = dzh[g]; // the recurrent-side gradient", backward);
        Assert.Contains("back[k] += transposed[row + PaddedFeatures + k] * dzhg;", backward);
        Assert.Contains("dx[k] += transposed[row + k] * dzg;", backward);
    }
}
