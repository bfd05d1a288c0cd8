using SeqDsl.Samples.CharRnn;

namespace SeqDsl.CharRnn.Tests;

public class SamplerTests
{
    private static readonly float[] Probabilities = [0.1f, 0.6f, 0.3f, 0f];

    [Fact]
    public void Temperature_1_keeps_the_distribution()
    {
        var weights = Sampler.Reweight(Probabilities, 1.0);
        for (int i = 0; i < Probabilities.Length; i++)
            Assert.Equal(Probabilities[i], weights[i], 1e-6);
    }

    [Fact]
    public void Temperature_one_half_squares_and_renormalizes()
    {
        var weights = Sampler.Reweight(Probabilities, 0.5);
        double sum = 0.01 + 0.36 + 0.09;
        Assert.Equal(0.01 / sum, weights[0], 1e-6);
        Assert.Equal(0.36 / sum, weights[1], 1e-6);
        Assert.Equal(0.09 / sum, weights[2], 1e-6);
        Assert.Equal(0, weights[3]);
    }

    [Fact]
    public void Low_temperature_picks_the_most_likely_and_zero_probability_is_never_drawn()
    {
        var random = new Random(1);
        Assert.All(Enumerable.Range(0, 200), _ => Assert.Equal(1, Sampler.Sample(Probabilities, 0.01, random)));
        var counts = new int[4];
        for (int i = 0; i < 20_000; i++)
            counts[Sampler.Sample(Probabilities, 1.0, random)]++;
        Assert.Equal(0, counts[3]);
        // Frequencies within 0.015 of the probabilities (about 5 standard errors at 20,000 draws).
        for (int i = 0; i < 3; i++)
            Assert.InRange(counts[i] / 20_000.0, Probabilities[i] - 0.015, Probabilities[i] + 0.015);
    }

    [Fact]
    public void High_temperature_flattens()
    {
        var weights = Sampler.Reweight(Probabilities, 100);
        Assert.InRange(weights[0], 0.32, 0.34);
        Assert.InRange(weights[1], 0.32, 0.35);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Bad_temperatures_are_rejected(double temperature) =>
        Assert.Throws<ArgumentOutOfRangeException>("temperature", () => Sampler.Reweight(Probabilities, temperature));

    [Fact]
    public void All_zero_probabilities_are_rejected() =>
        Assert.Throws<ArgumentException>("probabilities", () => Sampler.Reweight(new float[3], 1.0));
}
