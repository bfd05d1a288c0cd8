using ILGPU;
using ILGPU.Runtime;
using SeqDsl.Training;

namespace SeqDsl.Runtime.Tests.Engine;

/// <summary>
/// The optimizer kernels flush their moments below 2^-100 (KernelMath.FlushTiny): a weight whose gradient stays 0
/// (an embedding row no batch uses) would otherwise keep Adam's m and v, or SGD's velocity, decaying into float's
/// subnormal range, where they stick (a subnormal with few significant bits times 0.9 rounds back to itself) and
/// every later step multiplies subnormals. Weights with real gradients are untouched by the flush.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class OptimizerMomentFlushTests(CpuDeviceFixture fixture)
{
    private const float Subnormal = 4.2e-39f;

    [Fact]
    public void Adam_flushes_decayed_moments_and_leaves_the_weight_where_it_was()
    {
        var accelerator = fixture.Device.Accelerator;
        float[] weights = { 0.5f, -0.25f };
        float[] gradients = { 0f, 0.1f };
        float[] m = { Subnormal, 0.01f };
        float[] v = { Subnormal, 0.001f };
        using var w = accelerator.Allocate1D(weights);
        using var g = accelerator.Allocate1D(gradients);
        using var mb = accelerator.Allocate1D(m);
        using var vb = accelerator.Allocate1D(v);
        using var mask = accelerator.Allocate1D(new[] { 1f, 1f });
        using var norm = accelerator.Allocate1D<float>(1);
        var step = new AdamStep { Beta1 = 0.9f, Beta2 = 0.999f, StepSize = 0.001f, Epsilon = 1e-7f, ClipNorm = 0f, Length = 2 };

        OptimizerKernels.For(accelerator).Adam(fixture.Device.GridFor(2), w.View, g.View, mb.View, vb.View, mask.View, norm.View, step);
        accelerator.Synchronize();

        var (mAfter, vAfter, wAfter) = (mb.GetAsArray1D(), vb.GetAsArray1D(), w.GetAsArray1D());
        Assert.Equal(0f, mAfter[0]);
        Assert.Equal(0f, vAfter[0]);
        Assert.Equal(0.5f, wAfter[0]);

        // The other weight takes an ordinary Adam step.
        float expectedM = (0.9f * 0.01f) + (0.1f * 0.1f);
        float expectedV = (0.999f * 0.001f) + (0.001f * 0.1f * 0.1f);
        Assert.Equal(expectedM, mAfter[1], 6);
        Assert.Equal(expectedV, vAfter[1], 6);
        Assert.Equal(-0.25f - (0.001f * expectedM / (MathF.Sqrt(expectedV) + 1e-7f)), wAfter[1], 6);
    }

    [Fact]
    public void Adam_keeps_a_tiny_v_while_m_is_alive()
    {
        // With a tiny ε, m / (√v + ε) depends on a v far below 2^-100: flushing v alone would divide by ε instead.
        var accelerator = fixture.Device.Accelerator;
        const float Gradient = 1e-20f;
        using var w = accelerator.Allocate1D(new[] { 0.5f });
        using var g = accelerator.Allocate1D(new[] { Gradient });
        using var mb = accelerator.Allocate1D(new[] { 0f });
        using var vb = accelerator.Allocate1D(new[] { 0f });
        using var mask = accelerator.Allocate1D(new[] { 1f });
        using var norm = accelerator.Allocate1D<float>(1);
        var step = new AdamStep { Beta1 = 0.9f, Beta2 = 0.99f, StepSize = 1e-3f, Epsilon = 1e-30f, ClipNorm = 0f, Length = 1 };

        OptimizerKernels.For(accelerator).Adam(fixture.Device.GridFor(1), w.View, g.View, mb.View, vb.View, mask.View, norm.View, step);
        accelerator.Synchronize();

        float v = vb.GetAsArray1D()[0];
        Assert.True(v > 0f, $"v = {v}: flushed while m = {mb.GetAsArray1D()[0]} is not");
        float moved = 0.5f - w.GetAsArray1D()[0];
        // About StepSize · m / √v = 1e-3 · 1e-21 / 1e-21 (v is subnormal, so only roughly); dividing by ε alone would move it 1e6.
        Assert.InRange(moved, 1e-4f, 1e-2f);
    }

    [Fact]
    public void Sgd_flushes_a_decayed_velocity()
    {
        var accelerator = fixture.Device.Accelerator;
        using var w = accelerator.Allocate1D(new[] { 0.5f, 0.5f });
        using var g = accelerator.Allocate1D(new[] { 0f, 0.2f });
        using var velocity = accelerator.Allocate1D(new[] { Subnormal, 0f });
        using var mask = accelerator.Allocate1D(new[] { 1f, 1f });
        using var norm = accelerator.Allocate1D<float>(1);
        var step = new SgdStep { LearningRate = 0.1f, Momentum = 0.9f, Nesterov = 0, ClipNorm = 0f, Length = 2 };

        OptimizerKernels.For(accelerator).Sgd(fixture.Device.GridFor(2), w.View, g.View, velocity.View, mask.View, norm.View, step);
        accelerator.Synchronize();

        var after = velocity.GetAsArray1D();
        Assert.Equal(0f, after[0]);
        Assert.Equal(-0.02f, after[1], 6);
        Assert.Equal(new[] { 0.5f, 0.48f }, w.GetAsArray1D());
    }
}
