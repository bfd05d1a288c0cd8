using System;
using SeqDsl.Kernels;
using Xunit;

namespace SeqDsl.Runtime.Tests.Kernels;

/// <summary>
/// The kernels' activations are written for vectorizers (tanh from exp), so their accuracy is checked here against
/// double precision over the whole range the gates see, including both sides of Tanh's switch from series to 2σ(2x) − 1.
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
            float x = i * 1e-4f; // −20 … 20, densely around the series limit 0.25
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
    [InlineData(0.2499999f)]
    [InlineData(0.25f)]
    [InlineData(-0.25f)]
    public void Tanh_is_accurate_at_tiny_inputs_and_at_the_switch(float x)
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
    }
}
