using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SeqDsl.Generator.Emit.Host;

namespace SeqDsl.Generator.Tests;

/// <summary>
/// Every layer's weight copies run in one launch before the backward pass and every layer's partial sums in one launch
/// after it (in parts of at most 12 layer buffers); a Conv1D after the first layer runs its input gradient and its
/// partials in one launch. The kernel tests check the numbers (DeepConvStack has more layers than one part takes).
/// </summary>
public class ModelWideKernelsTests
{
    /// <summary>The generated sources of model M with <paramref name="attributes"/> as its layers, checked free of diagnostics and errors.</summary>
    /// <param name="model">The model's own attribute (a stateful layer needs a batch size there).</param>
    internal static IReadOnlyDictionary<string, string> Generate(string attributes, string model = "[SequenceModel(InputFeatures = 1)]")
    {
        string source = GeneratorHarness.Usings + "namespace Demo;\n" + model + "\n" + attributes + "\npublic partial class M { }\n";
        var (sources, output, diagnostics) = GeneratorHarness.Run(source);
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.Errors(output));
        return sources;
    }

    /// <summary>The text of kernel <paramref name="name"/> in <paramref name="kernels"/>, up to kernel <paramref name="next"/>.</summary>
    internal static string KernelText(string kernels, string name, string next)
    {
        int start = kernels.IndexOf("public static void " + name + "(", StringComparison.Ordinal);
        return kernels.Substring(start, kernels.IndexOf("public static void " + next + "(", start, StringComparison.Ordinal) - start);
    }

    private static string BackwardOf(string program)
    {
        int start = program.IndexOf("public override void Backward(in BatchContext batch)", StringComparison.Ordinal);
        int end = program.IndexOf("public override void TrainingPass(", start, StringComparison.Ordinal);
        return program.Substring(start, (end > 0 ? end : program.IndexOf("protected override void Dispose", start, StringComparison.Ordinal)) - start);
    }

    [Fact]
    public void The_seeds_wavenet_transposes_before_every_backward_and_sums_after_them()
    {
        var sources = Generate("[WaveNet(20, Outputs = 10)]");
        var backward = BackwardOf(sources["Demo_M.Program.g.cs"]).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("//", StringComparison.Ordinal)).ToList();

        // The method's header and brace, int n, int steps; the copies; nine layers' backward (where no stack kernel of
        // them is loaded, ConvStackTests); the sums.
        Assert.StartsWith("transposeWeights(device.GridFor(960), batch.Parameters, layer1Transposed!.View, layer2Transposed!.View,", backward[4]);
        Assert.EndsWith("layer8Transposed!.View);", backward[4]);
        var layerLaunches = backward.Where(l => l.StartsWith("layer", StringComparison.Ordinal) && char.IsDigit(l["layer".Length])).ToList();
        Assert.Equal(9, layerLaunches.Count);
        Assert.All(Enumerable.Range(0, 9), i => Assert.StartsWith("layer" + (8 - i) + (i == 8 ? "WeightGradientPartials(" : "Backward!("), layerLaunches[i]));
        // One thread per weight on GPUs, per 16 consecutive weights on CPUs: the widest layer's 820 weights, 52 chunks.
        Assert.StartsWith("weightGradients(groupPerSequence ? device.GridFor(820) : device.GridFor(52), layer0WeightPartials!.View, layer1WeightPartials!.View,", backward[^2]);
        Assert.EndsWith("layer8WeightPartials!.View, batch.Gradients, n);", backward[^2]);

        // No layer launches a transpose or a sum of its own any more.
        var kernels = sources["Demo_M.Kernels.g.cs"];
        Assert.DoesNotContain("Layer1TransposeWeights", kernels);
        Assert.DoesNotContain("Layer1WeightGradients(", kernels);
        Assert.Contains("layer3Transposed[p] = c < Features ? parameters[Kernel + (k * Features + c) * Filters + u] : 0f;", kernels);
        Assert.Contains("for (int b = 0; b < batch; b++) sum += layer3WeightPartials[(long)b * MatrixCount + p];", kernels);
    }

    [Fact]
    public void A_convolution_after_the_first_takes_its_input_gradient_and_partials_in_one_launch()
    {
        var sources = Generate("[WaveNet(6, LayersPerBlock = 2, Blocks = 1, Outputs = 1)]");
        var kernels = sources["Demo_M.Kernels.g.cs"];
        string Kernel(string name, string next) => KernelText(kernels, name, next);

        // CPUs: blocks of four rows of one tap (6 features: blocks of 4 and 2), so each pre-activation gradient feeds four sums.
        string cpu = Kernel("Layer1Backward", "Layer1BackwardPerValue");
        int inputGradient = cpu.IndexOf("for (int r = Grid.GlobalIndex.X; r < batch * steps;", StringComparison.Ordinal);
        int partials = cpu.IndexOf("for (int item = Grid.GlobalIndex.X; item < batch * Blocks;", StringComparison.Ordinal);
        Assert.True(inputGradient > 0 && partials > inputGradient, "the input-gradient loop, then the partials loop");
        Assert.Contains("const int RowsPerThread = 4;", cpu);
        Assert.Contains("const int Blocks = 5; // partial-sum threads per sample: the taps' blocks, then the bias row", cpu);
        Assert.Contains("sum[3 * Filters + u] = global::SeqDsl.Kernels.KernelMath.MultiplyAdd(x3, delta, sum[3 * Filters + u]);", cpu); // an FMA on OpenCL
        Assert.DoesNotContain("PaddedFilters", cpu); // under one vector: no padding, and no guarded reads
        Assert.DoesNotContain("u < Filters ?", cpu);

        // GPUs: the same loops with a thread per value (ConvPerValueTests), loaded under the group schedule outside the
        // layer's Conv1D stack (ConvStackTests), where the stack is not loaded and the layer's launcher is.
        Assert.Contains("layer1Backward = sequenceBlocks ? null : hostCode ? HostKernels.LaunchLayer1Backward : groupPerSequence ? Compiled(accelerator.LoadStreamKernel<", sources["Demo_M.Program.g.cs"]);
        Assert.Contains("(Kernels.Layer1BackwardPerValue)) : Compiled(", sources["Demo_M.Program.g.cs"]);
        Assert.Contains("layer1Backward!(groupPerSequence ? device.GridFor((long)n * Math.Max(steps * 6, 78)) : device.GridFor(n * Math.Min(steps, 5)), ", sources["Demo_M.Program.g.cs"]);
        Assert.Contains("public static void Layer0WeightGradientPartials(", kernels); // the first layer passes no gradient on
    }

    [Fact]
    public void A_convolutions_partial_sums_run_over_filters_padded_to_whole_vectors_on_cpus_only()
    {
        var sources = Generate("[WaveNet(20, LayersPerBlock = 2, Blocks = 1, Outputs = 10)]");
        var kernels = sources["Demo_M.Kernels.g.cs"];
        string Kernel(string name, string next) => KernelText(kernels, name, next);

        // 20 filters, padded to 24: the sums' loop runs in whole 8-float vectors, the padding's gradient 0 (a guarded read:
        // past Filters a row of the output ends).
        string cpu = Kernel("Layer1Backward", "Layer1BackwardPerValue");
        Assert.Contains("const int PaddedFilters = 24;", cpu);
        Assert.Contains("var sum = LocalMemory.Allocate<float>(RowsPerThread * PaddedFilters);", cpu);
        Assert.Contains("for (int u = 0; u < PaddedFilters; u++)", cpu);
        Assert.Contains("float delta = u < Filters ? outputGradient[y + u] : 0f;", cpu); // the last layer applied ReLU' (ActivationFoldingTests)
        Assert.Contains("partials[partial + u] = sum[i * PaddedFilters + u];", cpu); // only the real filters are stored

        // The last layer's fused loss gradient (10 outputs, padded to 16) guards its error too.
        string last = Kernel("Layer2Backward", "Layer2BackwardPerValue");
        Assert.Contains("const int PaddedFilters = 16;", last);
        Assert.Contains("float error = u < Filters ? output[y + u] - targets[target + u] : 0f;", last);

        // GPUs run a thread per partial, over the real filters: padding would only add threads.
        Assert.DoesNotContain("PaddedFilters", Kernel("Layer1BackwardPerValue", "Layer2Forward"));
        Assert.Contains("const int PaddedFilters = 24;", Kernel("Layer0WeightGradientPartials", "Layer0WeightGradientPartialsPerValue"));
        Assert.DoesNotContain("PaddedFilters", Kernel("Layer0WeightGradientPartialsPerValue", "Layer1Forward"));
        Assert.Contains("layer0WeightGradientPartials(groupPerSequence ? device.GridFor((long)n * 60) : device.GridFor(n * 3), ", sources["Demo_M.Program.g.cs"]);

        // Host code runs the padded loops to the real width, a Vector<float> at a time (Emit.Host.PaddedLoop).
        var host = sources["Demo_M.HostKernels.g.cs"];
        Assert.DoesNotContain("u < Filters ?", host);
        Assert.Contains("sum.Store(3 * PaddedFilters + u, sum.Load(3 * PaddedFilters + u) + new Vector<float>(x3) * delta);", host);
    }

    [Fact]
    public void More_layers_than_one_kernel_takes_split_into_numbered_parts()
    {
        // 15 convolutions: 14 transposed kernels (not the first layer's) and 15 layers of partials, 12 buffers a part.
        var sources = Generate("[WaveNet(2, LayersPerBlock = 7, Blocks = 2, Outputs = 1)]");
        var kernels = sources["Demo_M.Kernels.g.cs"];
        Assert.Contains("public static void TransposeWeights1(ArrayView<float> parameters, ArrayView<float> layer1Transposed,", kernels);
        Assert.Contains("public static void TransposeWeights2(ArrayView<float> parameters, ArrayView<float> layer13Transposed, ArrayView<float> layer14Transposed)", kernels);
        Assert.Contains("public static void WeightGradients2(ArrayView<float> layer12WeightPartials, ArrayView<float> layer13WeightPartials, ArrayView<float> layer14WeightPartials, ArrayView<float> gradients, int batch)", kernels);
        Assert.DoesNotContain("TransposeWeights3", kernels);

        var backward = BackwardOf(sources["Demo_M.Program.g.cs"]);
        Assert.True(backward.IndexOf("transposeWeights2(", StringComparison.Ordinal) < backward.IndexOf("layer14Backward!(", StringComparison.Ordinal));
        Assert.True(backward.IndexOf("layer0WeightGradientPartials(", StringComparison.Ordinal) < backward.IndexOf("weightGradients1(", StringComparison.Ordinal));
        Assert.Contains("modelWideLaunches: 4", sources["Demo_M.KernelReport.g.cs"]);
    }

    [Fact]
    public void A_recurrent_stack_transposes_every_direction_in_one_launch()
    {
        var backward = BackwardOf(Generate("[Bidirectional(LSTM, 4, ReturnSequences = true)]\n[Recurrent(GRU, 3, ReturnSequences = true)]\n[TimeDistributed(Dense = 1)]")["Demo_M.Program.g.cs"]);
        Assert.Contains("transposeWeights(device.GridFor(", backward);
        Assert.Contains("batch.Parameters, layer0Transposed!.View, layer0ReversedTransposed!.View, layer1Transposed!.View, layer2Transposed!.View);", backward);
        // Every direction's partials and the Dense head's in one launch, after the last backward. The most weights:
        // the reset-after GRU(3) on the 8 concatenated features, 8 + 3 + 2 bias rows × 9 columns = 117, in 8 chunks.
        Assert.Contains("weightGradients(groupPerSequence ? device.GridFor(117) : device.GridFor(8), layer0WeightPartials!.View, layer0ReversedWeightPartials!.View, layer1WeightPartials!.View, layer2WeightPartials!.View, batch.Gradients, n);", backward);
        Assert.DoesNotContain("WeightGradients(", backward.Replace("weightGradients(", "", StringComparison.Ordinal));
    }

    /// <summary>The host code folds constants to vectorize loops; a name with two values in sibling blocks must not fold to either.</summary>
    [Fact]
    public void A_constant_declared_with_two_values_in_sibling_blocks_is_not_folded()
    {
        const string Source = "class K { static void M(int n) {\n{ const int Features = 20; const int Same = 3; const int Unknown = 4; }\n"
            + "{ const int Features = 10; const int Same = 3; const int Later = Same * 2; const int Unknown = n; }\n} }";
        var method = CSharpSyntaxTree.ParseText(Source).GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single();
        var constants = IntegerConstants.Of(method);
        Assert.False(constants.ContainsKey("Features"));
        Assert.False(constants.ContainsKey("Unknown")); // 4 in the first block, not a foldable value in the second
        Assert.Equal(3, constants["Same"]);
        Assert.Equal(6, constants["Later"]);
    }
}
