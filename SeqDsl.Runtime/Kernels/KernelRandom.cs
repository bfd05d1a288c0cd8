using System.Runtime.CompilerServices;

namespace SeqDsl.Kernels;

/// <summary>
/// Counter-based random numbers for kernels: a value is a pure function of (seed, sample, step, unit), so any thread
/// can draw the number of any element without state, the forward and the backward pass draw the same dropout mask,
/// and two runs with one seed draw the same numbers on every backend. Scalar static methods only (no views, no
/// arrays, no atomics), so they inline everywhere, PoCL included.
/// </summary>
/// <remarks>
/// The mixer is a 32-bit integer finalizer in the style of MurmurHash3's <c>fmix32</c> with constants from public
/// "hash prospector" searches; each coordinate is folded in and re-mixed, so neighbouring counters give unrelated
/// values. Not cryptographic; meant for dropout masks and similar noise. Recurrent dropout can call
/// <see cref="Keep"/> with <c>step = 0</c> for one mask per sequence.
/// </remarks>
public static class KernelRandom
{
    /// <summary>2^−24: turns the top 24 bits of a hash into a float in [0, 1) with every value exactly representable.</summary>
    private const float UnitScale = 1f / 16777216f;

    /// <summary>Mixes the bits of <paramref name="x"/> (a bijection on 32-bit integers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Mix(uint x)
    {
        x ^= x >> 16;
        x *= 0x7FEB352Du;
        x ^= x >> 15;
        x *= 0x846CA68Bu;
        x ^= x >> 16;
        return x;
    }

    /// <summary>A hash of the four coordinates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Hash(int seed, int sample, int step, int unit)
    {
        // Distinct odd constants per coordinate so that (a, b) and (b, a) hash differently.
        uint h = Mix((uint)seed ^ 0x9E3779B9u);
        h = Mix(h ^ ((uint)sample * 0x85EBCA6Bu));
        h = Mix(h ^ ((uint)step * 0xC2B2AE35u));
        return Mix(h ^ ((uint)unit * 0x27D4EB2Fu));
    }

    /// <summary>A uniform float in [0, 1) for the element (sample, step, unit) under <paramref name="seed"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Uniform(int seed, int sample, int step, int unit) => (Hash(seed, sample, step, unit) >> 8) * UnitScale;

    /// <summary>True when dropout at <paramref name="rate"/> keeps the element: drawn uniform ≥ rate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Keep(float rate, int seed, int sample, int step, int unit) => Uniform(seed, sample, step, unit) >= rate;

    /// <summary>
    /// Inverted dropout's multiplier for one element (Keras semantics): 0 when dropped, 1 / (1 − rate) when kept, so the
    /// expected output equals the input and inference needs no rescaling.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DropoutScale(float rate, int seed, int sample, int step, int unit) =>
        Keep(rate, seed, sample, step, unit) ? 1f / (1f - rate) : 0f;
}
