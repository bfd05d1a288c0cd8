using ILGPU;
using ILGPU.Runtime;
using SeqDsl;

namespace SeqDsl.Runtime.Tests.Devices;

/// <summary>
/// Runs one explicitly grouped grid-stride kernel (per-thread LocalMemory array, constant-trip loops, MathF) on
/// ILGPU's CPU accelerator and on PoCL with <see cref="SeqDevice.GridFor(int, int)"/>, and checks both against C#.
/// </summary>
[Collection(DeviceCollection.Name)]
public sealed class GridStrideKernelTests(DeviceFixture devices)
{
    private const float Weight = 0.75f;
    private const float Sentinel = -12345f;

    /// <summary>y[i] = tanh(x[i])·w + exp(−x[i]) + Σ_j (j+1)/10 · x[i]^j, the powers kept in a LocalMemory array.</summary>
    internal static void TanhExpKernel(ArrayView<float> x, ArrayView<float> y, float w, int work)
    {
        var powers = LocalMemory.Allocate<float>(3);
        for (int i = Grid.GlobalIndex.X; i < work; i += Grid.DimX * Group.DimX)
        {
            float v = x[i];
            powers[0] = 1f;
            for (int j = 1; j < 3; j++)
                powers[j] = powers[j - 1] * v;
            float polynomial = 0f;
            for (int j = 0; j < 3; j++)
                polynomial += powers[j] * ((j + 1) * 0.1f);
            y[i] = MathF.Tanh(v) * w + MathF.Exp(-v) + polynomial;
        }
    }

    private static float Reference(float v)
    {
        float polynomial = 1f * 0.1f + v * 0.2f + v * v * 0.3f;
        return MathF.Tanh(v) * Weight + MathF.Exp(-v) + polynomial;
    }

    private static float[] Inputs(int count)
    {
        var random = new Random(1234 + count);
        var x = new float[count];
        for (int i = 0; i < count; i++)
            x[i] = (float)(random.NextDouble() * 6.0 - 3.0);
        return x;
    }

    /// <summary>Runs the kernel over the first <paramref name="work"/> items of a buffer with 5 extra items that must stay untouched.</summary>
    private static float[] Run(SeqDevice device, float[] x, int work)
    {
        var accelerator = device.Accelerator;
        var kernel = device.WithBuildLog(() =>
            accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, float, int>(TanhExpKernel));
        var yHost = Enumerable.Repeat(Sentinel, x.Length).ToArray();
        using var xBuffer = accelerator.Allocate1D(x);
        using var yBuffer = accelerator.Allocate1D(yHost);
        kernel(device.GridFor(work), xBuffer.View, yBuffer.View, Weight, work);
        accelerator.Synchronize();
        return yBuffer.GetAsArray1D();
    }

    private static void AssertClose(float[] expected, float[] actual, int count, float relativeTolerance, string what)
    {
        for (int i = 0; i < count; i++)
        {
            float scale = Math.Max(1f, Math.Abs(expected[i]));
            if (!(Math.Abs(expected[i] - actual[i]) <= relativeTolerance * scale))
                Assert.Fail($"{what}: first mismatch at index {i} of {count}: expected {expected[i]:R}, actual {actual[i]:R} (relative tolerance {relativeTolerance}).");
        }
    }

    private static void AssertTailUntouched(float[] y, int work)
    {
        for (int i = work; i < y.Length; i++)
            Assert.True(y[i] == Sentinel, $"the kernel wrote index {i}, beyond work = {work}: {y[i]}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(4099)]
    [InlineData(1 << 20)]
    public void Cpu_accelerator_matches_CSharp(int work)
    {
        var x = Inputs(work + 5);
        var y = Run(devices.Cpu, x, work);
        var expected = x.Select(Reference).ToArray();
        // The CPU accelerator runs the kernel as .NET code calling MathF, so it is bit-exact with C#.
        AssertClose(expected, y, work, 0f, "CPU accelerator vs C#");
        AssertTailUntouched(y, work);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(4099)]
    [InlineData(1 << 20)]
    public void PoCL_matches_CSharp_and_the_CPU_accelerator(int work)
    {
        var pocl = devices.RequirePoCL();
        if (pocl is null)
            return; // SEQDSL_REQUIRE_POCL=0 and no PoCL: nothing to compare.
        var x = Inputs(work + 5);
        var onPocl = Run(pocl, x, work);
        var onCpu = Run(devices.Cpu, x, work);
        var expected = x.Select(Reference).ToArray();
        AssertClose(expected, onPocl, work, 1e-5f, "PoCL vs C#");
        AssertClose(onCpu, onPocl, work, 1e-5f, "PoCL vs CPU accelerator");
        AssertTailUntouched(onPocl, work);
    }

    [Fact]
    public void GridFor_on_PoCL_uses_one_fixed_group_size_for_every_work_size()
    {
        var pocl = devices.RequirePoCL();
        if (pocl is null)
            return;
        var groupSizes = new[] { 1, 15, 16, 17, 1000, 1 << 20, int.MaxValue }.Select(w => pocl.GridFor(w).GroupDim.X).Distinct().ToArray();
        Assert.Equal(new[] { GridShape.OpenCLCpuGroupSize }, groupSizes);
    }

    [Fact]
    public void GridFor_a_long_count_beyond_int_gets_the_largest_grid_and_refuses_a_negative_count()
    {
        var pocl = devices.RequirePoCL();
        if (pocl is null)
            return;
        long beyondInt = 3L * int.MaxValue; // batch · rows · columns of a large layer's per-column partials
        Assert.Equal(pocl.GridFor(int.MaxValue).GridDim.X, pocl.GridFor(beyondInt).GridDim.X);
        Assert.Equal(pocl.GridFor(1000).GridDim.X, pocl.GridFor(1000L).GridDim.X);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => pocl.GridFor(-1L));
        Assert.Equal("work", error.ParamName);
    }
}
