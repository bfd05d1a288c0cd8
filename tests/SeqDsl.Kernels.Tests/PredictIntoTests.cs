using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// The generated <c>Predict(x, destination)</c> overloads: the same bits as <c>Predict(x)</c> for sequence and vector
/// outputs, in one chunk or several, on the device or as host code (small predictions on PoCL); a reused destination
/// holds only the latest call's predictions; wrong arguments are refused before anything is written.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class PredictIntoTests : IClassFixture<PoclScheduleFixture>
{
    private const float Sentinel = 123f;

    private readonly SeqDevice device;
    private readonly PoclScheduleFixture pocl;

    public PredictIntoTests(CpuDeviceFixture fixture, PoclScheduleFixture poclFixture)
    {
        device = fixture.Device;
        pocl = poclFixture;
    }

    private static float[,,] Inputs(int samples, int steps, int features, int seed) =>
        CellTestSupport.Inputs(new Random(seed), samples, steps, features);

    private static Span<float> Elements(Array array) =>
        MemoryMarshal.CreateSpan(ref Unsafe.As<byte, float>(ref MemoryMarshal.GetArrayDataReference(array)), array.Length);

    private static float[,,] Filled(float[,,] array)
    {
        Elements(array).Fill(Sentinel);
        return array;
    }

    private static float[,] Filled(float[,] array)
    {
        Elements(array).Fill(Sentinel);
        return array;
    }

    /// <summary>Every value's bits, so that equal arrays are equal to the last bit.</summary>
    private static int[] Bits(Array array) => array.Cast<float>().Select(BitConverter.SingleToInt32Bits).ToArray();

    private static void AssertUntouched(Array destination) =>
        Assert.All(destination.Cast<float>(), value => Assert.Equal(Sentinel, value));

    /// <summary>The call is refused with an <see cref="ArgumentException"/> naming <paramref name="paramName"/> and saying <paramref name="message"/>, and the sentinel-filled destination keeps every value.</summary>
    private static void AssertRefused(Action predict, Array destination, string paramName, string message)
    {
        var error = Assert.Throws<ArgumentException>(predict);
        Assert.Equal(paramName, error.ParamName);
        Assert.Contains(message, error.Message);
        AssertUntouched(destination);
    }

    [Theory]
    [InlineData(7, 256)] // one chunk
    [InlineData(7, 3)]   // chunks of 3, 3 and 1
    public void Sequence_predictions_into_a_destination_are_the_bits_Predict_returns(int samples, int batchSize)
    {
        using var model = new LstmSequenceModel(seed: 3, device: device);
        var x = Inputs(samples, 5, 3, seed: batchSize);
        var expected = model.Predict(x, batchSize);
        var destination = Filled(new float[samples, 5, 2]);

        model.Predict(x, destination, batchSize);

        Assert.Equal(Bits(expected), Bits(destination));
        Assert.DoesNotContain(Sentinel, destination.Cast<float>());
    }

    [Theory]
    [InlineData(9, 256)] // one chunk
    [InlineData(9, 4)]   // chunks of 4, 4 and 1
    public void Vector_predictions_into_a_destination_are_the_bits_Predict_returns(int samples, int batchSize)
    {
        using var model = new LstmStackModel(seed: 5, device: device);
        var x = Inputs(samples, 6, 2, seed: batchSize);
        var expected = model.Predict(x, batchSize);
        var destination = Filled(new float[samples, 2]);

        model.Predict(x, destination, batchSize);

        Assert.Equal(Bits(expected), Bits(destination));
        Assert.DoesNotContain(Sentinel, destination.Cast<float>());
    }

    [Fact]
    public void A_convolutions_shorter_output_axis_sizes_the_destination()
    {
        // Conv1D(20, 4, strides 2): 20 input steps give 9 output steps, so the destination is [samples, 9, 10].
        using var model = new ConvGruForecaster(seed: 2, device: device);
        var x = Inputs(5, 20, 1, seed: 8);
        var expected = model.Predict(x, batchSize: 2);
        var destination = Filled(new float[5, 9, 10]);

        model.Predict(x, destination, batchSize: 2);
        Assert.Equal(Bits(expected), Bits(destination));

        var inputLength = Filled(new float[5, 20, 10]);
        AssertRefused(() => model.Predict(x, inputLength), inputLength, "destination", "destination is [5, 20, 10] but the predictions of x are [5, 9, 10] (samples, output steps, output features).");
    }

    [Fact]
    public void Small_predictions_into_a_destination_run_as_host_code_on_PoCL_with_Predicts_bits()
    {
        if (pocl.Device is not { } poclDevice)
        {
            Console.WriteLine("PoCL unavailable: " + pocl.Missing);
            return;
        }

        using (var sequence = new LstmSequenceModel(seed: 7, device: poclDevice) { SmallPredictionsOnHost = true })
        {
            var x = Inputs(2, 5, 3, seed: 1);
            var destination = Filled(new float[2, 5, 2]);
            sequence.Predict(x, destination);
            Assert.True(sequence.HasHostInference, "the small prediction into a destination did not run as host code");
            Assert.Equal(Bits(sequence.Predict(x)), Bits(destination));
        }

        using var vector = new LstmStackModel(seed: 7, device: poclDevice) { SmallPredictionsOnHost = true };
        var one = Inputs(1, 6, 2, seed: 2);
        var row = Filled(new float[1, 2]);
        vector.Predict(one, row);
        Assert.True(vector.HasHostInference, "the small prediction into a destination did not run as host code");
        Assert.Equal(Bits(vector.Predict(one)), Bits(row));
    }

    [Fact]
    public void A_reused_destination_holds_only_the_latest_predictions()
    {
        using var model = new LstmSequenceModel(seed: 3, device: device);
        var first = Inputs(6, 5, 3, seed: 11);
        var second = Inputs(6, 5, 3, seed: 12);
        var expectedFirst = model.Predict(first);
        var expectedSecond = model.Predict(second);
        Assert.NotEqual(Bits(expectedFirst), Bits(expectedSecond));
        var destination = Filled(new float[6, 5, 2]);

        model.Predict(first, destination, batchSize: 4);
        Assert.Equal(Bits(expectedFirst), Bits(destination));
        model.Predict(second, destination, batchSize: 4);

        Assert.Equal(Bits(expectedSecond), Bits(destination));
    }

    [Theory]
    [InlineData(5, 5, 2)] // one sample too few
    [InlineData(6, 6, 2)] // one output step too many
    [InlineData(6, 5, 3)] // one output feature too many
    public void A_sequence_destination_of_another_shape_is_refused_with_both_shapes_and_left_unchanged(int samples, int steps, int features)
    {
        using var model = new LstmSequenceModel(seed: 3, device: device);
        var destination = Filled(new float[samples, steps, features]);

        AssertRefused(() => model.Predict(Inputs(6, 5, 3, seed: 1), destination), destination, "destination",
            $"destination is [{samples}, {steps}, {features}] but the predictions of x are [6, 5, 2] (samples, output steps, output features).");
    }

    [Theory]
    [InlineData(4, 2)] // one sample too many
    [InlineData(3, 1)] // one output too few
    public void A_vector_destination_of_another_shape_is_refused_with_both_shapes_and_left_unchanged(int samples, int outputs)
    {
        using var model = new LstmStackModel(seed: 5, device: device);
        var destination = Filled(new float[samples, outputs]);

        AssertRefused(() => model.Predict(Inputs(3, 6, 2, seed: 1), destination), destination, "destination",
            $"destination is [{samples}, {outputs}] but the predictions of x are [3, 2] (samples, output features).");
    }

    [Fact]
    public void A_null_destination_is_refused()
    {
        using var sequence = new LstmSequenceModel(seed: 3, device: device);
        Assert.Equal("destination", Assert.Throws<ArgumentNullException>(() => sequence.Predict(Inputs(2, 5, 3, seed: 1), (float[,,])null!)).ParamName);

        using var vector = new LstmStackModel(seed: 5, device: device);
        Assert.Equal("destination", Assert.Throws<ArgumentNullException>(() => vector.Predict(Inputs(2, 6, 2, seed: 1), (float[,])null!)).ParamName);
    }

    [Fact]
    public void A_decoders_own_step_count_sizes_the_destination_whatever_the_input_length()
    {
        // RepeatVector(6): 4 input steps give 6 output steps; a destination of the input's steps is refused.
        using var model = new RepeatMoreStepsModel(seed: 6, device: device);
        var x = Inputs(5, 4, 2, seed: 8);
        var expected = model.Predict(x, 2);
        Assert.Equal(6, expected.GetLength(1));
        var destination = Filled(new float[5, 6, 1]);

        model.Predict(x, destination, 2);

        Assert.Equal(Bits(expected), Bits(destination));
        var wrong = Filled(new float[5, 4, 1]);
        AssertRefused(() => model.Predict(x, wrong), wrong, "destination", "destination is [5, 4, 1] but the predictions of x are [5, 6, 1]");
    }

    [Fact]
    public void A_sparse_label_classifier_writes_its_class_probabilities_not_one_index_per_sample()
    {
        // Its targets are one class index per sample, but its predictions are the 3 classes' probabilities.
        using var model = new SoftmaxClassifier(seed: 4, device: device);
        var x = Inputs(6, 5, 2, seed: 3);
        var expected = model.Predict(x);
        var destination = Filled(new float[6, 3]);

        model.Predict(x, destination);

        Assert.Equal(Bits(expected), Bits(destination));
        var oneIndex = Filled(new float[6, 1]);
        AssertRefused(() => model.Predict(x, oneIndex), oneIndex, "destination", "destination is [6, 1] but the predictions of x are [6, 3] (samples, output features).");
    }

    [Fact]
    public void The_inputs_themselves_are_refused_as_the_destination_and_left_unchanged()
    {
        // The autoencoder's predictions [samples, 4, 1] have its inputs' shape, so only the aliasing check stops this.
        using var model = new LstmAutoencoder(seed: 2, device: device);
        var x = Inputs(3, 4, 1, seed: 4);
        var before = Bits(x);

        var error = Assert.Throws<ArgumentException>(() => model.Predict(x, x));

        Assert.Equal("destination", error.ParamName);
        Assert.Contains("destination is x itself", error.Message);
        Assert.Equal(before, Bits(x));
        model.Predict(x, new float[3, 4, 1]); // the same shape in another array is fine
    }

    [Fact]
    public void Bad_inputs_are_refused_before_the_destination_is_touched()
    {
        using var model = new LstmSequenceModel(seed: 3, device: device);
        var destination = Filled(new float[4, 5, 2]);
        var x = Inputs(4, 5, 3, seed: 2);
        x[3, 4, 2] = float.NaN;

        AssertRefused(() => model.Predict(x, destination), destination, "x", "x[3, 4, 2] is NaN");
        AssertRefused(() => model.Predict(Inputs(4, 5, 2, seed: 2), destination), destination, "x", "expected shape [4, steps, 3], got [4, 5, 2]");

        // x is checked before the destination: a bad x names x even when the destination is missing.
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => model.Predict(x, (float[,,])null!)).ParamName);
    }
}
