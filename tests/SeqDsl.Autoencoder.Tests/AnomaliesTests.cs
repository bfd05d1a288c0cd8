using SeqDsl.Samples.Autoencoder;

namespace SeqDsl.Autoencoder.Tests;

public class AnomaliesTests
{
    private static float[,,] Series(int n, int steps)
    {
        var x = new float[n, steps, 1];
        for (int s = 0; s < n; s++)
            for (int t = 0; t < steps; t++)
                x[s, t, 0] = 0.5f * MathF.Sin(0.3f * t + s);
        return x;
    }

    [Fact]
    public void Injects_the_requested_share_in_turn_and_leaves_the_rest_and_the_input_untouched()
    {
        var clean = Series(100, 20);
        var original = (float[,,])clean.Clone();

        var (injected, kinds) = Anomalies.Inject(clean, 0.1, seed: 7);

        Assert.Equal(original, clean);
        Assert.Equal(10, kinds.Count(k => k != AnomalyKind.None));
        Assert.Equal(4, kinds.Count(k => k == AnomalyKind.Spikes));
        Assert.Equal(3, kinds.Count(k => k == AnomalyKind.Flat));
        Assert.Equal(3, kinds.Count(k => k == AnomalyKind.Noise));
        for (int s = 0; s < 100; s++)
        {
            bool changed = Enumerable.Range(0, 20).Any(t => injected[s, t, 0] != clean[s, t, 0]);
            Assert.True(changed == (kinds[s] != AnomalyKind.None), $"series {s} ({kinds[s]}) changed: {changed}");
        }
    }

    [Fact]
    public void Each_kind_has_its_shape()
    {
        var clean = Series(30, 20);
        var (injected, kinds) = Anomalies.Inject(clean, 1.0, seed: 3);

        for (int s = 0; s < 30; s++)
        {
            float[] before = [.. Enumerable.Range(0, 20).Select(t => clean[s, t, 0])];
            float[] after = [.. Enumerable.Range(0, 20).Select(t => injected[s, t, 0])];
            switch (kinds[s])
            {
                case AnomalyKind.Spikes:
                    // Up to SpikeCount steps move by a multiple of the spike height (two spikes may land on one step).
                    int[] moved = [.. Enumerable.Range(0, 20).Where(t => after[t] != before[t])];
                    Assert.InRange(moved.Length, 1, Anomalies.SpikeCount);
                    Assert.All(moved, t => Assert.True(MathF.Abs(after[t] - before[t]) >= Anomalies.SpikeHeight - 1e-5f, $"step {t}"));
                    break;
                case AnomalyKind.Flat:
                    // The longest run of equal neighbours covers the flat fraction.
                    int longest = 1, run = 1;
                    for (int t = 1; t < 20; t++)
                    {
                        run = after[t] == after[t - 1] ? run + 1 : 1;
                        longest = Math.Max(longest, run);
                    }

                    Assert.True(longest >= (int)(Anomalies.FlatFraction * 20), $"longest flat run {longest}");
                    break;
                case AnomalyKind.Noise:
                    Assert.All(after, v => Assert.InRange(v, -Anomalies.NoiseAmplitude, Anomalies.NoiseAmplitude));
                    Assert.NotEqual(before, after);
                    break;
                default:
                    Assert.Fail($"series {s} was left normal at fraction 1");
                    break;
            }
        }
    }

    [Fact]
    public void Same_seed_same_anomalies_other_seed_other_ones()
    {
        var clean = Series(50, 20);
        var a = Anomalies.Inject(clean, 0.2, seed: 1);
        var b = Anomalies.Inject(clean, 0.2, seed: 1);
        var c = Anomalies.Inject(clean, 0.2, seed: 2);

        Assert.Equal(a.Kinds, b.Kinds);
        Assert.Equal(a.Series, b.Series);
        Assert.NotEqual(a.Series, c.Series);
    }

    [Fact]
    public void Zero_fraction_injects_nothing_and_a_tiny_one_injects_one()
    {
        var clean = Series(10, 5);
        Assert.All(Anomalies.Inject(clean, 0, 1).Kinds, k => Assert.Equal(AnomalyKind.None, k));
        Assert.Single(Anomalies.Inject(clean, 0.001, 1).Kinds, k => k != AnomalyKind.None);
    }

    [Fact]
    public void Bad_arguments_name_themselves()
    {
        Assert.Equal("fraction", Assert.Throws<ArgumentOutOfRangeException>(() => Anomalies.Inject(Series(3, 5), 1.5, 1)).ParamName);
        var wide = Assert.Throws<ArgumentException>(() => Anomalies.Inject(new float[3, 5, 2], 0.5, 1));
        Assert.Equal("series", wide.ParamName);
        Assert.Contains("[3, 5, 2]", wide.Message, StringComparison.Ordinal);
    }
}
