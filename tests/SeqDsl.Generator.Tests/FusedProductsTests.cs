using System.Text.RegularExpressions;

namespace SeqDsl.Generator.Tests;

/// <summary>
/// Every backward matrix product of a recurrent layer (BPTT's transposed products, the input gradient, the weight-gradient
/// partials), and the forward's of a layer wider than 128 gate columns, accumulate with KernelMath.MultiplyAdd (one FMA
/// instruction on OpenCL) in all the kernels of their pass, so that the schedules still give the same bits as each
/// other; a narrower layer's forward keeps the separate multiply and add in all of its kernels; host code writes both
/// out as <c>+=</c> products. The kernel tests check the numbers (FusedProductsTests: PoCL rounds fused products once;
/// SequenceBlockTests and ScheduleTests' partial sums: the same bits across kernels on PoCL; the group schedule's first
/// terms only here, in text).
/// </summary>
public class FusedProductsTests
{
    private const string Call = "global::SeqDsl.Kernels.KernelMath.MultiplyAdd";

    /// <summary>The generated accumulation <c>target = MultiplyAdd(a, b, target);</c>.</summary>
    internal static string Fma(string target, string a, string b) => target + " = " + Call + "(" + a + ", " + b + ", " + target + ");";

    /// <summary>A product accumulated with a separate multiply and add: <c>x += a * b;</c> (not a scaled or masked copy).</summary>
    private static readonly Regex SeparateProduct = new(@"\b\w+(\[[^\]]*\])? \+= [A-Za-z_]\w*(\[[^\]]*\])? \* ", RegexOptions.Compiled);

    /// <summary>Each kernel accumulates its products with the multiply-add call and none with a separate multiply and add.</summary>
    private static void AssertFused(IEnumerable<string> kernels) => Assert.All(kernels, kernel =>
    {
        Assert.Contains(Call, kernel);
        Assert.DoesNotMatch(SeparateProduct, kernel);
    });

    /// <summary>Each kernel accumulates its products with a separate multiply and add, never the call.</summary>
    private static void AssertPlain(IEnumerable<string> kernels) => Assert.All(kernels, kernel =>
    {
        Assert.DoesNotContain(Call, kernel);
        Assert.Matches(SeparateProduct, kernel);
    });

