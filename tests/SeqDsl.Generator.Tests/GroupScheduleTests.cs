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
        Assert.Contains("layer0Forward = hostCode ? HostKernels.LaunchLayer0Forward : groupPerSequence ? Compiled(accelerator.LoadStreamKernel<", program);
        Assert.Contains("layer0Forward(groupPerSequence ? device.GroupsFor(n, threadsPerGroup: 96) : device.SequencesFor(n), ", program);
    }

    [Fact]
    public void A_recurrent_kernel_beyond_48_KB_is_read_from_global_memory()
    {
        // GRU(64): 64 × 192 floats = 48 KB, which leaves no room for the state arrays.
        var (kernels, _) = Generate("[Recurrent(GRU, 64)]");
        Assert.Contains("public static void Layer0GroupForward(", kernels);
        Assert.DoesNotContain("SharedMemory.Allocate<float>(RecurrentCount)", kernels);
        Assert.Contains("right0 = parameters[RecurrentKernel + k * GateWidth + g];", kernels); // forward: threads over g, coalesced

        // Backward: threads over the units read the transposed copy, neighbouring floats (coalesced).
        Assert.Contains("float left0 = transposed[g * TransposedRow + PaddedFeatures + k], right0 = dzh[g];", kernels);
    }

    [Fact]
    public void Dot_products_of_the_group_kernels_load_eight_terms_before_adding_them_then_the_rest_one_by_one()
    {
        // LSTM(20): 20 units = two blocks of 8 terms and 4 left over; 80 gate columns = ten blocks.
        var (kernels, _) = Generate("[Recurrent(LSTM, 20)]");
        Assert.Contains("for (; k + 8 <= Units; k += 8) // 8 terms' loads in flight at once", kernels);
        Assert.Contains("float left7 = h[k + 7], right7 = recurrent[(k + 7) * GateWidth + g];", kernels);
        Assert.Contains("for (; k < Units; k++) sum += h[k] * recurrent[k * GateWidth + g];", kernels);
        Assert.Contains("for (; g + 8 <= GateWidth; g += 8) // 8 terms' loads in flight at once", kernels);
        Assert.DoesNotContain("for (; g < GateWidth; g++)", kernels); // 80 = 10 × 8: no remainder loop
    }

    [Fact]
    public void The_GPU_schedule_computes_the_input_side_before_the_recurrence_and_the_input_gradient_after_it()
    {
        var sources = GeneratorHarness.Run(GeneratorHarness.Usings + "namespace Demo;\n[SequenceModel(InputFeatures = 2)]\n[Recurrent(LSTM, 20, ReturnSequences = true)]\n[Recurrent(GRU, 8)]\n[Dense(1)]\npublic partial class M { }\n").Sources;
        string kernels = sources["Demo_M.Kernels.g.cs"];
        string program = sources["Demo_M.Program.g.cs"];
        string host = sources["Demo_M.HostKernels.g.cs"];

        // Projections of both layers, the input gradient only after the first layer (the first passes no gradient on).
        Assert.Contains("public static void Layer0InputProjection(", kernels);
        Assert.Contains("public static void Layer1InputProjection(", kernels);
        Assert.Contains("public static void Layer1InputGradient(", kernels);
        Assert.DoesNotContain("Layer0InputGradient", kernels);

        // The group forward starts from the projection in the cache and adds only the recurrent product.
        Assert.Contains("float sum = cache[s * ProjectionStride + g]; // bias + input · kernel, from Layer0InputProjection", kernels);
        Assert.Contains("float recurrentSum = parameters[Bias + GateWidth + g];", kernels); // GRU: the recurrent bias stays

        // Loaded and launched in the GPU schedule only; CPU schedules and host code never see them.
        Assert.Contains("layer0InputProjection = groupPerSequence ? Compiled(accelerator.LoadStreamKernel<", program);
        Assert.Contains("layer1InputGradient = groupPerSequence ? Compiled(accelerator.LoadStreamKernel<", program);
        Assert.Contains("if (groupPerSequence) layer0InputProjection!(device.GridFor((long)n * steps * 80), batch.Parameters, batch.Inputs, batch.Rows, layer0Cache!.View, n, steps);", program);
        Assert.Contains("if (groupPerSequence) layer1InputGradient!(device.GridFor((long)n * steps * 20), ", program);
        Assert.DoesNotContain("InputProjection", host);
        Assert.DoesNotContain("InputGradient", host);

        // The projection is launched before its layer's forward, the input gradient after its layer's backward.
        Assert.True(program.IndexOf("layer1InputProjection!(", System.StringComparison.Ordinal) < program.IndexOf("layer1Forward(", program.IndexOf("public override void Forward", System.StringComparison.Ordinal), System.StringComparison.Ordinal));
        // (Layer 1 is narrow and plain: its separate launches are the joined backward's fallback, with nullable launchers.)
        int backward = program.IndexOf("layer1Backward!(", System.StringComparison.Ordinal);
        Assert.True(backward > 0);
        Assert.True(program.IndexOf("layer1InputGradient!(", System.StringComparison.Ordinal) > backward);
    }

    [Fact]
    public void A_layer_whose_state_does_not_fit_in_shared_memory_runs_the_thread_schedule_everywhere()
    {
        // LSTM(1600): the per-step arrays alone (2 × 1600 + 2 × 6400 floats) exceed 48 KB.
        var (kernels, program) = Generate("[Recurrent(LSTM, 1600)]");
        Assert.Contains("public static void Layer0Forward(", kernels);
        Assert.DoesNotContain("GroupForward", kernels);
        Assert.DoesNotContain("GroupForward", program);
        Assert.Contains("layer0Forward(device.SequencesFor(n), ", program);
        Assert.Contains("layer0Backward(device.SequencesFor(n), ", program);
        Assert.DoesNotContain("InputProjection", kernels + program); // the input products stay in the thread schedule's loop

        // The weight-gradient partials still have their GPU variant: it needs no shared memory.
        Assert.Contains("groupPerSequence ? Compiled(accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(Kernels.Layer0ColumnWeightGradientPartials)", program);
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
        Assert.Contains("layer0WeightGradientPartials!(groupPerSequence ? device.GridFor((long)n * 112) : device.GridFor(n * 7), ", program); // where the joined backward is not loaded
    }

    [Fact]
    public void On_CPUs_a_partial_sum_thread_takes_four_rows_of_more_than_128_columns_and_one_row_of_fewer()
    {
        // GRU(64) after 2 features: 192 gate columns; blocks = 1 kernel block (2 rows) + 16 recurrent blocks + 2 bias rows.
        var (wide, wideProgram) = Generate("[Recurrent(GRU, 64)]");
        string partials = wide.Substring(wide.IndexOf("public static void Layer0WeightGradientPartials(", StringComparison.Ordinal));
        Assert.Contains("const int RowsPerThread = 4;", partials);
        Assert.Contains("const int Blocks = 19;", partials);
        Assert.Contains("float m1 = count > 1 ? input[x + 1] : 0f;", partials);
        Assert.Contains("float m3 = count > 3 ? states[(s - 1) * Units + k0 + 3] : 0f;", partials);
        Assert.Contains("float gradientOfColumn = gateGradient[gradient + g];", partials);
        Assert.Contains(FusedProductsTests.Fma("sum[3 * GateWidth + g]", "m3", "gradientOfColumn"), partials);
        Assert.Contains("for (int i = 0; i < count; i++)", partials);
        // ILGPU devices launch the tiled form's threads: 1 kernel block, 4 row-vector blocks of 16 units (see
        // VectorRowPartialsTests) and 2 bias rows; host code's grid keeps the untiled form's 19 (it sets its workers).
        Assert.Contains(": device.GridFor(n * (hostCode ? 19 : 7)), ", wideProgram);

        // LSTM(20) after 2 features: 80 columns, whose sums stay in registers: one row per thread.
        var (narrow, narrowProgram) = Generate("[Recurrent(LSTM, 20)]");
        Assert.Contains("const int RowsPerThread = 1;", narrow);
        Assert.Contains("for (int g = 0; g < GateWidth; g++) " + FusedProductsTests.Fma("sum[g]", "m0", "gateGradient[gradient + g]"), narrow);
        Assert.Contains(": device.GridFor(n * 23), ", narrowProgram);
    }

    [Fact]
    public void Weight_gradients_add_the_partials_sixteen_weights_per_thread_on_CPUs_and_one_per_thread_on_GPUs()
    {
        // LSTM(4) after 2 features: 7 rows × 16 columns = 112 weights = 7 chunks of 16, summed by the model's launch.
        var (kernels, program) = Generate("[Recurrent(LSTM, 4)]");
        string cpu = kernels.Substring(kernels.IndexOf("public static void WeightGradients(", StringComparison.Ordinal));
        Assert.Contains("const int Chunks = 7;", cpu);
        Assert.Contains("for (int j = 0; j < Chunk; j++) sums[j] += layer0WeightPartials[row + j];", cpu);
        Assert.Contains("public static void WeightGradientsPerWeight(ArrayView<float> layer0WeightPartials, ", kernels);
        Assert.Contains("weightGradients(groupPerSequence ? device.GridFor(112) : device.GridFor(7), layer0WeightPartials!.View, batch.Gradients, n);", program);
        Assert.Contains("Kernels.WeightGradientsPerWeight)) : ", program);
        Assert.DoesNotContain("Layer0WeightGradients(", kernels);
        Assert.DoesNotContain("layer0WeightGradients", program);

        // Peepholes: 3 × 4 more weights, summed over the steps, so the layer keeps a reduction of its own: one thread
        // each after the chunks, on the same grid.
        var (peepholes, peepholeProgram) = Generate("[Recurrent(LSTM, 4, Peepholes = true)]");
        Assert.Contains("for (int p = MatrixCount + Grid.GlobalIndex.X; p < 124; p += Grid.Dimension.X * Group.Dimension.X)", peepholes);
        Assert.Contains("layer0WeightGradients(groupPerSequence ? device.GridFor(124) : device.GridFor(12), ", peepholeProgram);
    }

    private static (string Kernels, string Program) Generate(string layer)
    {
        var sources = GeneratorHarness.GenerateLayerThenDense(layer);
        return (sources["Demo_M.Kernels.g.cs"], sources["Demo_M.Program.g.cs"]);
    }
}
