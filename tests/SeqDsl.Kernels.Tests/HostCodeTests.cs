using System.Reflection;
using ILGPU;
using ILGPU.Runtime;
using SeqDsl.Engine;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// The host code (<see cref="KernelSchedule.HostCode"/>: the kernels translated to plain C# with Vector&lt;float&gt;
/// loops, the default on ILGPU's CPU accelerator) computes what ILGPU's own kernels compute on the same accelerator,
/// for every generated model of this test assembly: predictions, loss and the gradient of every parameter. (Every
/// other kernel test that uses the CPU accelerator runs the host code against its C# reference or finite differences.)
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class HostCodeTests
{
    private const double Tolerance = 1e-5;

    private readonly SeqDevice cpu;

    public HostCodeTests(CpuDeviceFixture fixture) => cpu = fixture.Device;

    [Theory]
    [MemberData(nameof(BackendTests.ModelTypes), MemberType = typeof(BackendTests))]
    public void Host_code_matches_ILGPU_kernels_on_the_CPU_accelerator(Type modelType)
    {
        Assert.Equal(KernelSchedule.HostCode, cpu.Schedule);
        using var host = Create(modelType, cpu);
        using var kernels = Create(modelType, cpu.WithSchedule(KernelSchedule.ThreadPerSequence));
        Assert.True(RunsHostCode(host));
        Assert.False(RunsHostCode(kernels));

        var d = host.Description;
        int samples = d.Stateful ? d.BatchSize : 5;
        int steps = d.InputSteps > 0 ? d.InputSteps : 12;
        var random = new Random(13);
        float[] flat = new float[samples * steps * d.InputFeatures];
        for (int i = 0; i < flat.Length; i++)
        {
            flat[i] = d.EmbeddingInputDim > 0 ? random.Next(d.EmbeddingInputDim) : (float)(random.NextDouble() * 2 - 1);
        }

        var x = new TensorData(flat, samples, steps, d.InputFeatures, d.InputRank, "x");
        if (d.InputRank == 3)
        {
            var x3 = TensorData.ToArray3D(flat, samples, steps, d.InputFeatures);
            AssertClose(LayerChecks.Flatten(Predict(kernels, x3, samples)), LayerChecks.Flatten(Predict(host, x3, samples)), modelType.Name + " predictions");
            if (d.Stateful)
            {
                host.ResetStates();
                kernels.ResetStates();
            }
        }

        var program = (NetworkProgram)typeof(ModelBase).GetProperty("Program", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(host)!;
        int outputSteps = d.OutputIsSequence ? program.OutputSteps(steps) : 1;
        var y = TensorData.From(LayerChecks.Targets(random, d.Loss, samples, outputSteps, d.OutputFeatures, d.OutputIsSequence), "y");
        var (expected, expectedLoss) = kernels.ComputeGradients(x, y);
        var (actual, actualLoss) = host.ComputeGradients(x, y);
        Assert.True(Math.Abs(expectedLoss - actualLoss) <= Tolerance * Math.Max(1, Math.Abs(expectedLoss)), $"{modelType.Name}: loss {expectedLoss} (ILGPU kernels) vs {actualLoss} (host code)");
        Assert.Contains(expected, g => g != 0f);
        foreach (var tensor in d.Parameters)
        {
            AssertClose(expected.AsSpan(tensor.Offset, tensor.Length).ToArray(), actual.AsSpan(tensor.Offset, tensor.Length).ToArray(), modelType.Name + " gradient of " + tensor.Layer + "/" + tensor.Name);
        }
    }

    [Fact]
    public void Host_code_needs_ILGPU_s_CPU_accelerator()
    {
        var pocl = PoclDevice.OpenOrExplain();
        if (pocl is null)
        {
            return; // only with SEQDSL_REQUIRE_POCL=0 on a machine without PoCL (CI installs it)
        }

        using (pocl)
        {
            var error = Assert.Throws<ArgumentException>(() => pocl.WithSchedule(KernelSchedule.HostCode));
            Assert.Contains("CPU accelerator", error.Message, StringComparison.Ordinal);
            Assert.Contains("OpenCLCpu", error.Message, StringComparison.Ordinal);

            // Device memory is refused by the view itself too; host memory is read in place.
            using var onDevice = pocl.Accelerator.Allocate1D<float>(4);
            var refused = Assert.Throws<InvalidOperationException>(() => { _ = HostView.Of<float>(onDevice.View).Length; });
            Assert.Contains("OpenCL", refused.Message, StringComparison.Ordinal);
            using var onHost = cpu.Accelerator.Allocate1D(new[] { 1f, 2f, 3f });
            Assert.Equal(2f, ReadSecond(onHost.View));
        }
    }

    /// <summary>The generated typed Predict, in one batch (a stateful model accepts only its declared batch size).</summary>
    private static Array Predict(ModelBase model, float[,,] x, int batchSize) =>
        (Array)model.GetType().GetMethod("Predict", new[] { typeof(float[,,]), typeof(int) })!.Invoke(model, new object[] { x, batchSize })!;

    private static float ReadSecond(ArrayView<float> view) => HostView.Of(view)[1];

    private static ModelBase Create(Type type, SeqDevice device) => (ModelBase)Activator.CreateInstance(type, device, 17)!;

    /// <summary>The program's private flag, so the test cannot pass by running one kind of code twice.</summary>
    private static bool RunsHostCode(ModelBase model)
    {
        var program = typeof(ModelBase).GetProperty("Program", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(model)!;
        return (bool)program.GetType().GetField("hostCode", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(program)!;
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double diff = 0, norm = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(float.IsFinite(actual[i]) == float.IsFinite(expected[i]), $"{what}[{i}]: {expected[i]} vs {actual[i]}");
            diff += (expected[i] - actual[i]) * (double)(expected[i] - actual[i]);
            norm += expected[i] * (double)expected[i];
        }

        Assert.True(Math.Sqrt(diff) <= Tolerance * Math.Max(Math.Sqrt(norm), 1e-6), $"{what}: relative difference {Math.Sqrt(diff / Math.Max(norm, 1e-30)):E2} (norm {Math.Sqrt(norm):E2})");
    }
}