    [Fact]
    public void Every_kernel_of_a_wide_layer_fuses_its_products()
    {
        // GRU(128) (384 columns) after GRU(128): the second layer has an input product, an input gradient and the group kernels.
        var sources = ModelWideKernelsTests.Generate("[Recurrent(Cell.GRU, 128, ReturnSequences = true)]\n[Recurrent(Cell.GRU, 128)]\n[Dense(1)]");
        var kernels = sources["Demo_M.Kernels.g.cs"];
        string Kernel(string name, string next) => ModelWideKernelsTests.KernelText(kernels, name, next);

        var layer1 = new[]
        {
            Kernel("Layer1Forward", "Layer1Backward"),
            Kernel("Layer1Backward", "Layer1WeightGradientPartials"),
            Kernel("Layer1WeightGradientPartials", "Layer1TiledWeightGradientPartials"),
            Kernel("Layer1TiledWeightGradientPartials", "Layer1ColumnWeightGradientPartials"),
            Kernel("Layer1ColumnWeightGradientPartials", "Layer1BlockForward"),
            Kernel("Layer1BlockForward", "Layer1BlockBackward"),
            Kernel("Layer1BlockBackward", "Layer1InputProjection"),
            Kernel("Layer1InputProjection", "Layer1GroupForward"),
            Kernel("Layer1GroupForward", "Layer1GroupBackward"),
            Kernel("Layer1GroupBackward", "Layer1InputGradient"),
            Kernel("Layer1InputGradient", "Layer2Forward"),
        };
        AssertFused(layer1);

        // The pattern finds what it must: the same forward kernels of a narrow layer.
        var narrow = ModelWideKernelsTests.Generate("[Recurrent(Cell.GRU, 20, ReturnSequences = true)]\n[Recurrent(Cell.GRU, 20)]\n[Dense(1)]")["Demo_M.Kernels.g.cs"];
        Assert.Matches(SeparateProduct, ModelWideKernelsTests.KernelText(narrow, "Layer1GroupForward", "Layer1GroupBackward")); // recurrentSum += left0 * right0;
        Assert.Matches(SeparateProduct, ModelWideKernelsTests.KernelText(narrow, "Layer1Forward", "Layer1Backward"));

        Assert.Contains("for (int g = g0; g < g0 + 64; g++) " + Fma("zh[g]", "hk", "parameters[RecurrentKernel + k * GateWidth + g]"), layer1[0]);
        Assert.Contains("for (int k = 0; k < PaddedFeatures; k++) " + Fma("dx[k]", "transposed[row + k]", "dzg"), layer1[1]);
        Assert.Contains(Fma("sum", "xk", "gateGradient[gradient + g]"), layer1[4]);
        Assert.Contains("sum += gateGradient[gradient + g];", layer1[4]); // a bias row has no product

        // The group schedule's sums start where the thread schedule's do, so that their first terms round alike too.
        Assert.Contains("float sum = " + Call + "(input[x], parameters[Kernel + g], parameters[Bias + g]);", layer1[7]);
        Assert.Contains("float sum = " + Call + "(transposed[k], gateGradient[step * GradientWidth], 0f);", layer1[10]);
        Assert.Contains(Fma("recurrentSum", "left7", "right7"), layer1[8]);

        // Host code runs .NET's separate multiply and add, written out as the accumulation it vectorizes.
        var host = sources["Demo_M.HostKernels.g.cs"];
        Assert.DoesNotContain(Call, host);
        Assert.Contains("zhColumns += new Vector<float>(hk) * parameters.Load(RecurrentKernel + k * GateWidth + g);", host);
    }

    [Fact]
    public void A_wide_reset_before_gru_fuses_its_candidate_products_too()
    {
        // GRU(64, reset_after = False): 192 columns; the candidate's (r ⊙ h)·U_h and its gradient are products of their own.
        var kernels = ModelWideKernelsTests.Generate("[Recurrent(Cell.GRU, 64, ResetAfter = false)]\n[Dense(1)]")["Demo_M.Kernels.g.cs"];
        string forward = ModelWideKernelsTests.KernelText(kernels, "Layer0Forward", "Layer0Backward");
        string backward = ModelWideKernelsTests.KernelText(kernels, "Layer0Backward", "Layer0WeightGradientPartials");
        Assert.Contains("for (int g = 0; g < Units; g++) " + Fma("z[2 * Units + g]", "rk", "parameters[RecurrentKernel + k * GateWidth + 2 * Units + g]"), forward);
        Assert.Contains("for (int g = 0; g < Units; g++) " + Fma("dResetState", "parameters[RecurrentKernel + k * GateWidth + 2 * Units + g]", "dz[2 * Units + g]"), backward);
        Assert.DoesNotMatch(SeparateProduct, forward);
        Assert.DoesNotMatch(SeparateProduct, backward.Replace("dh[k] += dResetState * r;", "")); // cell math, not a matrix product
    }

