using System;

namespace SeqDsl.Data;

/// <summary>
/// A random number generator that reproduces NumPy's legacy global generator bit for bit:
/// <c>np.random.seed(s)</c> followed by <c>np.random.rand</c> / <c>random_sample</c> / <c>uniform</c> /
/// <c>randn</c> / <c>standard_normal</c> / <c>normal</c>. Ported Keras notebooks that seed NumPy and then draw
/// their data get the very same data set in .NET, so published validation figures can be compared directly.
/// </summary>
/// <remarks>
/// The engine is MT19937 seeded with <c>init_genrand</c> (what NumPy's legacy seeding does for an integer seed);
/// doubles take 53 bits from two 32-bit draws; normals use the polar Box–Muller method and keep the second value
/// for the next call, as NumPy's <c>legacy_gauss</c> does. Not thread-safe: one instance per thread.
/// </remarks>
public sealed class NumPyRandom
{
    private const int StateLength = 624;
    private const int ShiftOffset = 397;
    private const uint MatrixA = 0x9908b0dfU;
    private const uint UpperMask = 0x80000000U;
    private const uint LowerMask = 0x7fffffffU;

    private readonly uint[] _state = new uint[StateLength];
    private int _position;
    private bool _hasCachedNormal;
    private double _cachedNormal;

    /// <summary>Creates a generator in the state <c>np.random.seed(seed)</c> leaves NumPy's global generator in.</summary>
    /// <param name="seed">The seed, 0 to 4294967295 (NumPy rejects anything outside the unsigned 32-bit range).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seed"/> is negative or above 2^32 - 1.</exception>
    public NumPyRandom(long seed)
    {
        Seed(seed);
    }

    /// <summary>Re-seeds the generator exactly like <c>np.random.seed(seed)</c>, including dropping a cached normal.</summary>
    /// <param name="seed">The seed, 0 to 4294967295.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="seed"/> is negative or above 2^32 - 1.</exception>
    public void Seed(long seed)
    {
        if (seed < 0 || seed > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(seed), seed,
                $"NumPy seeds must be between 0 and 2^32 - 1 (4294967295); got {seed}.");
        }

        // init_genrand: the Knuth multiplier recurrence NumPy's mt19937_seed uses.
        uint value = (uint)seed;
        for (int i = 0; i < StateLength; i++)
        {
            _state[i] = value;
            value = unchecked(1812433253U * (value ^ (value >> 30)) + (uint)i + 1U);
        }

        _position = StateLength;
        _hasCachedNormal = false;
        _cachedNormal = 0.0;
    }

    /// <summary>The next raw 32-bit output of MT19937 (NumPy's <c>randint</c> building block).</summary>
    /// <returns>A uniformly distributed unsigned 32-bit integer.</returns>
    public uint NextUInt32()
    {
        if (_position >= StateLength)
        {
            Regenerate();
        }

        uint y = _state[_position++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680U;
        y ^= (y << 15) & 0xefc60000U;
        y ^= y >> 18;
        return y;
    }

    /// <summary>One draw of <c>np.random.random_sample()</c> (also what <c>np.random.rand()</c> returns): uniform on [0, 1).</summary>
    /// <returns>A double with 53 random bits.</returns>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5;
        uint b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary>Fills a new array like <c>np.random.rand(count)</c>: <paramref name="count"/> successive <see cref="NextDouble"/> draws.</summary>
    /// <param name="count">How many values to draw (0 or more).</param>
    /// <returns>The draws in order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public double[] Rand(int count)
    {
        if (count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be 0 or more; got {count}.");
        }

        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = NextDouble();
        }

        return values;
    }

    /// <summary>One draw of <c>np.random.uniform(low, high)</c>: <c>low + (high - low) * random_sample()</c>.</summary>
    /// <param name="low">Lower bound (included).</param>
    /// <param name="high">Upper bound (excluded, up to rounding).</param>
    /// <returns>A value between <paramref name="low"/> and <paramref name="high"/>.</returns>
    public double Uniform(double low, double high)
    {
        return low + (high - low) * NextDouble();
    }

    /// <summary>
    /// One draw of <c>np.random.randn()</c> / <c>standard_normal()</c>: the polar Box–Muller method that yields two
    /// normals per accepted pair, returns the second and keeps the first for the next call (NumPy's <c>legacy_gauss</c>).
    /// </summary>
    /// <returns>A standard normal value.</returns>
    public double Normal()
    {
        if (_hasCachedNormal)
        {
            _hasCachedNormal = false;
            double cached = _cachedNormal;
            _cachedNormal = 0.0;
            return cached;
        }

        double x1, x2, radiusSquared;
        do
        {
            x1 = 2.0 * NextDouble() - 1.0;
            x2 = 2.0 * NextDouble() - 1.0;
            radiusSquared = x1 * x1 + x2 * x2;
        }
        while (radiusSquared >= 1.0 || radiusSquared == 0.0);

        double factor = Math.Sqrt(-2.0 * Math.Log(radiusSquared) / radiusSquared);
        _cachedNormal = factor * x1;
        _hasCachedNormal = true;
        return factor * x2;
    }

    /// <summary>One draw of <c>np.random.normal(loc, scale)</c>: <c>loc + scale * standard_normal()</c>.</summary>
    /// <param name="mean">The mean (<c>loc</c>).</param>
    /// <param name="standardDeviation">The standard deviation (<c>scale</c>), 0 or more.</param>
    /// <returns>A normal value.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="standardDeviation"/> is negative or NaN.</exception>
    public double Normal(double mean, double standardDeviation)
    {
        if (!(standardDeviation >= 0.0))
        {
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation,
                $"standardDeviation must be 0 or more; got {standardDeviation}.");
        }

        return mean + standardDeviation * Normal();
    }

    private void Regenerate()
    {
        int i = 0;
        uint y;
        for (; i < StateLength - ShiftOffset; i++)
        {
            y = (_state[i] & UpperMask) | (_state[i + 1] & LowerMask);
            _state[i] = _state[i + ShiftOffset] ^ (y >> 1) ^ Twist(y);
        }

        for (; i < StateLength - 1; i++)
        {
            y = (_state[i] & UpperMask) | (_state[i + 1] & LowerMask);
            _state[i] = _state[i + ShiftOffset - StateLength] ^ (y >> 1) ^ Twist(y);
        }

        y = (_state[StateLength - 1] & UpperMask) | (_state[0] & LowerMask);
        _state[StateLength - 1] = _state[ShiftOffset - 1] ^ (y >> 1) ^ Twist(y);
        _position = 0;
    }

    private static uint Twist(uint y) => (y & 1U) != 0 ? MatrixA : 0U;
}
