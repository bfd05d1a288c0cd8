using System;
using System.Collections.Generic;
using System.Numerics;
using SeqDsl.Kernels;
using Xunit;

namespace SeqDsl.Runtime.Tests.Kernels;

/// <summary>
/// The kernels' activations are written for vectorizers (tanh as a rational function, the gates' sigmoid through it) off
/// CUDA and from the exponential on CUDA, so the accuracy of both forms is checked here against double precision over
/// the whole range the gates see, and host code's vector versions against the rational form bit for bit. Here, in .NET,
/// the kernels' functions are what the CPU accelerator runs (BackendTests checks PoCL and the PTX).
/// </summary>
public class ActivationAccuracyTests
{
    /// <summary>A few float ulps: the kernels compute in float; gradient checks compare at 1e-3.</summary>
    private const double RelativeTolerance = 1e-6;

    [Fact]
    public void Tanh_matches_double_precision_to_a_few_ulps()
    {
        double worst = 0;
        float worstAt = 0;
        for (int i = -200_000; i <= 200_000; i++)
        {
            float x = i * 1e-4f; // −20 … 20 in steps of 1e-4
            double exact = Math.Tanh(x);
            double error = Math.Abs(Activations.Tanh(x) - exact) / Math.Max(Math.Abs(exact), 1e-30);
            if (x != 0 && error > worst)
            {
                worst = error;
                worstAt = x;
            }
        }

        Assert.True(worst <= RelativeTolerance, $"worst relative error {worst:E2} at x = {worstAt:R}");
        Assert.Equal(0f, Activations.Tanh(0f));
    }

    [Theory]
    [InlineData(1e-30f)]
    [InlineData(-3e-8f)]
    [InlineData(1e-3f)]
    [InlineData(0.25f)]
    [InlineData(-7.005246f)] // the worst float found in [−40, 40]: 6.4 ulps
    [InlineData(9.09f)] // just below TanhSaturation
    public void Tanh_is_accurate_at_tiny_inputs_and_near_saturation(float x)
    {
        double exact = Math.Tanh(x);
        Assert.True(Math.Abs(Activations.Tanh(x) - exact) <= RelativeTolerance * Math.Abs(exact), $"tanh({x:R}) = {Activations.Tanh(x):R}, exact {exact:R}");
    }

    [Theory]
    [InlineData(50f, 1f)]
    [InlineData(-50f, -1f)]
    [InlineData(float.PositiveInfinity, 1f)]
    [InlineData(float.NegativeInfinity, -1f)]
    [InlineData(float.MaxValue, 1f)]
    [InlineData(float.MinValue, -1f)]
    public void Tanh_saturates_without_overflow(float x, float expected)
    {
        Assert.Equal(expected, Activations.Tanh(x));
    }

    [Fact]
    public void Tanh_propagates_nan()
    {
        Assert.True(float.IsNaN(Activations.Tanh(float.NaN)));
        Assert.True(float.IsNaN(Activations.GateSigmoid(float.NaN)));
    }

    [Fact]
    public void Tanh_is_odd()
    {
        for (int i = 1; i <= 100_000; i++)
        {
            float x = i * 1e-4f;
            Assert.Equal(-Activations.Tanh(x), Activations.Tanh(-x));
        }
    }

    /// <summary>Outside a CUDA kernel (the CPU accelerator, host code, this test) the activations are the rational forms.</summary>
    [Fact]
    public void Off_cuda_the_activations_are_the_rational_forms()
    {
        for (int i = -30_000; i <= 30_000; i++)
        {
            float x = i * 1e-3f;
            Assert.Equal(BitConverter.SingleToInt32Bits(Activations.RationalTanh(x)), BitConverter.SingleToInt32Bits(Activations.Tanh(x)));
            Assert.Equal(BitConverter.SingleToInt32Bits(Activations.RationalGateSigmoid(x)), BitConverter.SingleToInt32Bits(Activations.GateSigmoid(x)));
        }
    }

