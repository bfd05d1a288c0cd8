namespace SeqDsl.Generator.Tests;

/// <summary>
/// Runs of at least two Conv1D layers get stack kernels for CPU devices: a thread per sample through every layer of the
/// run, each layer's block its own kernel's loops over that sample's items, in as few launches as ILGPU's parameter limit
/// allows (12 views per kernel). The program launches a stack where it is loaded (the thread schedule on a CPU device)
/// and each layer's own kernel otherwise; host code translates no stack. The kernel tests check the numbers
/// (ConvStackTests: the same bits as the per-layer kernels on the CPU accelerator and PoCL).
/// </summary>
public class ConvStackTests
{
    private static string Section(string text, string from, string to)
    {
        int start = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(start >= 0, "missing: " + from);
        return text.Substring(start, text.IndexOf(to, start, StringComparison.Ordinal) - start);
    }

    [Fact]
    public void The_seeds_wavenet_runs_its_forward_in_one_launch_and_its_backward_in_pairs_of_layers()
    {
        var sources = ModelWideKernelsTests.Generate("[WaveNet(20, Outputs = 10)]");
        var kernels = sources["Demo_M.Kernels.g.cs"];

        // Forward: parameters, rows, the data set and the nine layers' outputs (the last one the predictions): 12 views.
        Assert.Contains("public static void Layers0To8Forward(ArrayView<float> parameters, ArrayView<int> rows, ArrayView<float> batchInputs, ArrayView<float> layer0Output, ArrayView<float> layer1Output, "
            + "ArrayView<float> layer2Output, ArrayView<float> layer3Output, ArrayView<float> layer4Output, ArrayView<float> layer5Output, ArrayView<float> layer6Output, ArrayView<float> layer7Output, "
            + "ArrayView<float> batchPredictions, int batch, int modelSteps)", kernels);
        string forward = ModelWideKernelsTests.KernelText(kernels, "Layers0To8Forward", "Layers7To8Backward");
        Assert.Contains("for (int b = Grid.GlobalIndex.X; b < batch; b += Grid.Dimension.X * Group.Dimension.X) // sample b, through every layer", forward);
        // The local array once, before the loop over samples, as long as the widest layer's; no block allocates its own.
        Assert.Contains("var z = LocalMemory.Allocate<float>(20); // one output step's pre-activations\n", forward);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(forward, "LocalMemory.Allocate"));
        // Each layer's block names its views as its own kernel does, then walks sample b's output steps.
        string layer3 = Section(forward, "// conv1d_3: Conv1D(20, 2, dilation 8, causal)", "// conv1d_4");
        Assert.Contains("var input = layer2Output;", layer3);
        Assert.Contains("var output = layer3Output;", layer3);
        Assert.Contains("int steps = modelSteps; // input steps", layer3);
        Assert.Contains("int outSteps = steps; // output steps", layer3);
        Assert.Contains("for (int o = 0; o < outSteps; o++)", layer3);
        Assert.Contains("int r = b * outSteps + o;", layer3);
        Assert.DoesNotContain("Grid.GlobalIndex", layer3);
        Assert.Contains("var input = batchInputs;", Section(forward, "// conv1d: ", "// conv1d_1"));
        Assert.Contains("long x = (long)rows[b] * steps;", Section(forward, "// conv1d: ", "// conv1d_1")); // the data set, through the batch's rows
        Assert.Contains("var output = batchPredictions;", Section(forward, "// conv1d_8", "}\n\n"));

        // Backward: a pair of layers takes 11 or 12 views; the first layer's partials stay a launch of their own.
        foreach (var pair in new[] { "Layers7To8Backward", "Layers5To6Backward", "Layers3To4Backward", "Layers1To2Backward" })
        {
            Assert.Contains("public static void " + pair + "(ArrayView<int> rows, ", kernels);
        }

