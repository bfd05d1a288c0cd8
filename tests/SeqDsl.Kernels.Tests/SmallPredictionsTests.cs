using SeqDsl.Engine;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// Small predictions on PoCL run as host code on ILGPU's CPU accelerator (<see cref="ModelBase.SmallPredictionsOnHost"/>):
/// they must agree with PoCL's kernels, follow every change of the weights (Fit, SetWeights, Load), and stay on the device
/// where host code would be wrong (stateful models, Fit's callbacks) or slower (more than HostCodeWorkLimit of work).
/// This assembly keeps predictions on the device by default (<see cref="DevicePredictions"/>): each model here turns
/// host code on or off itself.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class SmallPredictionsTests : IClassFixture<PoclScheduleFixture>
{
    private const float Tolerance = 1e-4f;

    private readonly PoclScheduleFixture pocl;

    public SmallPredictionsTests(PoclScheduleFixture fixture) => pocl = fixture;

    private static float[,,] Inputs(int samples, int steps, int features, int seed)
    {
        var random = new Random(seed);
        var x = new float[samples, steps, features];
        for (int i = 0; i < samples; i++)
        {
            for (int t = 0; t < steps; t++)
            {
                for (int f = 0; f < features; f++)
                {
                    x[i, t, f] = (float)((random.NextDouble() * 2) - 1);
                }
            }
        }

        return x;
    }

    private static ModelBase Create(Type model, SeqDevice device, bool onHost)
    {
        var created = (ModelBase)Activator.CreateInstance(model, device, 7)!;
        created.SmallPredictionsOnHost = onHost;
        return created;
    }

    private static Array Predict(ModelBase model, float[,,] x, int batchSize = 256) =>
        (Array)model.GetType().GetMethod("Predict", [typeof(float[,,]), typeof(int)])!.Invoke(model, [x, batchSize])!;

    private static float[] Values(Array array) => array.Cast<float>().ToArray();

    private static void AssertClose(Array expected, Array actual, string what)
    {
        var e = Values(expected);
        var a = Values(actual);
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++)
        {
            float scale = Math.Max(1f, Math.Abs(e[i]));
            Assert.True(Math.Abs(e[i] - a[i]) <= Tolerance * scale, $"{what}: value {i} is {a[i]}, the kernels' {e[i]}");
        }
    }

    public static TheoryData<Type, int, int> Models => new()
    {
        { typeof(LstmStackModel), 3, 6 },          // vector output
        { typeof(LstmSequenceModel), 2, 5 },       // sequence output
        { typeof(ConvGruForecaster), 1, 20 },      // Conv1D + GRU
        { typeof(NormalizedModel), 4, 3 },         // layer and batch normalization (trained below)
        { typeof(SequenceBlocksLstmModel), 1, 4 }, // wide layers: block kernels on PoCL, none in host code
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void A_small_prediction_on_PoCL_runs_as_host_code_and_agrees_with_PoCLs_kernels(Type type, int samples, int steps)
    {
        if (pocl.Device is not { } device)
        {
            Console.WriteLine("PoCL unavailable: " + pocl.Missing);
            return;
        }

        using var onDevice = Create(type, device, onHost: false);
        using var onHost = Create(type, device, onHost: true);
        var x = Inputs(samples, steps, onHost.Description.InputFeatures, seed: samples + steps);
        Assert.True((long)samples * steps * onHost.ParameterCount <= ModelBase.HostCodeWorkLimit, "the case must be small enough for host code");

        var expected = Predict(onDevice, x);
        var actual = Predict(onHost, x);

        Assert.True(onHost.HasHostInference, "the small prediction did not run as host code");
        Assert.False(onDevice.HasHostInference);
        AssertClose(expected, actual, type.Name);
    }

    [Fact]
    public void The_host_code_copy_follows_Fit_SetWeights_and_Load()
    {
        if (pocl.Device is not { } device)
        {
            Console.WriteLine("PoCL unavailable: " + pocl.Missing);
            return;
        }

        using var onDevice = Create(typeof(LstmStackModel), device, onHost: false);
        using var onHost = Create(typeof(LstmStackModel), device, onHost: true);
        var one = Inputs(1, 6, 2, seed: 1);
        var initial = Predict(onHost, one);
        Assert.True(onHost.HasHostInference);

        // Fit changes the device's weights: the next small prediction must read them.
        var trainX = Inputs(16, 6, 2, seed: 2);
        var trainY = new float[16, 2];
        for (int i = 0; i < 16; i++)
        {
            trainY[i, 0] = trainX[i, 5, 0];
            trainY[i, 1] = -trainX[i, 4, 1];
        }

        foreach (var model in new[] { onDevice, onHost })
        {
            ((LstmStackModel)model).Fit(trainX, trainY, epochs: 2, batchSize: 8, options: new FitOptions { Shuffle = false });
        }

        var afterFit = Predict(onHost, one);
        Assert.NotEqual(Values(initial), Values(afterFit));
        AssertClose(Predict(onDevice, one), afterFit, "after Fit");

        // SetWeights, then Load of the initial weights.
        var weights = onDevice.GetWeights();
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] *= 0.5f;
        }

        onDevice.SetWeights(weights);
        onHost.SetWeights(weights);
        AssertClose(Predict(onDevice, one), Predict(onHost, one), "after SetWeights");

        string file = Path.Combine(Path.GetTempPath(), $"seqdsl-small-predictions-{Guid.NewGuid():N}.seqw");
        try
        {
            using (var fresh = Create(typeof(LstmStackModel), device, onHost: false))
            {
                fresh.Save(file);
            }

            onHost.Load(file);
            AssertClose(initial, Predict(onHost, one), "after Load");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Batch_normalizations_moving_statistics_reach_the_host_code_copy()
    {
        if (pocl.Device is not { } device)
        {
            Console.WriteLine("PoCL unavailable: " + pocl.Missing);
            return;
        }

        // The moving mean and variance are weights that training-mode forwards update: Fit and ComputeGradients.
        using var onDevice = (NormalizedModel)Create(typeof(NormalizedModel), device, onHost: false);
        using var onHost = (NormalizedModel)Create(typeof(NormalizedModel), device, onHost: true);
        var x = Inputs(12, 3, 3, seed: 8);
        var y = Inputs(12, 3, 2, seed: 9);
        for (int i = 0; i < x.GetLength(0); i++)
        {
            for (int t = 0; t < 3; t++)
            {
                x[i, t, 0] = (x[i, t, 0] * 3) + 2; // far from the initial statistics (mean 0, variance 1)
            }
        }

        var one = Inputs(1, 3, 3, seed: 10);
        var initial = Predict(onHost, one);
        foreach (var model in new[] { onDevice, onHost })
        {
            model.Fit(x, y, epochs: 1, batchSize: 4, options: new FitOptions { Shuffle = false });
        }

        var afterFit = Predict(onHost, one);
        Assert.NotEqual(Values(initial), Values(afterFit));
        AssertClose(Predict(onDevice, one), afterFit, "after Fit");

        var shifted = Inputs(6, 3, 3, seed: 11);
        for (int i = 0; i < 6; i++)
        {
            shifted[i, 1, 2] -= 5;
        }

        var targets = TensorData.From(Inputs(6, 3, 2, seed: 12), "y");
        onDevice.ComputeGradients(TensorData.From(shifted), targets);
        onHost.ComputeGradients(TensorData.From(shifted), targets);
        var afterGradients = Predict(onHost, one);
        Assert.NotEqual(Values(afterFit), Values(afterGradients));
        AssertClose(Predict(onDevice, one), afterGradients, "after ComputeGradients");
    }

    [Fact]
    public void Predictions_stay_on_the_device_when_stateful_too_large_switched_off_or_inside_Fit()
    {
        if (pocl.Device is not { } device)
        {
            Console.WriteLine("PoCL unavailable: " + pocl.Missing);
            return;
        }

        // A stateful model's state lives in the device's buffers.
        using (var stateful = Create(typeof(StatefulModel), device, onHost: true))
        {
            Predict(stateful, Inputs(3, 4, 2, seed: 3), batchSize: 3);
            Assert.False(stateful.HasHostInference, "a stateful model predicted as host code");
        }

        // More work than HostCodeWorkLimit, or more samples than one chunk of the batch size asked for.
        using (var large = Create(typeof(LstmStackModel), device, onHost: true))
        {
            int samples = (int)(ModelBase.HostCodeWorkLimit / (6L * large.ParameterCount)) + 1;
            Predict(large, Inputs(samples, 6, 2, seed: 4), batchSize: samples);
            Assert.False(large.HasHostInference, $"{samples} samples of 6 steps predicted as host code");
            Predict(large, Inputs(samples - 1, 6, 2, seed: 4), batchSize: samples - 2);
            Assert.False(large.HasHostInference, $"{samples - 1} samples in chunks of {samples - 2} predicted as host code");
            Predict(large, Inputs(samples - 1, 6, 2, seed: 4), batchSize: samples - 1);
            Assert.True(large.HasHostInference, $"{samples - 1} samples of 6 steps did not predict as host code");
        }

        // Switched off.
        using (var off = Create(typeof(LstmStackModel), device, onHost: false))
        {
            Predict(off, Inputs(1, 6, 2, seed: 5));
            Assert.False(off.HasHostInference);
        }

        // From Fit's callbacks: the weights change with every batch, so the device answers, bit for bit as with host
        // code switched off.
        using var training = Create(typeof(LstmStackModel), device, onHost: true);
        var one = Inputs(1, 6, 2, seed: 6);
        var inCallback = new List<(float[] Routed, float[] OnDevice)>();
        var options = new FitOptions
        {
            Shuffle = false,
            OnEpochEnd = _ =>
            {
                var routed = Values(Predict(training, one));
                training.SmallPredictionsOnHost = false;
                var onDevice = Values(Predict(training, one));
                training.SmallPredictionsOnHost = true;
                inCallback.Add((routed, onDevice));
            },
        };
        var trainX = Inputs(8, 6, 2, seed: 7);
        ((LstmStackModel)training).Fit(trainX, new float[8, 2], epochs: 2, batchSize: 4, options: options);

        Assert.Equal(2, inCallback.Count);
        Assert.All(inCallback, pair => Assert.Equal(pair.OnDevice, pair.Routed));
        Assert.False(training.HasHostInference, "a prediction from Fit's callback ran as host code");
    }

    [Fact]
    public void The_environment_variable_sets_the_default_and_rejects_other_values()
    {
        Assert.True(ModelBase.SmallPredictionsOnHostByDefault(null));
        Assert.True(ModelBase.SmallPredictionsOnHostByDefault(" Host "));
        Assert.False(ModelBase.SmallPredictionsOnHostByDefault("device"));
        var error = Assert.Throws<ArgumentException>(() => ModelBase.SmallPredictionsOnHostByDefault("gpu"));
        Assert.Contains("SEQDSL_SMALL_PREDICTIONS is 'gpu', but must be 'host' or 'device'", error.Message);
    }
}
