namespace SeqDsl.Runtime.Tests.Engine;

/// <summary>
/// Gaps of <see cref="InputValidationTests"/>: NaN in targets, bad values at Predict and Evaluate, the explicit
/// switch-off for trusted data, and that a rejected call leaves the model exactly as it was (weights and the
/// generator that shuffles, which shows in the result of the next Fit).
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class InputValidationStateTests(CpuDeviceFixture fixture)
{
    private static readonly double[,] W = { { 2.0, -1.0 }, { 0.5, 1.5 }, { -0.75, 0.25 } };
    private static readonly double[] B = { 0.5, -0.3 };

    [Fact]
    public void NaNInTargets_NamesTheFirstBadIndex_AndLeavesTheModelUnchanged()
    {
        var (x, y) = LinearData.Make(12, 2, W, B, seed: 81);
        y[3, 1] = float.NaN;
        y[9, 0] = float.NaN;

        var error = AssertRejectedWithoutChange<ArgumentException>(model => model.Fit(x, y, epochs: 2, batchSize: 4));

        Assert.Equal("y", error.ParamName);
        Assert.Contains("y[3, 1] is NaN; every value must be finite (y has shape [12, 2]; this is its first bad element)", error.Message);
        Assert.Contains("FitOptions.ValidateInputs = false", error.Message);
    }

    [Fact]
    public void NaNInValidationTargets_IsNamedAsValidationY()
    {
        var (x, y) = LinearData.Make(12, 2, W, B, seed: 82);
        var (vx, vy) = LinearData.Make(6, 2, W, B, seed: 83);
        vy[5, 0] = float.NaN;

        var error = AssertRejectedWithoutChange<ArgumentException>(model => model.Fit(x, y, epochs: 1, batchSize: 4, validation: (vx, vy)));

        Assert.Equal("validation.Y", error.ParamName);
        Assert.Contains("validation.Y[5, 0] is NaN", error.Message);
    }

    [Fact]
    public void BadValuesAtPredictAndEvaluate_AreRejectedWithTheirIndex()
    {
        var (x, y) = LinearData.Make(10, 4, W, B, seed: 84);
        x[7, 2, 1] = float.PositiveInfinity;
        var (cleanX, badY) = LinearData.Make(10, 4, W, B, seed: 85);
        badY[4, 1] = float.NegativeInfinity;

        var predict = AssertRejectedWithoutChange<ArgumentException>(model => model.Predict(x));
        var evaluate = AssertRejectedWithoutChange<ArgumentException>(model => model.Evaluate(cleanX, badY));

        Assert.Contains("x[7, 2, 1] is +Infinity", predict.Message);
        Assert.Contains("y[4, 1] is -Infinity", evaluate.Message);
    }

    [Fact]
    public void ScanInputValuesOff_LetsPredictAndEvaluateRunOnTrustedData_ButStillChecksShapes()
    {
        var (x, y) = LinearData.Make(10, 4, W, B, seed: 88);
        using var model = new LastStepDenseModel(fixture.Device, seed: 3);
        var clean = model.Predict(x);
        x[7, 3, 1] = float.NaN;

        Assert.Throws<ArgumentException>("x", () => model.Predict(x));
        model.ScanInputValues = false;
        var unscanned = model.Predict(x);

        // Sample 7 reads the NaN at its last step and predicts NaN; every other sample is what it was.
        for (int i = 0; i < clean.GetLength(0); i++)
        {
            for (int j = 0; j < clean.GetLength(1); j++)
            {
                if (i == 7)
                {
                    Assert.True(float.IsNaN(unscanned[i, j]), $"sample 7 output {j} should be NaN");
                }
                else
                {
                    Assert.Equal(clean[i, j], unscanned[i, j]);
                }
            }
        }

        Assert.True(double.IsNaN(model.Evaluate(x, y).Loss));
        Assert.Throws<ArgumentException>("x", () => model.Predict(new float[10, 4, 5]));
    }

    [Fact]
    public void ShapeErrors_LeaveTheModelUnchanged()
    {
        var (x, y) = LinearData.Make(10, 4, W, B, seed: 86);

        AssertRejectedWithoutChange<ArgumentException>(model => model.Fit(new float[10, 4, 5], y));
        AssertRejectedWithoutChange<ArgumentException>(model => model.Fit(x, new float[10, 3]));
        AssertRejectedWithoutChange<ArgumentOutOfRangeException>(model => model.Fit(x, y, batchSize: 0));
    }

    [Fact]
    public void ValidateInputsOff_SkipsTheValueScan_ButNeverTheShapeChecks()
    {
        var (x, y) = LinearData.Make(12, 2, W, B, seed: 87);
        var options = new FitOptions { ValidateInputs = false };
        using var model = new LastStepDenseModel(fixture.Device, seed: 3);

        // Clean data trains the same with and without the scan.
        using var scanned = new LastStepDenseModel(fixture.Device, seed: 3);
        model.Fit(x, y, epochs: 2, batchSize: 4, options: options);
        scanned.Fit(x, y, epochs: 2, batchSize: 4);
        Assert.Equal(scanned.GetWeights(), model.GetWeights());

        // A NaN target is not scanned for: it reaches the loss, and the run stops as diverged with finite weights.
        var before = model.GetWeights();
        y[2, 0] = float.NaN;
        Assert.Throws<TrainingDivergedException>(() => model.Fit(x, y, epochs: 1, batchSize: 4, options: options));
        Assert.Equal(before, model.GetWeights());

        // Shapes are still checked: they keep the kernels inside their buffers.
        var shape = Assert.Throws<ArgumentException>(() => model.Fit(x, new float[11, 2], options: options));
        Assert.Contains("x has 12 sample(s) but y has 11", shape.Message);
    }

    /// <summary>
    /// <paramref name="call"/> must throw <typeparamref name="T"/> and leave the model as it was: same weights, and a
    /// following Fit gives what it gives on an identical model that never saw the bad call.
    /// </summary>
    private T AssertRejectedWithoutChange<T>(Action<LastStepDenseModel> call) where T : Exception
    {
        var (x, y) = LinearData.Make(16, 2, W, B, seed: 80);
        using var model = new LastStepDenseModel(fixture.Device, seed: 5);
        using var twin = new LastStepDenseModel(fixture.Device, seed: 5);
        var before = model.GetWeights();

        var error = Assert.Throws<T>(() => call(model));

        Assert.Equal(before, model.GetWeights());
        model.Fit(x, y, epochs: 1, batchSize: 4);
        twin.Fit(x, y, epochs: 1, batchSize: 4);
        Assert.Equal(twin.GetWeights(), model.GetWeights());
        return error;
    }
}
