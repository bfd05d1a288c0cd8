using SeqDsl.Engine;

namespace SeqDsl.Runtime.Tests.Engine;

public sealed class WeightInitializerTests
{
    private static float[] Fill(ParameterInit init, int rows, int cols, int fanIn = 1, int fanOut = 1, int seed = 1)
    {
        var values = new float[rows * cols];
        WeightInitializer.Fill(values, new ParameterInfo("layer", "w", 0, rows, cols, fanIn, fanOut, init), new SeededRandom(seed));
        return values;
    }

    [Fact]
    public void GlorotUniform_StaysWithinLimit_WithUniformVariance()
    {
        var values = Fill(ParameterInit.GlorotUniform, 200, 150, fanIn: 200, fanOut: 150);
        double limit = Math.Sqrt(6.0 / 350);

        Assert.All(values, v => Assert.InRange(v, -limit, limit));
        double mean = values.Average(v => (double)v);
        double variance = values.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, -0.01 * limit, 0.01 * limit);
        Assert.InRange(variance, 0.97 * limit * limit / 3, 1.03 * limit * limit / 3);
        Assert.True(values.Max() > 0.99 * limit && values.Min() < -0.99 * limit, "the draws cover the whole range");
    }

    [Theory]
    [InlineData(16, 64)]
    [InlineData(64, 16)]
    [InlineData(20, 20)]
    [InlineData(20, 80)] // an LSTM recurrent kernel [units, 4·units]
    public void Orthogonal_HasOrthonormalRowsOrColumns(int rows, int cols)
    {
        var values = Fill(ParameterInit.Orthogonal, rows, cols);
        bool byRows = rows <= cols;
        int vectors = byRows ? rows : cols;
        int length = byRows ? cols : rows;
        float At(int vector, int k) => byRows ? values[vector * cols + k] : values[k * cols + vector];

        for (int a = 0; a < vectors; a++)
        {
            for (int b = 0; b < vectors; b++)
            {
                double dot = 0;
                for (int k = 0; k < length; k++)
                {
                    dot += At(a, k) * (double)At(b, k);
                }

                Assert.True(Math.Abs(dot - (a == b ? 1 : 0)) < 1e-5, $"{(byRows ? "rows" : "columns")} {a}·{b} = {dot}");
            }
        }
    }

    [Fact]
    public void Orthogonal_IsSeededAndNotTheIdentity()
    {
        var first = Fill(ParameterInit.Orthogonal, 8, 8, seed: 3);
        var again = Fill(ParameterInit.Orthogonal, 8, 8, seed: 3);
        var other = Fill(ParameterInit.Orthogonal, 8, 8, seed: 4);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.True(Math.Abs(first[0]) < 0.999, "a random rotation, not the identity");
    }

    [Fact]
    public void LstmForgetBias_HasOnesOnlyInTheForgetBlock()
    {
        var values = Fill(ParameterInit.LstmForgetBias, 1, 4 * 5);

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(i is >= 5 and < 10 ? 1f : 0f, values[i]);
        }
    }

    [Fact]
    public void SmallUniform_Zeros_Ones()
    {
        var small = Fill(ParameterInit.SmallUniform, 50, 50);
        Assert.All(small, v => Assert.InRange(v, -0.05f, 0.05f));
        Assert.True(small.Distinct().Count() > 2000);
        Assert.All(Fill(ParameterInit.Zeros, 3, 4), v => Assert.Equal(0f, v));
        Assert.All(Fill(ParameterInit.Ones, 3, 4), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Initialize_FillsEveryTensorAtItsOffset()
    {
        var description = LastStepDenseModel.Describe(3, 2);

        var weights = WeightInitializer.Initialize(description, new SeededRandom(5));

        Assert.Equal(9, weights.Length);
        Assert.All(weights.Take(6), w => Assert.NotEqual(0f, w));
        Assert.Equal(new[] { 0f, 0f, 1f }, weights.Skip(6));
    }

    [Fact]
    public void SeededRandom_Shuffle_IsAPermutation_AndSeeded()
    {
        var a = Enumerable.Range(0, 100).ToArray();
        var b = Enumerable.Range(0, 100).ToArray();
        new SeededRandom(7).Shuffle(a);
        new SeededRandom(7).Shuffle(b);

        Assert.Equal(a, b);
        Assert.Equal(Enumerable.Range(0, 100), a.OrderBy(v => v));
        Assert.NotEqual(Enumerable.Range(0, 100), a);
    }
}

[Collection(EngineCollection.Name)]
public sealed class ModelWeightsTests(CpuDeviceFixture fixture)
{
    [Fact]
    public void Constructor_InitializesFromSeed()
    {
        using var a = new LastStepDenseModel(fixture.Device, seed: 42);
        using var b = new LastStepDenseModel(fixture.Device, seed: 42);
        using var c = new LastStepDenseModel(fixture.Device, seed: 43);

        Assert.Equal(a.GetWeights(), b.GetWeights());
        Assert.NotEqual(a.GetWeights(), c.GetWeights());
        Assert.Equal(42, a.Seed);
        Assert.Equal(9, a.ParameterCount);
        Assert.Same(fixture.Device, a.Device);
    }

    [Fact]
    public void SetWeights_RoundTrips_AndRejectsWrongLengthOrNaN()
    {
        using var model = new LastStepDenseModel(fixture.Device);
        var weights = Enumerable.Range(0, 9).Select(i => i * 0.5f).ToArray();

        model.SetWeights(weights);
        Assert.Equal(weights, model.GetWeights());

        var length = Assert.Throws<ArgumentException>(() => model.SetWeights(new float[8]));
        Assert.Contains("9 parameters, but 8 weights", length.Message);
        weights[4] = float.NaN;
        var nan = Assert.Throws<ArgumentException>(() => model.SetWeights(weights));
        Assert.Contains("weights[4] (dense/kernel[2, 0]) is NaN", nan.Message);
        Assert.Equal(2f, model.GetWeights()[4]);
    }

    [Fact]
    public void Constructor_RejectsOverlappingLayout()
    {
        var good = LastStepDenseModel.Describe(3, 2);
        var bad = new ModelDescription
        {
            Name = "Broken",
            InputFeatures = 3,
            OutputFeatures = 2,
            OutputIsSequence = false,
            ParameterCount = 9,
            Parameters = new[] { good.Parameters[0], good.Parameters[1] with { Offset = 5 } },
            Loss = Loss.Mse,
            Fingerprint = "x",
            Summary = "",
        };

        var error = Assert.Throws<ArgumentException>(() => new LastStepDenseModel(bad, fixture.Device, 0));
        Assert.Contains("dense/bias overlaps another tensor at element 5", error.Message);
    }
}
