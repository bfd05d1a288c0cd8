namespace SeqDsl.Generator.Tests;

/// <summary>
/// Which recurrent layers get the group-per-sequence (GPU) kernels and where their recurrent kernel lives: decided by
/// the generator from the layer's sizes and options, so it shows in the generated text.
/// </summary>
public class GroupScheduleTests
{
    [Fact]
    public void A_small_recurrent_kernel_is_copied_to_shared_memory_and_the_program_picks_the_schedule_per_device()
    {
        var (kernels, program) = Generate("[Recurrent(LSTM, 20)]");
        Assert.Contains("public static void Layer0GroupForward(", kernels);
        Assert.Contains("public static void Layer0GroupBackward(", kernels);
        Assert.Contains("var recurrent = SharedMemory.Allocate<float>(RecurrentCount);", kernels);
        Assert.Contains("groupPerSequence = device.Schedule == global::SeqDsl.KernelSchedule.GroupPerSequence;", program);
        Assert.Contains("hostCode = device.Schedule == global::SeqDsl.KernelSchedule.HostCode;", program);
        Assert.Contains("layer0Forward = hostCode ? HostKernels.LaunchLayer0Forward : groupPerSequence ? accelerator.LoadStreamKernel<", program);
        Assert.Contains("layer0Forward(groupPerSequence ? device.GroupsFor(n, threadsPerGroup: 96) : device.GridFor(n), ", program);
    }

    [Fact]
    public void A_recurrent_kernel_beyond_48_KB_is_read_from_global_memory()
    {
        // GRU(64): 64 × 192 floats = 48 KB, which leaves no room for the state arrays.
        var (kernels, _) = Generate("[Recurrent(GRU, 64)]");
        Assert.Contains("public static void Layer0GroupForward(", kernels);
        Assert.DoesNotContain("SharedMemory.Allocate<float>(RecurrentCount)", kernels);
        Assert.Contains("recurrentSum += h[k] * parameters[RecurrentKernel + k * GateWidth + g];", kernels);
    }

    [Fact]
    public void A_layer_whose_state_does_not_fit_in_shared_memory_runs_the_thread_schedule_everywhere()
    {
        // LSTM(1600): the per-step arrays alone (2 × 1600 + 2 × 6400 floats) exceed 48 KB.
        var (kernels, program) = Generate("[Recurrent(LSTM, 1600)]");
        Assert.Contains("public static void Layer0Forward(", kernels);
        Assert.DoesNotContain("GroupForward", kernels);
        Assert.DoesNotContain("GroupForward", program);
        Assert.Contains("layer0Forward(device.GridFor(n), ", program);
        Assert.Contains("layer0Backward(device.GridFor(n), ", program);

        // The weight-gradient partials still have their GPU variant: it needs no shared memory.
        Assert.Contains("groupPerSequence ? accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(Kernels.Layer0ColumnWeightGradientPartials)", program);
    }

    [Fact]
    public void Weight_gradient_partials_run_one_thread_per_column_on_GPUs_and_per_row_elsewhere()
    {
        // LSTM(4) after 2 features: rows = 2 kernel rows + 4 recurrent rows + 1 bias row, 16 gate columns.
        var (kernels, program) = Generate("[Recurrent(LSTM, 4)]");
        Assert.Contains("public static void Layer0WeightGradientPartials(", kernels);
        Assert.Contains("public static void Layer0ColumnWeightGradientPartials(", kernels);
        Assert.Contains("item < (long)batch * Rows * GateWidth;", kernels); // long: the product can outgrow an int
        Assert.Contains("partials[item] = sum;", kernels);
        Assert.Contains("layer0WeightGradientPartials(groupPerSequence ? device.GridFor((long)n * 112) : device.GridFor(n * 7), ", program);
    }

    private static (string Kernels, string Program) Generate(string layer)
    {
        var sources = GeneratorHarness.GenerateLayerThenDense(layer);
        return (sources["Demo_M.Kernels.g.cs"], sources["Demo_M.Program.g.cs"]);
    }
}
