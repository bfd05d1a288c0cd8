using SeqDsl.Data;

namespace SeqDsl.Runtime.Tests.Data;

public class NumPyRandomTests
{
    [Fact]
    public void Seed42_Rand_MatchesNumPyBitwise()
    {
        var rng = new NumPyRandom(42);

        // np.random.seed(42); np.random.rand(3)
        Assert.Equal(BitConverter.DoubleToInt64Bits(0.3745401188473625), BitConverter.DoubleToInt64Bits(rng.NextDouble()));
        Assert.Equal(BitConverter.DoubleToInt64Bits(0.9507143064099162), BitConverter.DoubleToInt64Bits(rng.NextDouble()));
        Assert.Equal(BitConverter.DoubleToInt64Bits(0.7319939418114051), BitConverter.DoubleToInt64Bits(rng.NextDouble()));
    }

    [Fact]
    public void Seed0_Rand_MatchesNumPyBitwise()
    {
        double[] draws = new NumPyRandom(0).Rand(3);

        // np.random.seed(0); np.random.rand(3)
        Assert.Equal(new[] { 0.5488135039273248, 0.7151893663724195, 0.6027633760716439 }, draws);
    }

    [Fact]
    public void Seed42_Randn_MatchesNumPyBitwise()
    {
        var rng = new NumPyRandom(42);

        // np.random.seed(42); np.random.randn(3)
        Assert.Equal(BitConverter.DoubleToInt64Bits(0.4967141530112327), BitConverter.DoubleToInt64Bits(rng.Normal()));
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.13826430117118466), BitConverter.DoubleToInt64Bits(rng.Normal()));
        Assert.Equal(BitConverter.DoubleToInt64Bits(0.6476885381006925), BitConverter.DoubleToInt64Bits(rng.Normal()));
    }

    [Fact]
    public void Seed0_Randn_MatchesNumPyBitwise()
    {
        var rng = new NumPyRandom(0);

        // np.random.seed(0); np.random.randn(3)
        Assert.Equal(1.764052345967664, rng.Normal());
        Assert.Equal(0.4001572083672233, rng.Normal());
        Assert.Equal(0.9787379841057392, rng.Normal());
    }

    [Fact]
    public void DefaultMersenneSeed_TenThousandthOutput_MatchesTheStandardCheckValue()
    {
        // C++ [rand.predef]: the 10000th output of mt19937 seeded with 5489 is 4123659995.
        // 10,000 draws regenerate the 624-word state 16 times, so this checks the twist, not only the seeding.
        var rng = new NumPyRandom(5489);
        uint value = 0;
        for (int i = 0; i < 10_000; i++)
        {
            value = rng.NextUInt32();
        }

        Assert.Equal(4123659995U, value);
    }

    [Fact]
    public void Normal_ReturnsSecondPolarValueThenCachedFirst()
    {
        var rng = new NumPyRandom(7);
        var raw = new NumPyRandom(7);

        double first = rng.Normal();
        double second = rng.Normal();

        // Replay the polar method on the raw uniforms: NumPy returns f * x2 first and caches f * x1.
        double x1, x2, r2;
        do
        {
            x1 = 2.0 * raw.NextDouble() - 1.0;
            x2 = 2.0 * raw.NextDouble() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        }
        while (r2 >= 1.0 || r2 == 0.0);
        double f = Math.Sqrt(-2.0 * Math.Log(r2) / r2);
        Assert.Equal(f * x2, first);
        Assert.Equal(f * x1, second);
        // The cached value consumed no uniforms: both generators are at the same point.
        Assert.Equal(raw.NextDouble(), rng.NextDouble());
    }

    [Fact]
    public void Seed_DropsCachedNormalLikeNumPy()
    {
        var rng = new NumPyRandom(42);
        rng.Normal();

        rng.Seed(42);

        Assert.Equal(0.4967141530112327, rng.Normal());
    }

    [Fact]
    public void Uniform_IsLowPlusRangeTimesRandomSample()
    {
        var rng = new NumPyRandom(42);

        double value = rng.Uniform(-2.0, 3.0);

        Assert.Equal(-2.0 + 5.0 * 0.3745401188473625, value);
    }

    [Fact]
    public void Normal_WithMeanAndDeviation_ShiftsAndScalesStandardNormal()
    {
        var rng = new NumPyRandom(42);

        Assert.Equal(10.0 + 2.0 * 0.4967141530112327, rng.Normal(10.0, 2.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.Normal(0.0, -1.0));
    }

    [Fact]
    public void ManyDraws_HaveUniformAndNormalMoments()
    {
        var rng = new NumPyRandom(123);
        const int count = 200_000;
        double uniformSum = 0, normalSum = 0, normalSquares = 0;
        for (int i = 0; i < count; i++)
        {
            double u = rng.NextDouble();
            Assert.InRange(u, 0.0, 1.0 - 1e-17);
            uniformSum += u;
            double z = rng.Normal();
            normalSum += z;
            normalSquares += z * z;
        }

        Assert.InRange(uniformSum / count, 0.495, 0.505);
        Assert.InRange(normalSum / count, -0.01, 0.01);
        Assert.InRange(normalSquares / count, 0.98, 1.02);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(4294967296L)]
    public void Seed_OutsideNumPyRange_Throws(long seed)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new NumPyRandom(seed));

        Assert.Equal("seed", error.ParamName);
        Assert.Contains(seed.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }

    [Fact]
    public void LargestSeed_IsAccepted()
    {
        var rng = new NumPyRandom(uint.MaxValue);

        Assert.InRange(rng.NextDouble(), 0.0, 1.0);
    }
}
