using SeqDsl.Engine;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// Conv1D, pooling and WaveNet kernels against the double-precision reference: the forward pass, and every parameter
/// tensor's gradient against central finite differences of the reference (‖g − g_ref‖ / ‖g_ref‖ ≤ 1e-3). A window layer's
/// input gradient is checked through the TimeDistributed(Dense) in front of it, whose weight gradients are built from it.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class ConvNumericsTests
{
    private readonly SeqDevice device;

    public ConvNumericsTests(CpuDeviceFixture fixture) => device = fixture.Device;

    public static TheoryData<string> Cases => new()
    {
        "ValidStride", "SameStride", "CausalDilated", "SameDilated", "ConvFirst", "ConvFirstStride",
        "Pooling", "PoolingSame", "GlobalMax", "PoolingFirst", "SmallWaveNet", "DeepConvStack", "ConvRowBlocks", "GatedWaveNet", "GatedWaveNetFirst",
        "ConvHeadHuber", "ConvLastStrideHuber", "ConvOnly", "ConvPaddedFilters", "ConvFoldedActivations",
    };

    internal static float[,,] Random3(Random random, int n, int t, int f)
    {
        var x = new float[n, t, f];
        for (int i = 0; i < n; i++) for (int j = 0; j < t; j++) for (int k = 0; k < f; k++) x[i, j, k] = (float)((random.NextDouble() * 2) - 1);
        return x;
    }

    private static float[,] Random2(Random random, int n, int o)
    {
        var y = new float[n, o];
        for (int i = 0; i < n; i++) for (int j = 0; j < o; j++) y[i, j] = (float)(random.NextDouble() - 0.5);
        return y;
    }

    /// <summary>The model with its zero-initialized biases replaced by small random values: a zero bias puts ReLU pre-activations exactly on the kink, where finite differences are meaningless.</summary>
    private (ModelBase Model, ReferenceNetwork Reference, float[,,] X, Array Y) Build(string name)
    {
        var built = BuildWithInitialWeights(name);
        var random = new Random(17);
        var weights = built.Model.GetWeights();
        foreach (var tensor in built.Model.Description.Parameters.Where(p => p.Name.EndsWith("bias", StringComparison.Ordinal)))
        {
            for (int i = 0; i < tensor.Length; i++) weights[tensor.Offset + i] = (float)((random.NextDouble() - 0.5) * 0.2);
        }

        built.Model.SetWeights(weights);
        return built;
    }

    private (ModelBase Model, ReferenceNetwork Reference, float[,,] X, Array Y) BuildWithInitialWeights(string name)
    {
        var r = new Random(11);
        switch (name)
        {
            case "ValidStride":
            {
                var m = new ConvValidStrideModel(device, seed: 1);
                var reference = new ReferenceNetwork(m.Description).Dense("time_distributed", 2, 3).Conv1D("conv1d", 3, 4, 3, strides: 2, activation: Activation.Tanh).Dense("time_distributed_1", 4, 2);
                return (m, reference, Random3(r, 3, 9, 2), Random3(r, 3, 4, 2));
            }

            case "SameStride":
            {
                var m = new ConvSameStrideModel(device, seed: 2);
                var reference = new ReferenceNetwork(m.Description).Dense("time_distributed", 2, 3).Conv1D("conv1d", 3, 4, 4, strides: 3, padding: Padding.Same, activation: Activation.Sigmoid).GlobalPooling(max: false).Dense("dense", 4, 1);
                return (m, reference, Random3(r, 3, 8, 2), Random2(r, 3, 1));
            }

            case "CausalDilated":
            {
                var m = new ConvCausalDilatedModel(device, seed: 3);
                var reference = new ReferenceNetwork(m.Description).Dense("time_distributed", 2, 2)
                    .Conv1D("conv1d", 2, 3, 2, dilation: 2, padding: Padding.Causal, activation: Activation.Tanh)
                    .Conv1D("conv1d_1", 3, 2, 3, dilation: 3, padding: Padding.Causal, useBias: false);
                return (m, reference, Random3(r, 3, 10, 2), Random3(r, 3, 10, 2));
            }

            case "SameDilated":
            {
                var m = new ConvSameDilatedModel(device, seed: 4);
                var reference = new ReferenceNetwork(m.Description).Dense("time_distributed", 2, 3)
                    .Conv1D("conv1d", 3, 3, 3, dilation: 2, padding: Padding.Same, activation: Activation.Tanh)
                    .Conv1D("conv1d_1", 3, 2, 2, dilation: 2).GlobalPooling(max: true).Dense("dense", 2, 2);
                return (m, reference, Random3(r, 3, 8, 2), Random2(r, 3, 2));
            }

            case "ConvFirst":
            {
                var m = new ConvFirstModel(device, seed: 5);
                var reference = new ReferenceNetwork(m.Description).Conv1D("conv1d", 3, 4, 3, padding: Padding.Same, activation: Activation.Tanh).GlobalPooling(max: false).Dense("dense", 4, 2);
                return (m, reference, Random3(r, 4, 6, 3), Random2(r, 4, 2));
            }

            case "ConvFirstStride":
            {
                var m = new ConvFirstStrideModel(device, seed: 6);
                var reference = new ReferenceNetwork(m.Description).Conv1D("conv1d", 2, 3, 2, strides: 2).Dense("time_distributed", 3, 2);
                return (m, reference, Random3(r, 3, 7, 2), Random3(r, 3, 3, 2));
            }

            case "Pooling":
            {
                var m = new PoolingModel(device, seed: 7);
                var reference = new ReferenceNetwork(m.Description).Dense("time_distributed", 2, 3).Pooling(max: true, 3, 2, Padding.Same).Pooling(max: false, 2, 2).Dense("time_distributed_1", 3, 2);
                return (m, reference, Random3(r, 3, 11, 2), Random3(r, 3, 3, 2));
            }

            case "PoolingSame":
            {
                var m = new PoolingSameModel(device, seed: 8);
                var reference = new ReferenceNetwork(m.Description).Dense("time_distributed", 2, 3).Pooling(max: false, 3, 2, Padding.Same).Pooling(max: true, 2, 1).Dense("time_distributed_1", 3, 2);
                return (m, reference, Random3(r, 3, 10, 2), Random3(r, 3, 4, 2));
            }

            case "GlobalMax":
            {
                var m = new GlobalMaxModel(device, seed: 9);
                var reference = new ReferenceNetwork(m.Description).Dense("time_distributed", 2, 3).GlobalPooling(max: true).Dense("dense", 3, 2);
                return (m, reference, Random3(r, 3, 6, 2), Random2(r, 3, 2));
            }

            case "PoolingFirst":
            {
                var m = new PoolingFirstModel(device, seed: 10);
                var reference = new ReferenceNetwork(m.Description).Pooling(max: true, 2, 2).GlobalPooling(max: false).Dense("dense", 1, 1);
                return (m, reference, Random3(r, 3, 7, 1), Random2(r, 3, 1));
            }

            case "SmallWaveNet":
            {
                var m = new SmallWaveNetModel(device, seed: 12);
                var reference = new ReferenceNetwork(m.Description)
                    .Conv1D("conv1d", 1, 3, 2, padding: Padding.Causal, activation: Activation.ReLU)
                    .Conv1D("conv1d_1", 3, 3, 2, dilation: 2, padding: Padding.Causal, activation: Activation.ReLU)
                    .Conv1D("conv1d_2", 3, 2, 1, padding: Padding.Causal);
                return (m, reference, Random3(r, 3, 8, 1), Random3(r, 3, 8, 2));
            }

            case "DeepConvStack":
            {
                var m = new DeepConvStackModel(device, seed: 14);
                var reference = new ReferenceNetwork(m.Description).Conv1D("conv1d", 1, 3, 2, padding: Padding.Causal, activation: Activation.Tanh);
                for (int layer = 1; layer < 14; layer++)
                {
                    reference = reference.Conv1D("conv1d_" + layer, 3, 3, 2, dilation: 1 << (layer % 3), padding: Padding.Causal, activation: Activation.Tanh);
                }

                reference = reference.Conv1D("conv1d_14", 3, 1, 1, padding: Padding.Causal);
                return (m, reference, Random3(r, 3, 10, 1), Random3(r, 3, 10, 1));
            }

            case "ConvRowBlocks":
            {
                var m = new ConvRowBlocksModel(device, seed: 16);
                var reference = new ReferenceNetwork(m.Description).Dense("time_distributed", 2, 6)
                    .Conv1D("conv1d", 6, 5, 2, dilation: 2, padding: Padding.Causal, activation: Activation.Tanh)
                    .Conv1D("conv1d_1", 5, 2, 3, padding: Padding.Causal, activation: Activation.Tanh, useBias: false);
                return (m, reference, Random3(r, 3, 9, 2), Random3(r, 3, 9, 2));
            }

            case "GatedWaveNet":
            {
                var m = new GatedWaveNetModel(device, seed: 13);
                var reference = new ReferenceNetwork(m.Description).Dense("time_distributed", 2, 2).GatedWaveNet("wavenet", 2, 3, layersPerBlock: 2, blocks: 2, kernelSize: 2, outputs: 2);
                return (m, reference, Random3(r, 3, 9, 2), Random3(r, 3, 9, 2));
            }

            // A Conv1D last layer computes the loss gradient itself from its output and the (aligned) targets.
            case "ConvHeadHuber":
            {
                var m = new ConvHeadHuberModel(device, seed: 15);
                var reference = new ReferenceNetwork(m.Description).Dense("time_distributed", 2, 3)
                    .Conv1D("conv1d", 3, 4, 2, dilation: 2, padding: Padding.Causal, activation: Activation.Tanh)
                    .Conv1D("conv1d_1", 4, 2, 1);
                return (m, reference, Random3(r, 3, 8, 2), Random3(r, 3, 8, 2));
            }

            case "ConvLastStrideHuber":
            {
                var m = new ConvLastStrideHuberModel(device, seed: 16);
                var reference = new ReferenceNetwork(m.Description).Dense("time_distributed", 2, 3)
                    .Conv1D("conv1d", 3, 2, 3, strides: 2, activation: Activation.Tanh);
                return (m, reference, Random3(r, 3, 10, 2), Random3(r, 3, 4, 2));
            }

            case "ConvPaddedFilters":
            {
                var m = new ConvPaddedFiltersModel(device, seed: 18);
                var reference = new ReferenceNetwork(m.Description).Dense("time_distributed", 2, 3)
                    .Conv1D("conv1d", 3, 9, 2, dilation: 2, padding: Padding.Causal, activation: Activation.Tanh)
                    .Conv1D("conv1d_1", 9, 12, 1);
                return (m, reference, Random3(r, 3, 8, 2), Random3(r, 3, 8, 12));
            }

            case "ConvFoldedActivations":
            {
                // 13 steps → 7 ('same', stride 2) → 7 (causal) → 3 ('valid', kernel 2, stride 2) → 3 → 3.
                var m = new ConvFoldedActivationsModel(device, seed: 19);
                var reference = new ReferenceNetwork(m.Description)
                    .Conv1D("conv1d", 2, 5, 3, strides: 2, padding: Padding.Same, activation: Activation.Elu)
                    .Conv1D("conv1d_1", 5, 4, 2, dilation: 2, padding: Padding.Causal, activation: Activation.Sigmoid)
                    .Conv1D("conv1d_2", 4, 6, 2, strides: 2, activation: Activation.Softplus)
                    .Conv1D("conv1d_3", 6, 3, 1, activation: Activation.ReLU)
                    .Conv1D("conv1d_4", 3, 2, 1)
                    .GlobalPooling(max: false).Dense("dense", 2, 2);
                return (m, reference, Random3(r, 3, 13, 2), Random2(r, 3, 2));
            }

            case "ConvOnly":
            {
                var m = new ConvOnlyModel(device, seed: 17);
                var reference = new ReferenceNetwork(m.Description).Conv1D("conv1d", 2, 3, 3, strides: 2);
                return (m, reference, Random3(r, 3, 9, 2), Random3(r, 3, 4, 3));
            }

            default:
            {
                var m = new GatedWaveNetFirstModel(device, seed: 14);
                var reference = new ReferenceNetwork(m.Description).GatedWaveNet("wavenet", 1, 4, layersPerBlock: 3, blocks: 1, kernelSize: 3, outputs: 0);
                return (m, reference, Random3(r, 2, 10, 1), Random3(r, 2, 10, 4));
            }
        }
    }

    internal static Array Predict(ModelBase model, float[,,] x) =>
        (Array)model.GetType().GetMethod("Predict", new[] { typeof(float[,,]), typeof(int) })!.Invoke(model, new object[] { x, 256 })!;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_reference(string name)
    {
        var (model, reference, x, y) = Build(name);
        using (model)
        {
            var weights = model.GetWeights().Select(v => (double)v).ToArray();
            var predicted = Predict(model, x).Cast<float>().ToArray();
            Assert.Equal(y.Length, predicted.Length); // the output length is Keras's
            int n = x.GetLength(0);
            int perSample = predicted.Length / n;
            for (int b = 0; b < n; b++)
            {
                var expected = reference.Forward(weights, ReferenceNetwork.Sample(x, b));
                Assert.Equal(perSample, expected.Length);
                for (int e = 0; e < perSample; e++)
                {
                    Assert.True(Math.Abs(expected[e] - predicted[(b * perSample) + e]) <= 1e-5, $"{name}: sample {b}, output {e}: expected {expected[e]}, got {predicted[(b * perSample) + e]}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_match_finite_differences(string name)
    {
        var (model, reference, x, y) = Build(name);
        using (model)
        {
            int checkedTensors = CellTestSupport.AssertLossAndParameterGradients(name, model, reference, x, y, minimumNorm: 1e-16);
            Assert.Equal(model.Description.Parameters.Count, checkedTensors);
        }
    }
}
