namespace SeqDsl.Generator.Tests;

/// <summary>
/// The training-pass kernel (Emit.Kernels.TrainingPassKernel): models of narrow plain recurrent layers under a Dense head
/// get <c>Model.TrainingPass.g.cs</c>, whose per-sample methods run each layer kernel's grid-stride loop for one sample,
/// and a program that launches it on PoCL's thread schedule. Other models keep their launches. The kernel tests check
/// that training with it gives the bits of the separate launches (SeqDsl.Kernels.Tests.TrainingPassTests).
/// </summary>
public class TrainingPassTests
{
    [Fact]
    public void A_seq_to_seq_lstm_runs_its_whole_pass_in_one_kernel()
    {
        var sources = ModelWideKernelsTests.Generate("[Recurrent(LSTM, 20, ReturnSequences = true)]\n[Recurrent(LSTM, 20, ReturnSequences = true)]\n[TimeDistributed(Dense = 10)]");
        string pass = sources["Demo_M.TrainingPass.g.cs"];
        string program = sources["Demo_M.Program.g.cs"];

        // The only grid-stride loop is the kernel's, over sequences; the layers' loops run one sample's items.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(pass, @"Grid\.GlobalIndex\.X"));
        Assert.Contains("for (int b = Grid.GlobalIndex.X; b < batch; b += Grid.Dimension.X * Group.Dimension.X) // sequence b, through the whole pass", pass);
        Assert.Contains("int b = sample;", pass); // the LSTMs' forward and backward, the loss
        Assert.Contains("for (int r = sample * rowsPerSample; r < (sample + 1) * rowsPerSample; r++) // the sample's rowsPerSample items", pass); // the head's rows
        Assert.Contains("for (int item = sample * MatrixRows; item < (sample + 1) * MatrixRows; item++) // the sample's MatrixRows items", pass); // its partials
        // Forward, loss, then backward, last layer first.
        string[] order = { "Layer0ForwardOfSample(b,", "Layer1ForwardOfSample(b,", "Layer2ForwardOfSample(b,", "ComputeLossOfSample(b,", "Layer2BackwardOfSample(b,", "Layer2WeightGradientPartialsOfSample(b,", "Layer1BackwardWithPartialsOfSample(b,", "Layer0BackwardWithPartialsOfSample(b," };
        var at = order.Select(call => pass.IndexOf(call, StringComparison.Ordinal)).ToList();
        Assert.All(at, i => Assert.True(i > 0));
        Assert.Equal(at.OrderBy(i => i), at);
        Assert.Contains("public static void TrainingPass(Views views, int batch, int steps, int outputsPerSample)", pass);

        // Loaded by PoCL's thread schedule only; the pass launches the copies, the kernel and the sums, else falls back.
        Assert.Contains("trainingPass = sequenceBlocks && device.Kind == global::SeqDsl.DeviceKind.OpenCLCpu ? Compiled(accelerator.LoadStreamKernel<TrainingPassKernels.Views, int, int, int>(TrainingPassKernels.TrainingPass)) : null;", program);
        Assert.Contains("base.TrainingPass(batch); // Forward, ComputeLoss and Backward", program);
        Assert.Contains("trainingPass(device.GroupsFor(n, threadsPerGroup: 1), views, n, steps, OutputsPerSample(steps));", program);
        Assert.DoesNotContain("TrainingPass", sources["Demo_M.HostKernels.g.cs"]);
    }

    [Theory]
    [InlineData("[Recurrent(GRU, 48, ReturnSequences = true)]\n[TimeDistributed(Dense = 1)]")] // wide: block kernels
    [InlineData("[Recurrent(LSTM, 8, Dropout = 0.2)]\n[Dense(1)]")] // dropout: no joined backward
    [InlineData("[Bidirectional(GRU, 8)]\n[Dense(1)]")]
    [InlineData("[Recurrent(GRU, 6)]\n[Dense(4, Activation = Activation.ReLU)]\n[Dense(1)]")] // a Dense before the head
    [InlineData("[Conv1D(4, 2, padding: Padding.Causal)]\n[Recurrent(GRU, 4)]\n[Dense(1)]")]
    [InlineData("[Recurrent(LSTM, 8, ReturnSequences = true, Peepholes = true)]\n[TimeDistributed(Dense = 1)]")] // partials summed by the layer
    [InlineData("[Recurrent(GRU, 8, ResetAfter = false)]\n[Dense(1)]")]
    [InlineData("[Recurrent(SimpleRNN, 8, GoBackwards = true)]\n[Dense(1)]")]
    [InlineData("[Recurrent(LSTM, 8, LayerNorm = true)]\n[Dense(1)]")]
    public void Other_models_keep_their_launches(string attributes)
    {
        var sources = ModelWideKernelsTests.Generate(attributes);
        Assert.Contains("Demo_M.Program.g.cs", sources.Keys);
        Assert.DoesNotContain("Demo_M.TrainingPass.g.cs", sources.Keys);
        Assert.DoesNotContain("trainingPass", sources["Demo_M.Program.g.cs"]);
        Assert.DoesNotContain("trainingPassLaunchesSaved", sources["Demo_M.KernelReport.g.cs"]);
    }
}
