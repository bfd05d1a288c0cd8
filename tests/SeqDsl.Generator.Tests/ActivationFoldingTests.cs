namespace SeqDsl.Generator.Tests;

/// <summary>
/// A Conv1D after a Conv1D writes its input gradient already times the earlier layer's activation derivative, which
/// that layer then reads as its pre-activation gradient; everywhere else a layer applies its own derivative. The kernel
/// tests check the numbers (ConvFoldedActivationsModel folds ELU, sigmoid, softplus and ReLU across strided windows; the
/// other Conv1D stacks there fold tanh).
/// </summary>
public class ActivationFoldingTests
{
    private static string KernelText(string kernels, string name, string next) => ModelWideKernelsTests.KernelText(kernels, name, next);

    [Fact]
    public void A_convolution_applies_the_derivative_of_the_convolution_before_it_as_it_writes_its_input_gradient()
    {
        var sources = ModelWideKernelsTests.Generate(
            "[Conv1D(8, 2, padding: Padding.Causal, Activation = Activation.ReLU)]\n"
            + "[Conv1D(12, 2, 2, Padding.Causal, Activation = Activation.Tanh)]\n"
            + "[Conv1D(6, 1, Activation = Activation.Sigmoid)]\n"
            + "[TimeDistributed(Dense = 1)]");
        var kernels = sources["Demo_M.Kernels.g.cs"];

        // conv1d (ReLU) hands its derivative to conv1d_1, which hands tanh's to conv1d_2.
        Assert.DoesNotContain("output[y + u] > 0f", KernelText(kernels, "Layer0WeightGradientPartials", "Layer0WeightGradientPartialsPerValue"));
        Assert.Contains("float delta = outputGradient[y]; // pre-activation gradient", KernelText(kernels, "Layer0WeightGradientPartialsPerValue", "Layer1Forward"));
        string second = KernelText(kernels, "Layer1Backward", "Layer1BackwardPerValue");
        Assert.Contains("dx[c] = dx[c] * (input[(long)r * Features + c] > 0f ? 1f : 0f);", second);
        Assert.Contains("float d = outputGradient[y + u]; // pre-activation gradient", second);
        Assert.DoesNotContain("(1f - output[y + u] * output[y + u])", second);
        Assert.Contains("dx = dx * (input[item] > 0f ? 1f : 0f); // the layer before's pre-activation gradient", KernelText(kernels, "Layer1BackwardPerValue", "Layer2Forward"));

        // conv1d_2 feeds a Dense layer: it multiplies by its own derivative, and the Dense layer folds nothing.
        string third = KernelText(kernels, "Layer2Backward", "Layer3Forward");
        Assert.Contains("dx[c] = dx[c] * (1f - input[(long)r * Features + c] * input[(long)r * Features + c]);", third);
        Assert.Contains("outputGradient[y + u] * (output[y + u] * (1f - output[y + u]))", third);

        // The buffers say what they hold.
        var program = sources["Demo_M.Program.g.cs"];
        Assert.Contains("layer0OutputGradient; // gradient of the loss with respect to conv1d's pre-activation (conv1d_1 applies", program);
        Assert.Contains("layer2OutputGradient; // gradient of the loss with respect to conv1d_2's output", program);

        // Host code is the same kernels translated: the fold is there too, a vector at a time.
        Assert.Contains("dx.Store(c, dx.Load(c) * (Vector.ConditionalSelect(Vector.GreaterThan(input.Load((long)r * Features + c), new Vector<float>(0f)), new Vector<float>(1f), new Vector<float>(0f))));", sources["Demo_M.HostKernels.g.cs"]);
    }

    [Fact]
    public void Nothing_is_folded_after_a_linear_convolution()
    {
        var kernels = ModelWideKernelsTests.Generate("[Conv1D(4, 2, padding: Padding.Causal)]\n[Conv1D(4, 1)]")["Demo_M.Kernels.g.cs"];
        string backward = KernelText(kernels, "Layer1Backward", "Layer1BackwardPerValue");
        Assert.Contains("inputGradient[(long)r * Features + c] = dx[c];", backward);
        Assert.DoesNotContain("dx[c] = dx[c] *", backward);
        Assert.Contains("outputGradient[y + u] * 1f", KernelText(kernels, "Layer0WeightGradientPartials", "Layer1Forward"));
    }
}
