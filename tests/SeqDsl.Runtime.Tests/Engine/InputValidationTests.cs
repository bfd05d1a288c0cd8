using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SeqDsl.Engine;

namespace SeqDsl.Runtime.Tests.Engine;

/// <summary>Bad data is rejected before it reaches the device, with the argument, both shapes and the first bad index.</summary>
[Collection(EngineCollection.Name)]
public sealed class InputValidationTests(CpuDeviceFixture fixture)
{
    private static float[,,] X(int samples, int steps, int features) => new float[samples, steps, features];

    [Fact]
    public void WrongRank_NamesExpectedAndActualShape()
    {
        using var model = new LastStepDenseModel(fixture.Device);

        var error = Assert.Throws<ArgumentException>(() => model.FitTensors(TensorData.From(new float[10, 3], "x"), TensorData.From(new float[10, 2], "y")));

        Assert.Equal("x", error.ParamName);
        Assert.Contains("must be a 3-D array [samples, steps, features]", error.Message);
        Assert.Contains("got a 2-D array of shape [10, 3]", error.Message);
        Assert.Contains("expected [10, steps, 3]", error.Message);
    }

    [Fact]
    public void WrongFeatureCount_NamesBothShapes()
    {
        using var model = new LastStepDenseModel(fixture.Device);

        var error = Assert.Throws<ArgumentException>(() => model.Fit(X(10, 4, 2), new float[10, 2]));

        Assert.Contains("x has 2 feature(s) per step, but LastStepDense expects InputFeatures = 3", error.Message);
        Assert.Contains("expected shape [10, steps, 3], got [10, 4, 2]", error.Message);
    }

    [Fact]
    public void WrongStepsForFixedStepModel_NamesBothShapes()
    {
        using var model = new LastStepDenseModel(fixture.Device, inputSteps: 4);

        var error = Assert.Throws<ArgumentException>(() => model.Predict(X(6, 5, 3)));

        Assert.Contains("x has 5 step(s), but LastStepDense was declared with InputSteps = 4", error.Message);
        Assert.Contains("expected shape [6, 4, 3], got [6, 5, 3]", error.Message);
    }

    [Fact]
    public void NaNInInputs_GivesFirstBadIndex()
    {
        using var model = new LastStepDenseModel(fixture.Device);
        var x = X(20, 4, 3);
        x[12, 3, 0] = float.NaN;
        x[15, 0, 0] = float.NaN;

        var error = Assert.Throws<ArgumentException>(() => model.Fit(x, new float[20, 2]));

        Assert.Contains("x[12, 3, 0] is NaN", error.Message);
        Assert.Contains("shape [20, 4, 3]", error.Message);
    }

    [Fact]
    public void InfinityInTargets_AndInValidationData_GiveTheirIndex()
    {
        using var model = new LastStepDenseModel(fixture.Device);
        var y = new float[20, 2];
        y[7, 1] = float.NegativeInfinity;
        var error = Assert.Throws<ArgumentException>(() => model.Fit(X(20, 4, 3), y));
        Assert.Contains("y[7, 1] is -Infinity", error.Message);

        var vx = X(5, 4, 3);
        vx[2, 1, 2] = float.PositiveInfinity;
        var validation = Assert.Throws<ArgumentException>(() => model.Fit(X(20, 4, 3), new float[20, 2], validation: (vx, new float[5, 2])));
        Assert.Contains("validation.X[2, 1, 2] is +Infinity", validation.Message);
        Assert.Equal("validation.X", validation.ParamName);
    }

    [Fact]
    public void MismatchedSampleCount_NamesBothCounts()
    {
        using var model = new LastStepDenseModel(fixture.Device);

        var error = Assert.Throws<ArgumentException>(() => model.Fit(X(100, 4, 3), new float[90, 2]));

        Assert.Equal("y", error.ParamName);
        Assert.Contains("x has 100 sample(s) but y has 90", error.Message);
        Assert.Contains("expected y of shape [100, 2], got [90, 2]", error.Message);
    }