        Assert.DoesNotContain("Layers0To", kernels.Replace("Layers0To8Forward", ""));
        string last = Section(kernels, "public static void Layers7To8Backward(", "public static void Layers5To6Backward(");
        Assert.Contains("Layers7To8Backward(ArrayView<int> rows, ArrayView<float> layer7Output, ArrayView<float> batchPredictions, ArrayView<float> batchTargets, ArrayView<float> layer7OutputGradient, "
            + "ArrayView<float> layer8Transposed, ArrayView<float> layer8WeightPartials, ArrayView<float> layer6Output, ArrayView<float> layer6OutputGradient, ArrayView<float> layer7Transposed, "
            + "ArrayView<float> layer7WeightPartials, int batch, int modelSteps)", last);
        int head = last.IndexOf("// conv1d_8: Conv1D(10, 1, causal)", StringComparison.Ordinal);
        int before = last.IndexOf("// conv1d_7: Conv1D(20, 2, dilation 8, causal)", StringComparison.Ordinal);
        Assert.True(head > 0 && before > head, "the last layer first");
        Assert.Contains("var targets = batchTargets;", last); // the fused loss gradient
        Assert.Contains("var inputGradient = layer7OutputGradient;", last);
        Assert.Contains("var outputGradient = layer7OutputGradient;", last); // what the layer above wrote, in the same thread
        Assert.Contains("for (int t = 0; t < steps; t++)", last);
        Assert.Contains("int r = b * steps + t;", last);
        Assert.Contains("for (int block = 0; block < Blocks; block++)", last);
        Assert.DoesNotContain("item", last);
        // dx as long as the padded features (24), the sums as the widest layer's blocks: 4 rows of 24 padded filters.
        Assert.Contains("var dx = LocalMemory.Allocate<float>(24); // one input step's gradient", last);
        Assert.Contains("var sum = LocalMemory.Allocate<float>(96); // a block's partial weight gradients, row after row", last);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(last, "LocalMemory.Allocate").Count);

        // Only ILGPU loads the stacks, and only where the schedule runs a CPU device's block kernels.
        var program = sources["Demo_M.Program.g.cs"];
        Assert.Contains("layers0To8Forward = sequenceBlocks ? Compiled(accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ", program);
        Assert.Contains("? layers1To2Backward; // CPU thread schedule only", program);
        Assert.DoesNotContain("Layers", sources["Demo_M.HostKernels.g.cs"]);
    }

    [Fact]
    public void The_program_launches_a_stack_where_it_is_loaded_and_each_layer_otherwise()
    {
        var program = ModelWideKernelsTests.Generate("[WaveNet(20, Outputs = 10)]")["Demo_M.Program.g.cs"];
        string forward = Section(program, "public override void Forward(", "public override void ComputeLoss(");
        Assert.Contains("if (layers0To8Forward is not null)", forward);
        // A group per sample, so that PoCL, which runs a group on one thread, deals the samples to every core.
        Assert.Contains("layers0To8Forward(device.GroupsFor(n, threadsPerGroup: 1), batch.Parameters, batch.Rows, batch.Inputs, layer0Output!.View, layer1Output!.View, layer2Output!.View, layer3Output!.View, "
            + "layer4Output!.View, layer5Output!.View, layer6Output!.View, layer7Output!.View, batch.Predictions, n, batch.Steps);", forward);
        string perLayer = forward.Substring(forward.IndexOf("else", StringComparison.Ordinal));
        // That branch runs only where the stacks are not loaded, and only there are the layers' launchers.
        Assert.Contains("layer0Forward!(groupPerSequence ? device.GridFor((long)n * steps * 20) : device.GridFor(n * steps), batch.Parameters, batch.Inputs, batch.Rows, layer0Output!.View, n, steps, steps);", perLayer);
        Assert.Contains("layer8Forward!(groupPerSequence ? device.GridFor((long)n * steps * 10) : device.GridFor(n * steps), ", perLayer);
        Assert.Contains("ArrayView<float>, int, int, int>? layer3Forward; // null where the CPU thread schedule's own kernels run it (sequenceBlocks)", program);
        Assert.Contains("layer3Forward = sequenceBlocks ? null : hostCode ? HostKernels.LaunchLayer3Forward : groupPerSequence ? Compiled(accelerator.LoadStreamKernel<", program);
        Assert.Contains("layer3Backward = sequenceBlocks ? null : hostCode ? HostKernels.LaunchLayer3Backward : groupPerSequence ? ", program);

        string backward = Section(program, "public override void Backward(", "protected override void Dispose");
        int[] order = new[] { "if (layers7To8Backward is not null)", "layer8Backward!(", "layer7Backward!(", "if (layers5To6Backward is not null)", "if (layers1To2Backward is not null)", "layer1Backward!(", "layer0WeightGradientPartials(", "weightGradients(" }
            .Select(s => backward.IndexOf(s, StringComparison.Ordinal)).ToArray();
        Assert.All(order, i => Assert.True(i > 0));
        Assert.Equal(order.OrderBy(i => i), order);
        Assert.Contains("layers7To8Backward(device.GroupsFor(n, threadsPerGroup: 1), batch.Rows, layer7Output!.View, batch.Predictions, batch.Targets, layer7OutputGradient!.View, layer8Transposed!.View, "
            + "layer8WeightPartials!.View, layer6Output!.View, layer6OutputGradient!.View, layer7Transposed!.View, layer7WeightPartials!.View, n, batch.Steps);", backward);
        // The first layer's partials alone: no stack of one layer, so no branch around its launch, and a launcher always loaded.
        Assert.DoesNotContain("layers0To0", backward);
        Assert.Contains("layer0WeightGradientPartials = hostCode ? ", program);
        // Every layer's input steps are the model's: the fallback branches set them once, none again after a stack.
        var setsSteps = new System.Text.RegularExpressions.Regex(@"^\s*steps = ", System.Text.RegularExpressions.RegexOptions.Multiline);
        Assert.DoesNotMatch(setsSteps, forward);
        Assert.DoesNotMatch(setsSteps, backward);
    }

    [Fact]
    public void Strided_and_shortening_layers_compute_their_steps_in_the_stack_and_the_program_sets_them_again_after_it()
    {
        // Valid windows shorten the axis: 16 → (16 - 4) / 2 + 1 = 7 → 7 - 2 = 5 steps; the GRU after the stack reads 5.
        var sources = ModelWideKernelsTests.Generate(
            "[Conv1D(4, 4, Strides = 2)]\n[Conv1D(3, 3, Activation = Activation.Tanh)]\n[Recurrent(Cell.GRU, 5)]\n[Dense(1)]",
            "[SequenceModel(InputFeatures = 2, InputSteps = 16)]");
        var kernels = sources["Demo_M.Kernels.g.cs"];
        string forward = ModelWideKernelsTests.KernelText(kernels, "Layers0To1Forward", "Layers0To1Backward");
        string first = Section(forward, "// conv1d: ", "// conv1d_1");
        Assert.Contains("int steps = modelSteps; // input steps", first);
        Assert.Contains("int outSteps = ((steps - 4) / 2 + 1); // output steps", first);
        string second = Section(forward, "// conv1d_1: ", "\n        }\n");
        Assert.Contains("int steps = ((modelSteps - 4) / 2 + 1); // input steps", second);
        Assert.Contains("int outSteps = (steps - 2); // output steps", second);

        // The backward stack holds both layers, the first one's partials included.
        string backward = ModelWideKernelsTests.KernelText(kernels, "Layers0To1Backward", "TransposeWeights");
        Assert.True(backward.IndexOf("// conv1d_1: ", StringComparison.Ordinal) < backward.IndexOf("// conv1d: ", StringComparison.Ordinal));
        Assert.Contains("var input = batchInputs;", backward);

        var program = sources["Demo_M.Program.g.cs"];
        string launches = Section(program, "public override void Forward(", "public override void ComputeLoss(");
        // Inside the per-layer branch the program sets the second layer's steps; after the branch it sets the GRU's again.
        Assert.Contains("steps = ((batch.Steps - 4) / 2 + 1); // conv1d_1's input steps", Section(launches, "else", "gru"));
        Assert.Contains("steps = (((batch.Steps - 4) / 2 + 1) - 2); // gru's input steps", launches);
    }

    [Fact]
    public void A_stack_after_RepeatVector_runs_over_the_vectors_steps()
    {
        var kernels = ModelWideKernelsTests.Generate(
            "[Recurrent(Cell.GRU, 4)]\n[RepeatVector(5)]\n[Conv1D(3, 2, padding: Padding.Causal)]\n[Conv1D(2, 2, padding: Padding.Causal)]")["Demo_M.Kernels.g.cs"];
        string forward = ModelWideKernelsTests.KernelText(kernels, "Layers2To3Forward", "Layers2To3Backward");
        Assert.Contains("int steps = 5; // input steps", forward); // RepeatVector(5) fixes them, whatever the model's input
        Assert.Contains("var input = layer1Output;", forward);
        Assert.DoesNotContain("modelSteps;", forward);
    }

    [Fact]
    public void One_convolution_alone_keeps_its_launches_and_a_long_run_comes_in_parts()
    {
        var single = ModelWideKernelsTests.Generate("[Conv1D(8, 3, padding: Padding.Causal)]\n[Recurrent(Cell.GRU, 8)]\n[Dense(1)]");
        Assert.DoesNotContain("Layers0To", single["Demo_M.Kernels.g.cs"]);
        Assert.DoesNotContain("layers0To", single["Demo_M.Program.g.cs"]);
        Assert.Contains("layer0Forward(groupPerSequence ? device.GridFor(", single["Demo_M.Program.g.cs"]); // no stack's branch around it

        // Eleven layers: 3 + 9 views fill the first forward stack, the last two layers make a second.
        string layers = string.Concat(Enumerable.Repeat("[Conv1D(4, 2, padding: Padding.Causal, Activation = Activation.Tanh)]\n", 10)) + "[Conv1D(1, 1, padding: Padding.Causal)]";
        var kernels = ModelWideKernelsTests.Generate(layers)["Demo_M.Kernels.g.cs"];
        Assert.Contains("public static void Layers0To8Forward(", kernels);
        Assert.Contains("public static void Layers9To10Forward(ArrayView<float> parameters, ArrayView<int> rows, ArrayView<float> layer8Output, ArrayView<float> layer9Output, ArrayView<float> batchPredictions, int batch, int modelSteps)", kernels);
        string second = ModelWideKernelsTests.KernelText(kernels, "Layers9To10Forward", "Layers9To10Backward");
        Assert.Contains("long x = (long)b * steps;", second); // a workspace, not the data set
    }
}
