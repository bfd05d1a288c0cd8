using ILGPU.Runtime.OpenCL;

namespace SeqDsl.Runtime.Tests.Engine;

/// <summary>
/// Predict into the caller's array (vector outputs, the engine's chunking and argument checks): the same bits as
/// Predict, every value of a reused array overwritten, and nothing written when an argument is wrong. Sequence outputs
/// and the small-predictions host path are covered with generated models in SeqDsl.Kernels.Tests.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class PredictIntoTests(CpuDeviceFixture fixture)
{
    private const float Sentinel = 123f;

    private static readonly double[,] W = { { 2.0, -1.0 }, { 0.5, 1.5 }, { -0.75, 0.25 } };
    private static readonly double[] B = { 0.5, -0.3 };

    private static float[,,] Inputs(int samples, int seed) => LinearData.Make(samples, 4, W, B, seed).X;

    private static float[,] Filled(int samples, int outputs)
    {
        var array = new float[samples, outputs];
        foreach (ref float value in System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref array[0, 0], array.Length))
        {
            value = Sentinel;
        }

        return array;
    }

    /// <summary>Every value's bits, so that equal arrays are equal to the last bit (and -0 differs from 0).</summary>
    private static int[] Bits(float[,] array) => array.Cast<float>().Select(BitConverter.SingleToInt32Bits).ToArray();

    private static void AssertUntouched(float[,] destination) =>
        Assert.All(destination.Cast<float>(), value => Assert.Equal(Sentinel, value));

    [Theory]
    [InlineData(20, 256)] // one chunk
    [InlineData(20, 7)]   // chunks of 7, 7 and 6
    [InlineData(20, 1)]   // one sample per chunk
    public void Gives_the_bits_Predict_returns(int samples, int batchSize)
    {
        using var model = new LastStepDenseModel(fixture.Device, seed: 3);
        var x = Inputs(samples, seed: 1);
        var expected = model.Predict(x, batchSize);
        var destination = Filled(samples, 2);

        model.Predict(x, destination, batchSize);

        Assert.Equal(Bits(expected), Bits(destination));
        Assert.DoesNotContain(Sentinel, destination.Cast<float>());
    }

    [Fact]
    public void A_reused_destination_holds_the_second_calls_predictions_everywhere()
    {
        using var model = new LastStepDenseModel(fixture.Device, seed: 3);
        var first = Inputs(12, seed: 1);
        var second = Inputs(12, seed: 2);
        var expectedFirst = model.Predict(first);
        var expectedSecond = model.Predict(second);
        var destination = Filled(12, 2);

        model.Predict(first, destination, batchSize: 5);
        Assert.Equal(Bits(expectedFirst), Bits(destination));
        model.Predict(second, destination, batchSize: 5);

        Assert.Equal(Bits(expectedSecond), Bits(destination));
        for (int s = 0; s < 12; s++)
        {
            Assert.NotEqual(expectedFirst[s, 0], destination[s, 0]); // every row really was rewritten
        }
    }

    [Fact]
    public void Halved_chunks_after_out_of_memory_fill_the_destination_as_Predict_does()
    {
        using var model = new LastStepDenseModel(fixture.Device, seed: 3);
        var x = Inputs(20, seed: 4);
        var expected = model.Predict(x, batchSize: 20);
        var program = model.CreatedProgram!;
        program.OutOfMemoryAbove = 6;
        program.ForwardBatches.Clear();
        var destination = Filled(20, 2);

        model.Predict(x, destination, batchSize: 20);

        Assert.Equal(new[] { 5, 5, 5, 5 }, program.ForwardBatches); // 20 and 10 did not fit
        Assert.Equal(Bits(expected), Bits(destination));
    }

    [Fact]
    public void A_device_failure_part_way_leaves_the_chunks_already_written_and_the_rest_unchanged()
    {
        using var model = new LastStepDenseModel(fixture.Device, seed: 3);
        var x = Inputs(20, seed: 5);
        var expected = model.Predict(x, batchSize: 8);
        var program = model.CreatedProgram!;
        int reserved = 0;
        program.ReserveFault = _ => ++reserved == 2 ? Assert.IsType<CLException>(Record.Exception(() => CLException.ThrowIfFailed(CLError.CL_INVALID_KERNEL_ARGS))) : null;
        var destination = Filled(20, 2);

        Assert.Throws<CLException>(() => model.Predict(x, destination, batchSize: 8));

        for (int s = 0; s < 20; s++)
        {
            for (int o = 0; o < 2; o++)
            {
                Assert.Equal(s < 8 ? expected[s, o] : Sentinel, destination[s, o]);
            }
        }
    }

    [Theory]
    [InlineData(11, 2)] // one sample too many
    [InlineData(9, 2)]  // one too few
    [InlineData(10, 3)] // one output too many
    [InlineData(10, 1)] // one too few
    public void A_destination_of_another_shape_is_refused_with_both_shapes_and_left_unchanged(int samples, int outputs)
    {
        using var model = new LastStepDenseModel(fixture.Device, seed: 3);
        var destination = Filled(samples, outputs);

        var error = Assert.Throws<ArgumentException>(() => model.Predict(Inputs(10, seed: 6), destination));

        Assert.Equal("destination", error.ParamName);
        Assert.StartsWith($"destination is [{samples}, {outputs}] but the predictions of x are [10, 2] (samples, output features).", error.Message);
        AssertUntouched(destination);
    }

    [Fact]
    public void A_null_destination_is_refused_with_the_shape_it_needs()
    {
        using var model = new LastStepDenseModel(fixture.Device, seed: 3);

        var error = Assert.Throws<ArgumentNullException>(() => model.Predict(Inputs(10, seed: 6), null!));

        Assert.Equal("destination", error.ParamName);
        Assert.Contains("[10, 2] (samples, output features)", error.Message);
    }

    [Fact]
    public void Bad_inputs_are_refused_before_the_destination_is_checked_or_touched()
    {
        using var model = new LastStepDenseModel(fixture.Device, seed: 3);
        var x = Inputs(10, seed: 7);
        x[6, 2, 1] = float.NaN;
        var destination = Filled(10, 2);

        var nan = Assert.Throws<ArgumentException>(() => model.Predict(x, destination));
        Assert.Equal("x", nan.ParamName);
        Assert.Contains("x[6, 2, 1] is NaN", nan.Message);
        AssertUntouched(destination);

        var features = Assert.Throws<ArgumentException>(() => model.Predict(new float[10, 4, 5], destination));
        Assert.Equal("x", features.ParamName);
        Assert.Contains("expected shape [10, steps, 3], got [10, 4, 5]", features.Message);
        AssertUntouched(destination);

        var batch = Assert.Throws<ArgumentOutOfRangeException>(() => model.Predict(Inputs(10, seed: 7), destination, batchSize: 0));
        Assert.Equal("batchSize", batch.ParamName);
        AssertUntouched(destination);

        // x is checked first: a bad x with a wrong or missing destination still names x.
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => model.Predict(x, Filled(3, 3))).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => model.Predict(x, null!)).ParamName);
    }
}
