namespace SeqDsl.Generator.Tests;

/// <summary>
/// Conv1D's GPU variants run a thread per value they compute: each output value in the forward, each input-gradient value
/// and each partial weight gradient in the backward, where the CPU forms run a thread per step or per block of kernel
/// rows. The group schedule loads them and launches a grid of that many threads; the thread schedule and host code keep
/// the CPU forms. The kernel tests check that both give the same bits (ConvPerValueScheduleTests, ConvStackTests).
/// </summary>
public class ConvPerValueTests
{
    private static string KernelText(string kernels, string name, string next) => ModelWideKernelsTests.KernelText(kernels, name, next);

    [Fact]
    public void The_forward_runs_a_thread_per_output_value_on_gpus()
    {
        var sources = ModelWideKernelsTests.Generate("[Conv1D(8, 3, 2, Padding.Causal, Activation = Activation.Tanh)]\n[Conv1D(4, 1)]", "[SequenceModel(InputFeatures = 5)]");
        var kernels = sources["Demo_M.Kernels.g.cs"];
        var program = sources["Demo_M.Program.g.cs"];

        string gpu = KernelText(kernels, "Layer0ForwardPerValue", "Layer0WeightGradientPartials");
        Assert.Contains("for (long item = Grid.GlobalIndex.X; item < (long)batch * outSteps * Filters; item += Grid.Dimension.X * Group.Dimension.X)", gpu);
        Assert.Contains("float z = parameters[Bias + u];", gpu);
        // The taps, then the input features, as the CPU form adds them: a filter's column of each kernel row.
        Assert.Contains("int row = Kernel + k * Features * Filters + u; // tap k's weight from input feature 0 to filter u", gpu);
        Assert.Contains("for (int c = 0; c < Features; c++) z = global::SeqDsl.Kernels.KernelMath.MultiplyAdd(input[at + c], parameters[row + c * Filters], z);", gpu);
        Assert.Contains("output[item] = global::SeqDsl.Kernels.Activations.Tanh(z);", gpu);
        Assert.DoesNotContain("LocalMemory", gpu);

        // The CPU form keeps a thread per output step, every filter in a local array.
        Assert.Contains("var z = LocalMemory.Allocate<float>(Filters);", KernelText(kernels, "Layer0Forward", "Layer0ForwardPerValue"));

        // Loaded under the group schedule only (host code translates the CPU form; the CPU thread schedule runs the layers'
        // Conv1D stack), and launched with a thread per value.
        Assert.Contains("layer0Forward = sequenceBlocks ? null : hostCode ? HostKernels.LaunchLayer0Forward : groupPerSequence ? Compiled(accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int, int>(Kernels.Layer0ForwardPerValue)) : ", program);
        Assert.Contains("layer0Forward!(groupPerSequence ? device.GridFor((long)n * steps * 8) : device.GridFor(n * steps), ", program);
        Assert.DoesNotContain("ForwardPerValue", sources["Demo_M.HostKernels.g.cs"]);
    }

    [Fact]
    public void The_backward_runs_a_thread_per_input_gradient_value_then_per_partial_on_gpus()
    {
        var sources = ModelWideKernelsTests.Generate("[Conv1D(8, 3, 2, Padding.Causal, Activation = Activation.ReLU)]\n[Conv1D(6, 2, Activation = Activation.Tanh)]\n[Conv1D(4, 1)]", "[SequenceModel(InputFeatures = 5)]");
        var kernels = sources["Demo_M.Kernels.g.cs"];
        var program = sources["Demo_M.Program.g.cs"];
        string gpu = KernelText(kernels, "Layer1BackwardPerValue", "Layer2Forward");

        // The input gradient: a thread per (sample, input step, feature), the taps then the filters in the CPU form's order,
        // the layer before's ReLU' folded in, and this layer's tanh' already in its output gradient (ActivationFoldingTests).
        int inputGradient = gpu.IndexOf("for (long item = Grid.GlobalIndex.X; item < (long)batch * steps * Features; item += Grid.Dimension.X * Group.Dimension.X)", StringComparison.Ordinal);
        int partials = gpu.IndexOf("for (long item = Grid.GlobalIndex.X; item < (long)batch * MatrixRows * Filters; item += Grid.Dimension.X * Group.Dimension.X)", StringComparison.Ordinal);
        Assert.True(inputGradient > 0 && partials > inputGradient, "the input-gradient loop, then the partials loop");
        Assert.Contains("float d = outputGradient[y + u]; // pre-activation gradient", gpu);
        Assert.Contains("dx = global::SeqDsl.Kernels.KernelMath.MultiplyAdd(transposed[(k * Filters + u) * PaddedFeatures + c], d, dx);", gpu);
        Assert.Contains("dx = dx * (input[item] > 0f ? 1f : 0f);", gpu);
        Assert.Contains("inputGradient[item] = dx;", gpu);

        // The partials: a thread per (sample, row of [kernel; bias], filter), stored where the CPU form stores it.
        Assert.Contains("if (row < KernelRows)", gpu);
        Assert.Contains("sum = global::SeqDsl.Kernels.KernelMath.MultiplyAdd(input[(x + t) * Features + c], delta, sum);", gpu);
        Assert.Contains("sum += delta;", gpu);
        Assert.Contains("partials[item] = sum;", gpu);
        Assert.DoesNotContain("LocalMemory", gpu);

        // The grid covers the longer loop: 8 input features a step against 17 rows of 6 filters.
        Assert.Contains("layer1Backward!(groupPerSequence ? device.GridFor((long)n * Math.Max(steps * 8, 102)) : device.GridFor(n * Math.Min(steps, 5)), ", program);
        Assert.Contains("(Kernels.Layer1BackwardPerValue)) : Compiled(", program);
    }

    [Fact]
    public void The_first_layers_partials_and_a_fused_loss_run_a_thread_per_partial_on_gpus()
    {
        var sources = ModelWideKernelsTests.Generate("[Conv1D(8, 3, 2, Padding.Causal, Activation = Activation.ReLU)]\n[Conv1D(4, 1, UseBias = false)]", "[SequenceModel(InputFeatures = 5)]");
        var kernels = sources["Demo_M.Kernels.g.cs"];
        var program = sources["Demo_M.Program.g.cs"];

        // The first layer: no input gradient, and its tap comes from the row (no KernelSize constant, which it would not read).
        string first = KernelText(kernels, "Layer0WeightGradientPartialsPerValue", "Layer1Forward");
        Assert.Contains("for (long item = Grid.GlobalIndex.X; item < (long)batch * MatrixRows * Filters;", first);
        Assert.DoesNotContain("KernelSize", first);
        Assert.Contains("long x = (long)rows[b] * steps;", first); // the first layer reads the data set through the rows
        Assert.Contains("layer0WeightGradientPartials!(groupPerSequence ? device.GridFor((long)n * 128) : device.GridFor(n * 7), ", program);

        // The last layer computes the Mse gradient from its output and the targets; without a bias, every row is a kernel row.
        string last = KernelText(kernels, "Layer1BackwardPerValue", "TransposeWeights");
        Assert.Contains("float error = output[y + u] - targets[((long)rows[b] * outSteps + o) * Filters + u]; // prediction − target", last);
        Assert.Contains("float error = output[y] - targets[((long)rows[b] * outSteps + o) * Filters + u]; // prediction − target", last);
        Assert.Contains("// every row is a kernel row (no bias row)", last);
        Assert.DoesNotContain("sum += delta;", last);
    }
}
