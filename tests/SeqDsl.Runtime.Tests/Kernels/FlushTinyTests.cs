using System;
using System.Numerics;
using SeqDsl.Kernels;
using Xunit;

namespace SeqDsl.Runtime.Tests.Kernels;

/// <summary>
/// <see cref="KernelMath.FlushTiny"/>, which BPTT applies to the gradients it carries between steps, and its vector
/// form in the host code: both flush exactly the values below 2^-100 in magnitude, subnormals included, and keep
/// everything else bit for bit.
/// </summary>
public class FlushTinyTests
{
    private static readonly float Threshold = MathF.ScaleB(1f, -100);

    [Fact]
    public void The_threshold_is_exactly_two_to_the_minus_100()
    {
        Assert.Equal(KernelMath.TinyGradient, MathF.ScaleB(1f, -100));
        Assert.Equal(-100, Math.ILogB(KernelMath.TinyGradient));
    }

    public static TheoryData<float, float> Cases()
    {
        float below = MathF.BitDecrement(Threshold);
        return new TheoryData<float, float>
        {
            { Threshold, Threshold },
            { -Threshold, -Threshold },
            { below, 0f },
            { -below, 0f },
            { float.Epsilon, 0f },                  // the smallest subnormal
            { -1e-39f, 0f },                        // a subnormal
            { 1e-35f, 0f },                         // normal, but far below anything that moves a weight
            { 1e-30f, 1e-30f },
            { 0.25f, 0.25f },
            { -3e20f, -3e20f },
            { float.PositiveInfinity, float.PositiveInfinity },
            { float.NegativeInfinity, float.NegativeInfinity },
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Scalar_and_vector_forms_flush_below_the_threshold_and_keep_the_rest(float x, float expected)
    {
        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(KernelMath.FlushTiny(x)));
        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(HostVector.FlushTiny(new Vector<float>(x))[0]));
    }

    [Fact]
    public void Nan_stays_nan()
    {
        Assert.True(float.IsNaN(KernelMath.FlushTiny(float.NaN)));
        Assert.True(float.IsNaN(HostVector.FlushTiny(new Vector<float>(float.NaN))[0]));
    }

    [Fact]
    public void Each_lane_is_flushed_on_its_own()
    {
        var lanes = new float[Vector<float>.Count];
        for (int i = 0; i < lanes.Length; i++)
        {
            lanes[i] = i % 2 == 0 ? 1e-33f * (i + 1) : 0.5f * i;
        }

        var flushed = HostVector.FlushTiny(new Vector<float>(lanes));
        for (int i = 0; i < lanes.Length; i++)
        {
            Assert.Equal(KernelMath.FlushTiny(lanes[i]), flushed[i]);
            Assert.Equal(i % 2 == 0 ? 0f : lanes[i], flushed[i]);
        }
    }
}