    [Fact]
    public void A_layer_of_at_most_128_columns_keeps_separate_multiplies_and_adds_in_its_forward_only()
    {
        // LSTM(32): 128 columns, the widest whose forward is not fused; the Dense head is not a recurrent layer.
        var sources = ModelWideKernelsTests.Generate("[Recurrent(Cell.LSTM, 20, ReturnSequences = true)]\n[Recurrent(Cell.LSTM, 32)]\n[Dense(1)]");
        var kernels = sources["Demo_M.Kernels.g.cs"];
        string Kernel(string name, string next) => ModelWideKernelsTests.KernelText(kernels, name, next);

        var forward = new[]
        {
            Kernel("Layer1Forward", "Layer1Backward"),
            Kernel("Layer1InputProjection", "Layer1GroupForward"),
            Kernel("Layer1GroupForward", "Layer1GroupBackward"),
        };
        AssertPlain(forward);

        Assert.Contains("for (int g = 0; g < GateWidth; g++) z[g] += hk * parameters[RecurrentKernel + k * GateWidth + g];", forward[0]);
        Assert.Contains("float sum = parameters[Bias + g] + input[x] * parameters[Kernel + g];", forward[1]);

        // The backward's products are fused in every kernel of the pass, on both schedules.
        var backward = new[]
        {
            Kernel("Layer1Backward", "Layer1BackwardWithPartials"),
            Kernel("Layer1BackwardWithPartials", "Layer1WeightGradientPartials"),
            Kernel("Layer1WeightGradientPartials", "Layer1ColumnWeightGradientPartials"),
            Kernel("Layer1ColumnWeightGradientPartials", "Layer1InputProjection"),
            Kernel("Layer1GroupBackward", "Layer1InputGradient"),
            Kernel("Layer1InputGradient", "Layer2Forward"),
        };
        AssertFused(backward);

        Assert.Contains("for (int k = 0; k < PaddedUnits; k++) " + Fma("back[k]", "transposed[row + PaddedFeatures + k]", "dzg"), backward[1]);
        Assert.Contains("float sum = " + Call + "(transposed[k], gateGradient[step * GradientWidth], 0f);", backward[5]);

        // Host code still writes the backward's products as the separate multiply and add .NET computes.
        Assert.DoesNotContain(Call, sources["Demo_M.HostKernels.g.cs"]);
    }

    [Fact]
    public void A_narrow_reset_before_gru_keeps_its_candidate_product_plain_and_fuses_its_gradient()
    {
        // GRU(20, reset_after = False): 60 columns; the candidate's (r ⊙ h)·U_h is a forward product, its gradient a backward one.
        var kernels = ModelWideKernelsTests.Generate("[Recurrent(Cell.GRU, 20, ResetAfter = false)]\n[Dense(1)]")["Demo_M.Kernels.g.cs"];
        string forward = ModelWideKernelsTests.KernelText(kernels, "Layer0Forward", "Layer0Backward");
        string backward = ModelWideKernelsTests.KernelText(kernels, "Layer0Backward", "Layer0WeightGradientPartials");
        Assert.Contains("for (int g = 0; g < Units; g++) z[2 * Units + g] += rk * parameters[RecurrentKernel + k * GateWidth + 2 * Units + g];", forward);
        Assert.DoesNotContain(Call, forward);
        Assert.Contains("for (int g = 0; g < Units; g++) " + Fma("dResetState", "parameters[RecurrentKernel + k * GateWidth + 2 * Units + g]", "dz[2 * Units + g]"), backward);
        Assert.DoesNotMatch(SeparateProduct, backward.Replace("dh[k] += dResetState * r;", "")); // cell math, not a matrix product
    }

    [Fact]
    public void Layers_of_one_model_decide_their_forwards_each_for_itself()
    {
        // GRU(43) (129 columns) then LSTM(20) (80): the first fuses its forward, the second does not; both fuse their backward.
        var kernels = ModelWideKernelsTests.Generate("[Recurrent(Cell.GRU, 43, ReturnSequences = true)]\n[Recurrent(Cell.LSTM, 20)]\n[Dense(1)]")["Demo_M.Kernels.g.cs"];
        Assert.Contains(Call, ModelWideKernelsTests.KernelText(kernels, "Layer0Forward", "Layer0Backward"));
        Assert.DoesNotContain(Call, ModelWideKernelsTests.KernelText(kernels, "Layer1Forward", "Layer1Backward"));
        Assert.Contains(Call, ModelWideKernelsTests.KernelText(kernels, "Layer1Backward", "Layer1BackwardWithPartials"));
    }
}
