using System.Reflection;
using SeqDsl.Data;
using SeqDsl.Engine;
using Xunit.Abstractions;
using static SeqDsl.Kernels.Tests.CellTestSupport;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// RepeatVector(n) with n ≠ the input's steps (seed 002's encoder → RepeatVector → decoder → TimeDistributed(Dense)):
/// the layers after it run over n steps, forward and backward. Forward outputs, every parameter tensor's gradient and
/// the gradient of every non-first layer's input against the double-precision reference (‖g − g_ref‖ / ‖g_ref‖ ≤ 1e-3
/// of central finite differences); encoders that read any length; target shapes; PoCL against the CPU accelerator; and
/// a 50-in, 10-out training run that beats the naive forecast.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class RepeatVectorTests
{
    /// <summary>RepeatFewerStepsModel: 5 input steps, RepeatVector(3), 2 output features.</summary>
    private const int FewerInputSteps = 5, FewerOutputSteps = 3, FewerFeatures = 2;

    /// <summary>RepeatMoreStepsModel: RepeatVector(6), 1 output feature; inputs of any length.</summary>
    private const int MoreOutputSteps = 6;

    /// <summary>RepeatThenWindowModel: RepeatVector(7), then Conv1D(kernel 3, stride 2, valid): 3 output steps.</summary>
    private const int WindowRepeats = 7, WindowOutputSteps = 3;

    private readonly SeqDevice device;
    private readonly ITestOutputHelper output;

    public RepeatVectorTests(CpuDeviceFixture fixture, ITestOutputHelper output)
    {
        device = fixture.Device;
        this.output = output;
    }

    public static TheoryData<string> Cases => new() { "FewerSteps", "MoreSteps", "ThenWindow" };

    /// <summary>Layers 1 (RepeatVector: the encoder's vector), 2 (the decoder: n repeated steps) and 3 (TimeDistributed: the decoder's sequence).</summary>
    public static TheoryData<string, int> InputGradientCases => new()
    {
        { "FewerSteps", 1 }, { "FewerSteps", 2 }, { "FewerSteps", 3 },
        { "MoreSteps", 1 }, { "MoreSteps", 2 }, { "MoreSteps", 3 },
        { "ThenWindow", 1 }, { "ThenWindow", 2 }, { "ThenWindow", 3 }, { "ThenWindow", 4 },
    };

    private (ModelBase Model, ReferenceNetwork Reference, float[,,] X, float[,,] Y) Build(string name, SeqDevice? on = null)
    {
        var random = new Random(23);
        var target = on ?? device;
        if (name == "FewerSteps")
        {
            var m = new RepeatFewerStepsModel(target, seed: 31);
            var r = new ReferenceNetwork(m.Description).Lstm("lstm", 2, 3, false).RepeatVector(FewerOutputSteps).Lstm("lstm_1", 3, 4, true).Dense("time_distributed", 4, FewerFeatures);
            return (m, r, Inputs(random, 3, FewerInputSteps, 2), Inputs(random, 3, FewerOutputSteps, FewerFeatures));
        }

        if (name == "ThenWindow")
        {
            var m = new RepeatThenWindowModel(target, seed: 35);
            var r = new ReferenceNetwork(m.Description).SimpleRnn("simple_rnn", 2, 3, false).RepeatVector(WindowRepeats).Gru("gru", 3, 4, true)
                .Conv1D("conv1d", 4, 2, 3, strides: 2, activation: Activation.Tanh).Dense("time_distributed", 2, 1);
            return (m, r, Inputs(random, 3, 5, 2), Inputs(random, 3, WindowOutputSteps, 1));
        }

        var g = new RepeatMoreStepsModel(target, seed: 32);
        var reference = new ReferenceNetwork(g.Description).Gru("gru", 2, 3, false).RepeatVector(MoreOutputSteps).Gru("gru_1", 3, 4, true).Dense("time_distributed", 4, 1);
        return (g, reference, Inputs(random, 3, 4, 2), Inputs(random, 3, MoreOutputSteps, 1));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_reference(string name)
    {
        var (model, reference, x, y) = Build(name);
        using (model)
        {
            var predicted = LayerChecks.Predict(model, x);
            Assert.Equal(new[] { y.GetLength(0), y.GetLength(1), y.GetLength(2) }, new[] { predicted.GetLength(0), predicted.GetLength(1), predicted.GetLength(2) });
            AssertForward(name, model, reference, x, predicted.Cast<float>().ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parameter_gradients_match_finite_differences(string name)
    {
        var (model, reference, x, y) = Build(name);
        using (model)
        {
            AssertLossAndParameterGradients(name, model, reference, x, y);
        }
    }

    [Theory]
    [MemberData(nameof(InputGradientCases))]
    public void Input_gradient_matches_finite_differences(string name, int layer)
    {
        var (model, reference, x, y) = Build(name);
        using (model)
        {
            model.ComputeGradients(TensorData.From(x), TensorData.From(y, "y"));
            AssertInputGradient(name, model, reference, layer, x, y.Cast<float>().ToArray());
        }
    }

    [Fact]
    public void The_decoder_runs_n_steps_whatever_the_encoder_reads()
    {
        var (model, reference, _, _) = Build("MoreSteps");
        using (model)
        {
            // Shorter than n, much longer than n (the workspace grows), then short again (it is reused).
            foreach (int steps in new[] { 2, 9, 1, 6 })
            {
                var x = Inputs(new Random(steps), 4, steps, 2);
                Assert.Equal(MoreOutputSteps, model.OutputSteps(steps));
                var predicted = LayerChecks.Predict(model, x);
                Assert.Equal(new[] { 4, MoreOutputSteps, 1 }, new[] { predicted.GetLength(0), predicted.GetLength(1), predicted.GetLength(2) });
                AssertForward($"MoreSteps on {steps}-step inputs", model, reference, x, predicted.Cast<float>().ToArray());
            }
        }
    }

    [Fact]
    public void A_window_after_RepeatVector_shortens_the_repeated_steps_only()
    {
        var (model, reference, _, _) = Build("ThenWindow");
        using (model)
        {
            foreach (int steps in new[] { 1, 12 })
            {
                var x = Inputs(new Random(steps), 2, steps, 2);
                Assert.Equal(WindowOutputSteps, model.OutputSteps(steps));
                AssertForward($"ThenWindow on {steps}-step inputs", model, reference, x, Predict(model, x));
            }

            // Targets of the output's 3 steps are used as they are, never cropped as if aligned with input steps.
            var y = Inputs(new Random(36), 2, WindowOutputSteps, 1);
            Assert.Equal(y, model.AlignTargets(y));
            Assert.Throws<ArgumentException>("y", () => model.AlignTargets(Inputs(new Random(37), 2, 12, 1)));
        }
    }

    [Fact]
    public void Targets_need_the_repeated_steps()
    {
        using var model = new RepeatFewerStepsModel(device, seed: 33);
        Assert.Equal(FewerOutputSteps, model.OutputSteps(FewerInputSteps));
        var random = new Random(34);
        var x = Inputs(random, 4, FewerInputSteps, 2);

        // Targets with one step per input step are not the model's output: the message names [samples, n, features].
        var inputLength = Inputs(random, 4, FewerInputSteps, FewerFeatures);
        var fit = Assert.Throws<ArgumentException>("y", () => model.Fit(x, inputLength, epochs: 1, batchSize: 2));
        Assert.Contains($"expected shape [4, {FewerOutputSteps}, {FewerFeatures}]", fit.Message);
        Assert.Contains("RepeatVector", fit.Message);
        var evaluate = Assert.Throws<ArgumentException>("y", () => model.Evaluate(x, inputLength));
        Assert.Contains($"[4, {FewerOutputSteps}, {FewerFeatures}]", evaluate.Message);

        // Nothing to align: the targets are the n steps themselves, never cropped from longer ones.
        var align = Assert.Throws<ArgumentException>("y", () => model.AlignTargets(inputLength));
        Assert.Contains($"[4, {FewerOutputSteps}, {FewerFeatures}]", align.Message);
        var y = Inputs(random, 4, FewerOutputSteps, FewerFeatures);
        Assert.Equal(y, model.AlignTargets(y));

        // Validation targets are checked the same way.
        var validation = Assert.Throws<ArgumentException>(() => model.Fit(x, y, epochs: 1, batchSize: 2, validation: (x, inputLength)));
        Assert.Contains($"[4, {FewerOutputSteps}, {FewerFeatures}]", validation.Message);
    }

    [Fact]
    public void PoCL_agrees_with_the_CPU_accelerator()
    {
        var pocl = PoclDevice.OpenOrExplain();
        if (pocl is null)
        {
            return; // only with SEQDSL_REQUIRE_POCL=0 on a machine without PoCL (CI installs it)
        }

        using (pocl)
        {
            foreach (string name in new[] { "FewerSteps", "MoreSteps", "ThenWindow" })
            {
                var (onCpu, _, x, y) = Build(name);
                var (onPocl, _, _, _) = Build(name, pocl);
                using (onCpu)
                using (onPocl)
                {
                    AssertClose(name + " predictions", Predict(onCpu, x), Predict(onPocl, x));
                    var (gCpu, lossCpu) = onCpu.ComputeGradients(TensorData.From(x), TensorData.From(y, "y"));
                    var (gPocl, lossPocl) = onPocl.ComputeGradients(TensorData.From(x), TensorData.From(y, "y"));
                    Assert.True(Math.Abs(lossCpu - lossPocl) <= 1e-5 * Math.Max(1, Math.Abs(lossCpu)), $"{name}: loss {lossCpu} vs {lossPocl}");
                    AssertClose(name + " gradients", gCpu, gPocl);
                }
            }
        }
    }

    /// <summary>The GPUs' schedule (one group per sequence) against the CPU backends' (one thread per sequence), on the CPU accelerator and PoCL.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Group_schedule_matches_thread_schedule(string name)
    {
        var pocl = PoclDevice.OpenOrExplain();
        try
        {
            foreach (var backend in pocl is null ? new[] { device } : new[] { device, pocl })
            {
                using var threads = backend.WithSchedule(KernelSchedule.ThreadPerSequence);
                using var groups = backend.WithSchedule(KernelSchedule.GroupPerSequence);
                var (threaded, _, x, y) = Build(name, threads);
                var (grouped, _, _, _) = Build(name, groups);
                using (threaded)
                using (grouped)
                {
                    AssertClose($"{name} on {backend} predictions", Predict(threaded, x), Predict(grouped, x));
                    Assert.Equal((false, true), (UsesGroupKernels(threaded), UsesGroupKernels(grouped))); // not one schedule run twice
                    var (gThread, lossThread) = threaded.ComputeGradients(TensorData.From(x), TensorData.From(y, "y"));
                    var (gGroup, lossGroup) = grouped.ComputeGradients(TensorData.From(x), TensorData.From(y, "y"));
                    Assert.True(Math.Abs(lossThread - lossGroup) <= 1e-5 * Math.Max(1, Math.Abs(lossThread)), $"{name} on {backend}: loss {lossThread} vs {lossGroup}");
                    AssertClose($"{name} on {backend} gradients", gThread, gGroup);
                }
            }
        }
        finally
        {
            pocl?.Dispose();
        }
    }

    [Fact]
    public void Fifty_in_ten_out_beats_the_naive_forecast()
    {
        const int InputSteps = 50, Ahead = 10, Train = 1000, Valid = 200;
        var series = TimeSeries.Generate(Train + Valid, InputSteps + Ahead, new NumPyRandom(42));
        var split = ForecastData.Split(series, steps: InputSteps, ahead: Ahead, trainCount: Train, validCount: Valid);
        var y = AsSteps(split.YTrain);
        var yValid = AsSteps(split.YValid);

        using var model = new TenStepDecoder(device, seed: 5);
        var history = model.Fit(split.XTrain, y, epochs: 6, batchSize: 32, validation: (split.XValid, yValid));
        var predicted = model.Predict(split.XValid);
        Assert.Equal(new[] { Valid, Ahead, 1 }, new[] { predicted.GetLength(0), predicted.GetLength(1), predicted.GetLength(2) });

        double mse = Metrics.Mse(yValid, predicted);
        double naive = Metrics.Mse(split.YValid, Baselines.NaiveRepeat(split.XValid, Ahead));
        output.WriteLine($"TenStepDecoder, 6 epochs: training loss {history.Loss[0]:F5} → {history.Loss[^1]:F5}, validation MSE {mse:F5}, naive {naive:F5}");
        Assert.True(Math.Abs(model.Evaluate(split.XValid, yValid).Loss - mse) <= 1e-4 * Math.Max(1, mse), "Evaluate disagrees with Predict's MSE");
        Assert.True(history.Loss[^1] < 0.5 * history.Loss[0], $"training loss {history.Loss[0]:F4} → {history.Loss[^1]:F4}");
        // Repeating the last value misses every turn of the sines within 10 steps; the decoder follows them (about 11× better on this seed).
        Assert.True(mse < naive / 4, $"validation MSE {mse:F5} vs naive {naive:F5}");
    }

    /// <summary>The generated program's schedule flag (private): whether its recurrent layers loaded the group kernels.</summary>
    private static bool UsesGroupKernels(ModelBase model)
    {
        var program = typeof(ModelBase).GetProperty("Program", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(model)!;
        return (bool)program.GetType().GetField("groupPerSequence", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(program)!;
    }

    /// <summary>[samples, ahead] targets as the decoder's [samples, ahead, 1].</summary>
    private static float[,,] AsSteps(float[,] y)
    {
        var s = new float[y.GetLength(0), y.GetLength(1), 1];
        for (int i = 0; i < y.GetLength(0); i++) for (int j = 0; j < y.GetLength(1); j++) s[i, j, 0] = y[i, j];
        return s;
    }

    private static void AssertClose(string what, float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"{what}[{i}]: {expected[i]} vs {actual[i]}");
        }
    }
}