    /// <summary>CUDA's tanh, 2σ(2x) − 1 with a Taylor series near 0, is as accurate as the rational one to the same tolerance.</summary>
    [Fact]
    public void Exponential_tanh_matches_double_precision_to_a_few_ulps()
    {
        double worst = 0;
        float worstAt = 0;
        for (int i = -200_000; i <= 200_000; i++)
        {
            float x = i * 1e-4f;
            double exact = Math.Tanh(x);
            double error = Math.Abs(Activations.ExponentialTanh(x) - exact) / Math.Max(Math.Abs(exact), 1e-30);
            if (x != 0 && error > worst)
            {
                worst = error;
                worstAt = x;
            }
        }

        Assert.True(worst <= RelativeTolerance, $"worst relative error {worst:E2} at x = {worstAt:R}");
        foreach (float x in new[] { 1e-30f, -3e-8f, Activations.TanhSeriesLimit, -Activations.TanhSeriesLimit, 9.09f })
        {
            double exact = Math.Tanh(x);
            Assert.True(Math.Abs(Activations.ExponentialTanh(x) - exact) <= RelativeTolerance * Math.Abs(exact), $"tanh({x:R}) = {Activations.ExponentialTanh(x):R}, exact {exact:R}");
        }

        Assert.Equal(0f, Activations.ExponentialTanh(0f));
        Assert.Equal(1f, Activations.ExponentialTanh(50f));
        Assert.Equal(-1f, Activations.ExponentialTanh(-50f));
        Assert.Equal(1f, Activations.ExponentialTanh(float.PositiveInfinity));
        Assert.Equal(-1f, Activations.ExponentialTanh(float.NegativeInfinity));
        Assert.Equal(1f, Activations.ExponentialTanh(float.MaxValue));
        Assert.Equal(-1f, Activations.ExponentialTanh(float.MinValue));
        Assert.True(float.IsNaN(Activations.ExponentialTanh(float.NaN)));
    }

    /// <summary>A gate's sigmoid is accurate absolutely (it only scales what it multiplies), not relatively in its tails.</summary>
    [Fact]
    public void Gate_sigmoid_matches_double_precision_to_2e_7_absolutely()
    {
        double worst = 0;
        float worstAt = 0;
        for (int i = -400_000; i <= 400_000; i++)
        {
            float x = i * 1e-4f; // −40 … 40
            double error = Math.Abs(Activations.GateSigmoid(x) - (1 / (1 + Math.Exp(-(double)x))));
            if (error > worst)
            {
                worst = error;
                worstAt = x;
            }
        }

        Assert.True(worst <= 2e-7, $"worst absolute error {worst:E2} at x = {worstAt:R}");
        Assert.Equal(0.5f, Activations.GateSigmoid(0f));
        Assert.Equal(0f, Activations.GateSigmoid(-40f));
        Assert.Equal(1f, Activations.GateSigmoid(40f));
        Assert.Equal(0f, Activations.GateSigmoid(float.NegativeInfinity));
        Assert.Equal(1f, Activations.GateSigmoid(float.PositiveInfinity));
    }

    /// <summary>Host code's vector activations do the kernels' operations in the same order: the same bits in every lane.</summary>
    [Fact]
    public void Host_vectors_give_the_kernels_bits()
    {
        var values = new List<float> { 0f, -0f, 1e-30f, -3e-8f, 9.1f, -9.1f, 9.0999994f, 50f, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, float.MinValue };
        for (int i = -20_000; i <= 20_000; i++)
        {
            values.Add(i * 1.37e-3f); // −27.4 … 27.4
        }

        int width = Vector<float>.Count;
        var lanes = new float[width];
        for (int start = 0; start < values.Count; start += width)
        {
            for (int l = 0; l < width; l++)
            {
                lanes[l] = values[Math.Min(start + l, values.Count - 1)];
            }

            var tanh = HostVector.Tanh(new Vector<float>(lanes));
            var gate = HostVector.GateSigmoid(new Vector<float>(lanes));
            for (int l = 0; l < width; l++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(Activations.Tanh(lanes[l])), BitConverter.SingleToInt32Bits(tanh[l]));
                Assert.Equal(BitConverter.SingleToInt32Bits(Activations.GateSigmoid(lanes[l])), BitConverter.SingleToInt32Bits(gate[l]));
            }
        }

        Assert.True(float.IsNaN(HostVector.Tanh(new Vector<float>(float.NaN))[0]));
    }
}