    [Fact]
    public void TargetsOfWrongWidth_NameTheOutputShape()
    {
        using var model = new LastStepDenseModel(fixture.Device);

        var error = Assert.Throws<ArgumentException>(() => model.Evaluate(X(8, 4, 3), new float[8, 5]));

        Assert.Contains("expected shape [8, 2] (samples, output features), got [8, 5]", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void BatchSizeBelowOne_IsRejected(int batchSize)
    {
        using var model = new LastStepDenseModel(fixture.Device);

        var fit = Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(X(8, 4, 3), new float[8, 2], batchSize: batchSize));
        var predict = Assert.Throws<ArgumentOutOfRangeException>(() => model.Predict(X(8, 4, 3), batchSize));

        Assert.Equal("batchSize", fit.ParamName);
        Assert.Contains($"batchSize must be at least 1, got {batchSize}", fit.Message);
        Assert.Equal("batchSize", predict.ParamName);
    }

    [Fact]
    public void EmptyData_AndZeroEpochs_AreRejected()
    {
        using var model = new LastStepDenseModel(fixture.Device);

        var empty = Assert.Throws<ArgumentException>(() => model.Fit(X(0, 4, 3), new float[0, 2]));
        var epochs = Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(X(8, 4, 3), new float[8, 2], epochs: 0));

        Assert.Contains("x is empty", empty.Message);
        Assert.Contains("got [0, 4, 3]", empty.Message);
        Assert.Equal("epochs", epochs.ParamName);
    }

    [Fact]
    public void InvalidOptions_AreRejectedBeforeTraining()
    {
        using var model = new LastStepDenseModel(fixture.Device);
        var before = model.GetWeights();

        var lr = Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(X(8, 4, 3), new float[8, 2], options: new FitOptions { LearningRate = -1 }));
        var patience = Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(X(8, 4, 3), new float[8, 2], options: new FitOptions { EarlyStopping = new EarlyStopping(Patience: 0) }));

        Assert.Contains("LearningRate must be a finite number > 0, got -1", lr.Message);
        Assert.Contains("Patience must be at least 1 epoch, got 0", patience.Message);
        Assert.Equal(before, model.GetWeights());
    }

    [Fact]
    public void TensorDataFromArray_RejectsOtherTypes()
    {
        var error = Assert.Throws<ArgumentException>(() => TensorData.From(new double[3, 4], "x"));

        Assert.Contains("x must be float[samples, steps, features] or float[samples, features], got Double[,] of rank 2", error.Message);
    }

    [Fact]
    public void TensorData_WrapsTheUsersArray_WithoutCopyingIt()
    {
        // A copy would hold the whole data set a second time for the length of a Fit.
        var three = new float[4, 5, 6];
        var two = new float[4, 6];
        three[3, 4, 5] = 7f;
        two[1, 2] = 9f;

        var x = TensorData.From(three, "x");
        var y = TensorData.From((Array)two, "y");
        three[0, 1, 2] = 3f;

        Assert.True(Unsafe.AreSame(ref MemoryMarshal.GetReference(x.Values), ref three[0, 0, 0]));
        Assert.True(Unsafe.AreSame(ref MemoryMarshal.GetReference(y.Values), ref two[0, 0]));
        Assert.Equal(120, x.Values.Length);
        Assert.Equal(7f, x.Values[119]);
        Assert.Equal(3f, x.Values[(1 * 6) + 2]);
        Assert.Equal(9f, y.Values[(1 * 6) + 2]);
        Assert.False(default(TensorData).HasValues);
        Assert.True(x.HasValues);
    }

    [Fact]
    public void TensorData_IndexText_UsesTheUsersRank()
    {
        var three = TensorData.From(new float[4, 5, 6], "x");
        var two = TensorData.From(new float[4, 6], "y");

        Assert.Equal("x[2, 3, 4]", three.IndexText(2 * 30 + 3 * 6 + 4));
        Assert.Equal("y[2, 4]", two.IndexText(2 * 6 + 4));
        Assert.Equal("[4, 5, 6]", three.ShapeText);
    }
}
