using System;
using System.Numerics;
using SeqDsl.Kernels;
using Xunit;

namespace SeqDsl.Runtime.Tests.Kernels;

/// <summary>
/// The vector activations of the host code against double precision, lane by lane, over the range the gates see and
/// at the edges of float's exponent range: the host code must compute what the scalar kernels compute.
/// </summary>
public class HostVectorTests
{
    /// <summary>A few float ulps (the exponential's polynomial is accurate to about 2e-7).</summary>
    private const double RelativeTolerance = 1e-6;

    [Fact]
    public void Exp_matches_double_precision_from_underflow_to_overflow()
    {
        var (worst, at) = Worst(HostVector.Exp, Math.Exp, -87f, 88.7f, 0.001f);
        Assert.True(worst <= RelativeTolerance, $"worst relative error {worst:E2} at x = {at:R}");
    }

    [Theory]
    [InlineData(89f, float.PositiveInfinity)]
    [InlineData(float.PositiveInfinity, float.PositiveInfinity)]
    [InlineData(-104f, 0f)]
    [InlineData(float.NegativeInfinity, 0f)]
    [InlineData(0f, 1f)]
    public void Exp_saturates_like_MathF(float x, float expected)
    {
        Assert.Equal(expected, HostVector.Exp(new Vector<float>(x))[0]);
        Assert.Equal(expected, MathF.Exp(x));
    }

    [Fact]
    public void Exp_propagates_nan()
    {
        Assert.True(float.IsNaN(HostVector.Exp(new Vector<float>(float.NaN))[0]));
    }

    [Fact]
    public void Sigmoid_and_tanh_match_double_precision()
    {
        var (sigmoid, sigmoidAt) = Worst(HostVector.Sigmoid, x => 1 / (1 + Math.Exp(-x)), -30f, 30f, 0.0005f);
        Assert.True(sigmoid <= RelativeTolerance, $"sigmoid: worst relative error {sigmoid:E2} at x = {sigmoidAt:R}");
        var (tanh, tanhAt) = Worst(HostVector.Tanh, Math.Tanh, -20f, 20f, 0.0001f);
        Assert.True(tanh <= RelativeTolerance, $"tanh: worst relative error {tanh:E2} at x = {tanhAt:R}");
    }

    [Fact]
    public void Each_lane_gets_its_own_value()
    {
        var lanes = new float[Vector<float>.Count];
        for (int i = 0; i < lanes.Length; i++)
        {
            lanes[i] = i - 2.5f;
        }

        var tanh = HostVector.Tanh(new Vector<float>(lanes));
        var relu = HostVector.Relu(new Vector<float>(lanes));
        for (int i = 0; i < lanes.Length; i++)
        {
            Assert.True(Math.Abs(tanh[i] - Activations.Tanh(lanes[i])) <= 1e-6, $"lane {i}: {tanh[i]} vs {Activations.Tanh(lanes[i])}");
            Assert.Equal(Activations.Relu(lanes[i]), relu[i]);
        }
    }

    /// <summary>The worst relative error of <paramref name="vector"/> against <paramref name="exact"/> on [from, to] in steps of <paramref name="step"/>, every lane a different x.</summary>
    private static (double Worst, float At) Worst(Func<Vector<float>, Vector<float>> vector, Func<double, double> exact, float from, float to, float step)
    {
        int lanes = Vector<float>.Count;
        var xs = new float[lanes];
        double worst = 0;
        float at = 0;
        for (double start = from; start <= to; start += step * lanes)
        {
            for (int i = 0; i < lanes; i++)
            {
                xs[i] = (float)Math.Min(to, start + (i * step));
            }

            var result = vector(new Vector<float>(xs));
            for (int i = 0; i < lanes; i++)
            {
                double expected = exact(xs[i]);
                double error = Math.Abs(result[i] - expected) / Math.Max(Math.Abs(expected), 1e-30);
                if (xs[i] != 0 && error > worst)
                {
                    worst = error;
                    at = xs[i];
                }
            }
        }

        return (worst, at);
    }
}
