namespace SeqDsl.Generator.Tests;

/// <summary>
/// On the CPU thread schedule a narrow plain recurrent layer runs its backward and its weight-gradient partials as one
/// kernel (RecurrentEmitter.BackwardWithPartials.cs): each thread's BPTT, then that sequence's partials. The kernel tests
/// check its bits against the GPU schedule's kernels; these check which layers get it and what the program launches.
/// </summary>
public class BackwardWithPartialsTests
{
    private const string TwoLstms = "[Recurrent(LSTM, 20, ReturnSequences = true)]\n[Recurrent(LSTM, 20, ReturnSequences = true)]\n[TimeDistributed(Dense = 10)]";

    private static (string Kernels, string Program) Generate(string layers)
    {
        var sources = ModelWideKernelsTests.Generate(layers);
        return (sources["Demo_M.Kernels.g.cs"], sources["Demo_M.Program.g.cs"]);
    }

    private static int Count(string text, string part) => text.Split(part).Length - 1;

    [Fact]
    public void Each_thread_sums_its_sequences_partials_after_its_backward()
    {
        var (kernels, _) = Generate(TwoLstms);
        string joined = ModelWideKernelsTests.KernelText(kernels, "Layer1BackwardWithPartials", "Layer1WeightGradientPartials");

        Assert.Contains("public static void Layer1BackwardWithPartials(ArrayView<float> parameters, ArrayView<float> states, ArrayView<float> cache, ArrayView<float> outputGradient, ArrayView<float> inputGradient, ArrayView<float> gateGradient, ArrayView<float> transposed, ArrayView<float> input, ArrayView<int> rows, ArrayView<float> partials, int batch, int steps)", joined);
        // The constants both kernels declare are declared once, with the backward's comments; the partials' own follow.
        Assert.Equal(1, Count(joined, "const int GateWidth = 80;"));
        Assert.Equal(1, Count(joined, "const int Features = 20;"));
        Assert.Contains("const int Blocks = 41;", joined);

        // The partials loop runs after the sequence's last backward step, inside the loop over sequences.
        int steps = joined.IndexOf("for (int t = steps - 1; t >= 0; t--)", StringComparison.Ordinal);
        int blocks = joined.IndexOf("for (int block = 0; block < Blocks; block++)", StringComparison.Ordinal);
        Assert.True(steps > 0 && blocks > steps);
        Assert.Contains("long partial = ((long)b * Rows + row0 + i) * GateWidth;", joined.Substring(blocks));

        // The first layer reads its input through the batch's rows, as its partials kernel does.
        string first = ModelWideKernelsTests.KernelText(kernels, "Layer0BackwardWithPartials", "Layer0WeightGradientPartials");
        Assert.Contains("long inputRow = (long)rows[b] * steps;", first);
        Assert.Contains("const int Features = 1; // input features per step: rows of the kernel", first);
    }

    [Fact]
    public void The_program_launches_the_joined_kernel_where_it_is_loaded_and_both_kernels_elsewhere()
    {
        var (_, program) = Generate(TwoLstms);

        Assert.Contains("layer1BackwardWithPartials = sequenceBlocks ? Compiled(accelerator.LoadStreamKernel<", program);
        Assert.Contains("layer1Backward = sequenceBlocks ? null : hostCode ? HostKernels.LaunchLayer1Backward : ", program);
        Assert.Contains("layer1WeightGradientPartials = sequenceBlocks ? null : hostCode ? ", program);
        Assert.Contains("if (layer1BackwardWithPartials is not null) layer1BackwardWithPartials(device.GroupsFor(n, threadsPerGroup: 1), batch.Parameters, layer1Output!.View, layer1Cache!.View, layer1OutputGradient!.View, layer0OutputGradient!.View, layer1GateGradient!.View, layer1Transposed!.View, layer0Output!.View, batch.Rows, layer1WeightPartials!.View, n, steps);", program);
        int fallback = program.IndexOf("if (layer1BackwardWithPartials is not null)", StringComparison.Ordinal);
        string otherwise = program.Substring(fallback, program.IndexOf("// lstm:", fallback, StringComparison.Ordinal) - fallback);
        Assert.Contains("layer1Backward!(groupPerSequence ? device.GroupsFor(n, threadsPerGroup: 32) : device.SequencesFor(n), ", otherwise);
        Assert.Contains("if (groupPerSequence) layer1InputGradient!(", otherwise);
        Assert.Contains("layer1WeightGradientPartials!(groupPerSequence ? ", otherwise);
    }

    [Fact]
    public void A_last_layer_with_the_loss_gradient_fused_in_joins_its_backward_with_the_targets()
    {
        var (kernels, program) = Generate("[Recurrent(SimpleRNN, 6, ReturnSequences = true)]\n[Recurrent(GRU, 3, ReturnSequences = true)]");
        Assert.Contains("public static void Layer1BackwardWithPartials(ArrayView<float> parameters, ArrayView<float> states, ArrayView<float> cache, ArrayView<float> targets, ArrayView<int> rows, ArrayView<float> inputGradient, ArrayView<float> gateGradient, ArrayView<float> transposed, ArrayView<float> input, ArrayView<float> partials, int batch, int steps)", kernels);
        string launch = program.Split('\n').Single(l => l.Contains("if (layer1BackwardWithPartials is not null)", StringComparison.Ordinal));
        Assert.Contains("layer1BackwardWithPartials(device.GroupsFor(n, threadsPerGroup: 1), batch.Parameters, ", launch);
        Assert.Contains(", layer1Cache!.View, batch.Targets, batch.Rows, layer0OutputGradient!.View, ", launch);
    }

    [Theory]
    [InlineData("[Recurrent(GRU, 48, ReturnSequences = true)]\n[TimeDistributed(Dense = 1)]")] // 144 columns: block kernels
    [InlineData("[Recurrent(LSTM, 8, Dropout = 0.2, ReturnSequences = true)]\n[TimeDistributed(Dense = 1)]")] // not plain
    [InlineData("[Recurrent(GRU, 8, ResetAfter = false, ReturnSequences = true)]\n[TimeDistributed(Dense = 1)]")] // not plain
    [InlineData("[Recurrent(LSTM, 8, GoBackwards = true, ReturnSequences = true)]\n[TimeDistributed(Dense = 1)]")] // not plain
    public void Other_layers_keep_two_launches(string layers)
    {
        var (kernels, program) = Generate(layers);
        Assert.DoesNotContain("BackwardWithPartials", kernels);
        Assert.DoesNotContain("BackwardWithPartials", program);
        Assert.Contains("layer0WeightGradientPartials(groupPerSequence ? ", program);
    }
}
