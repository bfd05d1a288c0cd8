using SeqDsl.Samples.CurveClassifier;

namespace SeqDsl.CurveClassifier.Tests;

/// <summary>
/// Every label is checked on the clean curve by a measurement independent of the generator's parameters: the ends'
/// levels, the least-squares slope, the bow coefficient of a least-squares fit a + b·t + g·4t(1 − t), and the residual
/// left by that fit (a sine of several cycles leaves one, a bare trend none).
/// </summary>
public class CurveGeneratorTests
{
    private const int Length = 1500;
    private const int Curves = 400;

    public static TheoryData<int> Seeds => new() { 1, 2, 3 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_label_holds_on_the_clean_curve(int seed)
    {
        var generator = new CurveGenerator(seed);
        for (int n = 0; n < Curves; n++)
        {
            var curve = generator.Next(Length);
            var fit = Fit(curve.Clean);
            string at = $"curve {n} (seed {seed}): fit {fit}";

            // A sine of amplitude ≤ 0.1 moves an end by at most that much; the levels are 0.7 and 0.45.
            Assert.True(curve.Labels[CurveShapes.HighStart] == (curve.Clean[0] > 0.575), $"high-start, first value {curve.Clean[0]:F3}, {at}");
            Assert.True(curve.Labels[CurveShapes.HighEnd] == (curve.Clean[^1] > 0.575), $"high-end, last value {curve.Clean[^1]:F3}, {at}");
            // Rising trends change by ≥ 0.25, flat ones by ≤ 0.05; the sine tilts the fitted slope by < 0.05.
            Assert.True(curve.Labels[CurveShapes.Increasing] == (fit.Slope > 0.15), $"increasing, {at}");
            Assert.True(curve.Labels[CurveShapes.Decreasing] == (fit.Slope < -0.15), $"decreasing, {at}");
            // Bow depths are 0.15–0.3 (a convex curve sags: negative coefficient of the hump 4t(1 − t)).
            Assert.True(curve.Labels[CurveShapes.Convex] == (fit.Bow < -0.08), $"convex, {at}");
            Assert.True(curve.Labels[CurveShapes.Concave] == (fit.Bow > 0.08), $"concave, {at}");
            // Amplitude ≥ 0.06 leaves a residual RMS ≥ ~0.04 after the fit; a bare trend is fitted exactly.
            Assert.True(curve.Labels[CurveShapes.Periodic] == (fit.Residual > 0.02), $"periodic, {at}");

            Assert.False(curve.Labels[CurveShapes.Increasing] && curve.Labels[CurveShapes.Decreasing], at);
            Assert.False(curve.Labels[CurveShapes.Convex] && curve.Labels[CurveShapes.Concave], at);
            Assert.InRange(curve.Clean.Min(), 0.0, 1.0);
            Assert.InRange(curve.Clean.Max(), 0.0, 1.0);
        }
    }

    [Fact]
    public void Every_label_occurs_and_none_is_always_on()
    {
        var (_, y) = new CurveGenerator(7).Batch(600, 300);
        var frequencies = MultiLabelMetrics.Frequencies(y);
        foreach (double f in frequencies)
            Assert.InRange(f, 0.2, 0.8);
    }

    [Fact]
    public void Increasing_is_not_just_low_start_and_high_end()
    {
        // Rising curves that stay low, or start high and end high, make the labels more than two bits of level.
        var generator = new CurveGenerator(11);
        bool lowRise = false;
        for (int n = 0; n < 500 && !lowRise; n++)
        {
            var labels = generator.Next(300).Labels;
            lowRise = labels[CurveShapes.Increasing] && !labels[CurveShapes.HighEnd];
        }

        Assert.True(lowRise);
    }

    [Fact]
    public void Noise_is_small_and_centred_and_the_seed_fixes_the_curves()
    {
        var a = new CurveGenerator(5).Next(Length);
        var b = new CurveGenerator(5).Next(Length);
        Assert.Equal(a.Noisy, b.Noisy);
        Assert.Equal(a.Labels, b.Labels);

        double mean = 0, square = 0;
        for (int i = 0; i < Length; i++)
        {
            double d = a.Noisy[i] - a.Clean[i];
            mean += d / Length;
            square += d * d / Length;
        }

        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(Math.Sqrt(square), 0.02, 0.04);
        Assert.NotEqual(a.Noisy, new CurveGenerator(6).Next(Length).Noisy);
    }

    [Fact]
    public void Batch_has_the_model_shapes_and_0_1_targets()
    {
        var (x, y) = new CurveGenerator(3).Batch(10, 200);
        Assert.Equal([10, 200, 1], new[] { x.GetLength(0), x.GetLength(1), x.GetLength(2) });
        Assert.Equal([10, CurveShapes.Count], new[] { y.GetLength(0), y.GetLength(1) });
        foreach (float v in y)
            Assert.True(v is 0f or 1f);
    }

    private readonly record struct TrendFit(double Slope, double Bow, double Residual)
    {
        public override string ToString() => $"slope {Slope:F3}, bow {Bow:F3}, residual {Residual:F4}";
    }

    /// <summary>Least squares of y on [1, t, 4t(1 − t)]; the slope is the line's alone (the hump is symmetric, so it adds none).</summary>
    private static TrendFit Fit(double[] y)
    {
        int n = y.Length;
        var basis = new double[n][];
        for (int i = 0; i < n; i++)
        {
            double t = i / (double)(n - 1);
            basis[i] = [1, t, 4 * t * (1 - t)];
        }

        var a = new double[3, 4];
        for (int i = 0; i < n; i++)
            for (int r = 0; r < 3; r++)
            {
                for (int c = 0; c < 3; c++)
                    a[r, c] += basis[i][r] * basis[i][c];
                a[r, 3] += basis[i][r] * y[i];
            }

        var coef = Solve(a);
        double residual = 0;
        for (int i = 0; i < n; i++)
        {
            double e = y[i] - (coef[0] + coef[1] * basis[i][1] + coef[2] * basis[i][2]);
            residual += e * e / n;
        }

        return new TrendFit(coef[1], coef[2], Math.Sqrt(residual));
    }

    /// <summary>Gauss–Jordan elimination with partial pivoting on a 3 × 4 augmented matrix.</summary>
    private static double[] Solve(double[,] a)
    {
        for (int col = 0; col < 3; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < 3; r++)
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col]))
                    pivot = r;
            for (int c = 0; c < 4; c++)
                (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
            for (int r = 0; r < 3; r++)
            {
                if (r == col)
                    continue;
                double factor = a[r, col] / a[col, col];
                for (int c = col; c < 4; c++)
                    a[r, c] -= factor * a[col, c];
            }
        }

        return [a[0, 3] / a[0, 0], a[1, 3] / a[1, 1], a[2, 3] / a[2, 2]];
    }
}
