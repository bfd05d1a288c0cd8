using ILGPU;
using ILGPU.Runtime;
using SeqDsl.Training;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// The optimizer's updates walk runs of consecutive elements (<see cref="SeqDevice.RunsFor"/>): long runs on PoCL, where
/// the run's loop vectorizes, and runs of 1 (a grid-stride loop) on GPUs. Every element is updated once and exactly as a
/// grid-stride launch updates it: the same bits on PoCL, whatever the run, and the same bits as ILGPU's CPU accelerator.
/// A length that no run divides, a gap of frozen weights and an active clip exercise the ends of the runs; PoCL's runs
/// span more than one group, and a launch of one group with runs of 7 makes many passes.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public sealed class OptimizerRunsTests(CpuDeviceFixture fixture)
{
    private const int Length = 5_003; // over 1,024 (16 × OpenCLCpuMinimumRun): PoCL's runs take more than one group
    private const int Steps = 3;
    private const int AdamStartSeed = 1;
    private const int SgdStartSeed = 2;

    [Fact]
    public void PoCL_runs_cover_the_parameters_in_one_pass_of_long_runs()
    {
        var pocl = PoclDevice.OpenOrExplain();
        if (pocl is null)
        {
            return; // only with SEQDSL_REQUIRE_POCL=0 on a machine without PoCL (CI installs it)
        }

        using (pocl)
        {
            var (grid, run) = pocl.RunsFor(Length);
            long threads = (long)grid.GridDim.X * grid.GroupDim.X;
            Assert.True(run > 1, $"run {run}: the loop would not vectorize");
            Assert.True(grid.GridDim.X > 1 || pocl.Accelerator.NumMultiprocessors == 1, $"{grid.GridDim.X} group on {pocl.Accelerator.NumMultiprocessors} compute units");
            Assert.True(threads * run >= Length, $"{threads} threads × run {run} leave elements for a second pass");
            Assert.True(threads * run < Length + threads, $"{threads} threads × run {run}: runs longer than the work needs");
        }
    }

    [Fact]
    public void Adam_in_runs_gives_the_grid_stride_launch_bits_on_PoCL_and_the_CPU_accelerator() =>
        AssertEveryLaunchGivesTheSameBits("Adam", RunAdam, AdamStartSeed);

    [Fact]
    public void Sgd_in_runs_gives_the_grid_stride_launch_bits_on_PoCL_and_the_CPU_accelerator() =>
        AssertEveryLaunchGivesTheSameBits("SGD", RunSgd, SgdStartSeed);

    /// <summary>
    /// <paramref name="update"/> (the arrays it leaves, weights first) on PoCL in the optimizer's runs against PoCL's
    /// grid-stride launch, many passes of short runs, and the CPU accelerator with and without runs.
    /// </summary>
    private void AssertEveryLaunchGivesTheSameBits(string name, Func<SeqDevice, Launch, float[][]> update, int startSeed)
    {
        var pocl = PoclDevice.OpenOrExplain();
        if (pocl is null)
        {
            return; // only with SEQDSL_REQUIRE_POCL=0 on a machine without PoCL (CI installs it)
        }

        using (pocl)
        {
            var inRuns = update(pocl, Launch.DeviceRuns);
            AssertSameBits(update(pocl, Launch.GridStride), inRuns, name + " on PoCL, runs against a grid-stride loop");
            AssertSameBits(update(pocl, Launch.ManyPasses), inRuns, name + " on PoCL, one pass of runs against many");
            AssertSameBits(update(fixture.Device, Launch.GridStride), inRuns, name + ", PoCL's runs against the CPU accelerator's grid-stride loop");
            AssertSameBits(update(fixture.Device, Launch.DeviceRuns), inRuns, name + ", PoCL's runs against the CPU accelerator's");
            AssertFrozenGapUntouched(Values(startSeed, 0.5f), inRuns[0]);
        }
    }

    /// <summary>Weights 300–339 are frozen (mask 0): they keep their start values.</summary>
    private static readonly Range FrozenGap = 300..340;

    private static float[] Mask()
    {
        var mask = Enumerable.Repeat(1f, Length).ToArray();
        Array.Fill(mask, 0f, FrozenGap.Start.Value, FrozenGap.End.Value - FrozenGap.Start.Value);
        return mask;
    }

    private static float[] Values(int seed, float scale)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Length).Select(_ => (float)((random.NextDouble() * 2) - 1) * scale).ToArray();
    }

    /// <summary>A clip threshold below the gradients' norm (about 40), so every step scales them.</summary>
    private const float ClipNorm = 5f;

    /// <summary>How a test launches the update.</summary>
    private enum Launch
    {
        /// <summary>The device's grid-stride shape with runs of 1: the loop before runs.</summary>
        GridStride,

        /// <summary>What the optimizer launches: <see cref="SeqDevice.RunsFor"/>.</summary>
        DeviceRuns,

        /// <summary>One group of 16 with runs of 7: 112 elements a pass, so the loop makes many passes.</summary>
        ManyPasses,
    }

    private static (KernelConfig Grid, int Run) Shape(SeqDevice device, Launch launch) => launch switch
    {
        Launch.GridStride => (device.GridFor(Length), 1),
        Launch.DeviceRuns => device.RunsFor(Length),
        _ => (new KernelConfig(1, 16), 7),
    };

    /// <summary>Weights, then the first moments, then the second, after <see cref="Steps"/> clipped Adam steps.</summary>
    private static float[][] RunAdam(SeqDevice device, Launch launch)
    {
        var accelerator = device.Accelerator;
        var kernels = OptimizerKernels.For(accelerator);
        using var weights = accelerator.Allocate1D(Values(AdamStartSeed, 0.5f));
        using var m = accelerator.Allocate1D<float>(Length);
        using var v = accelerator.Allocate1D<float>(Length);
        using var mask = accelerator.Allocate1D(Mask());
        using var norm = accelerator.Allocate1D(new[] { 0f });
        m.MemSetToZero();
        v.MemSetToZero();
        var (grid, run) = Shape(device, launch);
        for (int step = 0; step < Steps; step++)
        {
            using var gradients = accelerator.Allocate1D(Values(10 + step, 1f));
            norm.CopyFromCPU(new[] { Norm(gradients.GetAsArray1D()) });
            var scalars = new AdamStep { Beta1 = 0.9f, Beta2 = 0.999f, StepSize = 0.01f, Epsilon = 1e-7f, ClipNorm = ClipNorm, Length = Length, Run = run };
            kernels.Adam(grid, weights.View, gradients.View, m.View, v.View, mask.View, norm.View, scalars);
            accelerator.Synchronize();
        }

        return new[] { weights.GetAsArray1D(), m.GetAsArray1D(), v.GetAsArray1D() };
    }

    /// <summary>Weights, then the velocity, after <see cref="Steps"/> clipped Nesterov SGD steps.</summary>
    private static float[][] RunSgd(SeqDevice device, Launch launch)
    {
        var accelerator = device.Accelerator;
        var kernels = OptimizerKernels.For(accelerator);
        using var weights = accelerator.Allocate1D(Values(SgdStartSeed, 0.5f));
        using var velocity = accelerator.Allocate1D<float>(Length);
        using var mask = accelerator.Allocate1D(Mask());
        using var norm = accelerator.Allocate1D(new[] { 0f });
        velocity.MemSetToZero();
        var (grid, run) = Shape(device, launch);
        for (int step = 0; step < Steps; step++)
        {
            using var gradients = accelerator.Allocate1D(Values(20 + step, 1f));
            norm.CopyFromCPU(new[] { Norm(gradients.GetAsArray1D()) });
            var scalars = new SgdStep { LearningRate = 0.05f, Momentum = 0.9f, Nesterov = 1, ClipNorm = ClipNorm, Length = Length, Run = run };
            kernels.Sgd(grid, weights.View, gradients.View, velocity.View, mask.View, norm.View, scalars);
            accelerator.Synchronize();
        }

        return new[] { weights.GetAsArray1D(), velocity.GetAsArray1D() };
    }

    /// <summary>The norm of the trainable gradients, as the optimizer's norm kernels would leave it.</summary>
    private static float Norm(float[] gradients)
    {
        var mask = Mask();
        double sum = 0;
        for (int i = 0; i < gradients.Length; i++)
        {
            sum += mask[i] * (double)gradients[i] * gradients[i];
        }

        Assert.True(Math.Sqrt(sum) > ClipNorm, "the clip must scale the gradients");
        return (float)Math.Sqrt(sum);
    }

    private static void AssertSameBits(float[][] expected, float[][] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int array = 0; array < expected.Length; array++)
        {
            for (int i = 0; i < Length; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(expected[array][i]) == BitConverter.SingleToInt32Bits(actual[array][i]),
                    $"{what}: array {array}, element {i}: {expected[array][i]:R} vs {actual[array][i]:R}");
            }
        }
    }

    private static void AssertFrozenGapUntouched(float[] start, float[] weights)
    {
        for (int i = FrozenGap.Start.Value; i < FrozenGap.End.Value; i++)
        {
            Assert.True(weights[i] == start[i], $"frozen weight {i} moved: {start[i]:R} to {weights[i]:R}");
        }

        Assert.NotEqual(start[FrozenGap.End.Value], weights[FrozenGap.End.Value]); // while the weight after the gap moved
    }
}
