using SeqDsl.Engine;

namespace SeqDsl.Kernels.Tests;

/// <summary>The convolution kernels on PoCL (OpenCL) compute what they compute on ILGPU's CPU accelerator.</summary>
[Collection(CpuDeviceCollection.Name)]
public class ConvBackendTests
{
    private readonly SeqDevice cpu;

    public ConvBackendTests(CpuDeviceFixture fixture) => cpu = fixture.Device;

    [Fact]
    public void PoCL_agrees_with_the_CPU_accelerator_on_conv_models()
    {
        var pocl = PoclDevice.OpenOrExplain();
        if (pocl is null)
        {
            return; // only with SEQDSL_REQUIRE_POCL=0 on a machine without PoCL (CI installs it)
        }

        using (pocl)
        {
            var random = new Random(3);
            var (x, y) = ConvTrainingTests.Series(6, 7);
            using (var aligner = new ConvGruForecaster(cpu))
            {
                Gradients(() => new ConvGruForecaster(cpu, seed: 1), () => new ConvGruForecaster(pocl, seed: 1), x, aligner.AlignTargets(y));
            }

            var wx = ConvNumericsTests.Random3(random, 3, 9, 2);
            Gradients(() => new GatedWaveNetModel(cpu, seed: 2), () => new GatedWaveNetModel(pocl, seed: 2), wx, ConvNumericsTests.Random3(random, 3, 9, 2));

            var px = ConvNumericsTests.Random3(random, 3, 11, 2);
            Gradients(() => new PoolingModel(cpu, seed: 3), () => new PoolingModel(pocl, seed: 3), px, ConvNumericsTests.Random3(random, 3, 3, 2));

            var sx = ConvNumericsTests.Random3(random, 3, 8, 2);
            var sy = new float[3, 1];
            Gradients(() => new ConvSameStrideModel(cpu, seed: 4), () => new ConvSameStrideModel(pocl, seed: 4), sx, sy);

            // Conv1D last layers computing the Huber loss gradient in their backward kernels.
            var hx = ConvNumericsTests.Random3(random, 3, 8, 2);
            Gradients(() => new ConvHeadHuberModel(cpu, seed: 6), () => new ConvHeadHuberModel(pocl, seed: 6), hx, ConvNumericsTests.Random3(random, 3, 8, 2));
            var lx = ConvNumericsTests.Random3(random, 3, 10, 2);
            Gradients(() => new ConvLastStrideHuberModel(cpu, seed: 7), () => new ConvLastStrideHuberModel(pocl, seed: 7), lx, ConvNumericsTests.Random3(random, 3, 4, 2));

            // Partial sums over filters padded to whole vectors (9 and 12 → 16; the seed's 20 and 10 → 24 and 16), with FMA.
            var fx = ConvNumericsTests.Random3(random, 3, 8, 2);
            Gradients(() => new ConvPaddedFiltersModel(cpu, seed: 8), () => new ConvPaddedFiltersModel(pocl, seed: 8), fx, ConvNumericsTests.Random3(random, 3, 8, 12));

            // Activation derivatives folded into the next Conv1D's input gradient (ELU, sigmoid, softplus, ReLU; strides).
            var ax = ConvNumericsTests.Random3(random, 3, 13, 2);
            Gradients(() => new ConvFoldedActivationsModel(cpu, seed: 10), () => new ConvFoldedActivationsModel(pocl, seed: 10), ax, new float[3, 2] { { 0.3f, -0.2f }, { -0.1f, 0.4f }, { 0.2f, 0.1f } });
            using (var aligner = new SimpleWaveNetForecaster(cpu))
            {
                var (wx2, wy2) = ConvTrainingTests.Series(4, 10);
                Gradients(() => new SimpleWaveNetForecaster(cpu, seed: 9), () => new SimpleWaveNetForecaster(pocl, seed: 9), wx2, aligner.AlignTargets(wy2));
            }

            using var waveCpu = new SimpleWaveNetForecaster(cpu, seed: 5);
            using var wavePocl = new SimpleWaveNetForecaster(pocl, seed: 5);
            var a = waveCpu.Predict(x).Cast<float>().ToArray();
            var b = wavePocl.Predict(x).Cast<float>().ToArray();
            for (int i = 0; i < a.Length; i++)
            {
                Assert.True(Math.Abs(a[i] - b[i]) <= 1e-5 * Math.Max(1, Math.Abs(a[i])), $"prediction {i}: {a[i]} vs {b[i]}");
            }
        }
    }

    private static void Gradients(Func<ModelBase> onCpu, Func<ModelBase> onPocl, float[,,] x, Array y)
    {
        using var cpuModel = onCpu();
        using var poclModel = onPocl();
        GradientCheck.AssertDevicesAgree(cpuModel.GetType().Name, cpuModel.ComputeGradients(TensorData.From(x), TensorData.From(y, "y")), poclModel.ComputeGradients(TensorData.From(x), TensorData.From(y, "y")));
    }
}
