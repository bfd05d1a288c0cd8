using ILGPU.Runtime;
using SeqDsl.Engine;
using SeqDsl.Training;

namespace SeqDsl.Runtime.Tests.Engine;

/// <summary>
/// The device runs out of memory part-way through an owner's allocations: the buffers it had already allocated must
/// be freed before the failure is passed on, or they stay allocated until the accelerator is disposed. Each allocation
/// made through <see cref="DeviceMemory"/> is made to fail in turn (<see cref="AllocationProbe"/>), and every buffer
/// allocated before it must then be disposed.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class AllocationFailureTests(CpuDeviceFixture fixture)
{
    private static readonly double[,] W = { { 2.0, -1.0 }, { 0.5, 1.5 }, { -0.75, 0.25 } };
    private static readonly double[] B = { 0.5, -0.3 };

    private Accelerator Accelerator => fixture.Device.Accelerator;

    private static (TensorData X, TensorData Y) Data(int samples, int seed)
    {
        var (x, y) = LinearData.Make(samples, 4, W, B, seed);
        return (TensorData.From(x, "x"), TensorData.From(y, "y"));
    }

    [Fact]
    public void Sample_losses_free_the_loss_buffer_when_the_error_buffer_fails()
    {
        // loss, last-step error
        Assert.Equal(2, FailEachAllocationInTurn(() => new SampleLosses(Accelerator, 10)));
    }

    [Fact]
    public void A_device_data_set_frees_what_it_allocated_when_a_later_allocation_fails()
    {
        var (x, y) = Data(10, seed: 1);
        // inputs, targets, identity rows, loss, last-step error
        Assert.Equal(5, FailEachAllocationInTurn(() => new DeviceDataSet(Accelerator, x, y)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Training_batches_free_what_they_allocated_when_a_later_allocation_fails(bool streamed)
    {
        var (x, y) = Data(10, seed: 2);
        // loss, last-step error (the base class's), then inputs, targets, rows
        Assert.Equal(5, FailEachAllocationInTurn(() => TrainingBatches.Create(Accelerator, x, y, batchSize: 4, streamed)));
    }

    [Theory]
    [InlineData(Optimizer.Adam, 5)] // mask, first and second moments, norm partials, norm
    [InlineData(Optimizer.Sgd, 4)] // mask, velocity, norm partials, norm
    public void An_optimizer_run_frees_what_it_allocated_when_a_later_allocation_fails(Optimizer optimizer, int allocations)
    {
        var description = LastStepDenseModel.Describe(3, 2);
        var settings = OptimizerSettings.Resolve(new FitOptions { Optimizer = optimizer }, description);
        Assert.Equal(allocations, FailEachAllocationInTurn(() => new OptimizerRun(fixture.Device, settings, description.Parameters, description.ParameterCount)));
    }

    [Fact]
    public void A_model_whose_weights_cannot_be_initialized_frees_its_weights_buffer()
    {
        // A real failure after the allocation: an initializer the runtime does not know. The device is the caller's
        // and outlives the model, so the buffer must not stay on it.
        var valid = LastStepDenseModel.Describe(3, 2);
        var description = new ModelDescription
        {
            Name = valid.Name,
            InputFeatures = valid.InputFeatures,
            OutputFeatures = valid.OutputFeatures,
            OutputIsSequence = valid.OutputIsSequence,
            ParameterCount = valid.ParameterCount,
            Parameters = valid.Parameters.Select(p => p.Name == "bias" ? p with { Init = (ParameterInit)99 } : p).ToArray(),
            Loss = valid.Loss,
            LearningRate = valid.LearningRate,
            Fingerprint = valid.Fingerprint,
            Summary = valid.Summary,
        };

        using var probe = new AllocationProbe();
        Assert.Throws<ArgumentOutOfRangeException>(() => new LastStepDenseModel(description, fixture.Device, seed: 0));
        Assert.Single(probe.Buffers); // the weights
        AssertAllDisposed(probe.Buffers, "after the initializer failed");
    }

    [Fact]
    public void Prediction_buffers_never_hand_out_a_freed_buffer_after_a_failed_growth()
    {
        // Growing from 4 to 8 samples allocates loss, last-step error, rows, inputs, predictions; each fails in turn.
        // Predict then retries smaller chunks: the next Ensure must allocate what is missing, not reuse a freed buffer
        // or leave one null.
        const int ValuesPerSample = 12;
        const int OutputsPerSample = 2;
        for (int failAt = 0; failAt < 5; failAt++)
        {
            using var probe = new AllocationProbe();
            var buffers = new PredictionBuffers(Accelerator);
            buffers.Ensure(4, ValuesPerSample, OutputsPerSample);

            probe.FailAt = probe.Attempts + failAt;
            Assert.Throws<SimulatedOutOfMemoryException>(() => buffers.Ensure(8, ValuesPerSample, OutputsPerSample));
            probe.FailAt = -1;

            buffers.Ensure(4, ValuesPerSample, OutputsPerSample);
            string when = $"after allocation {failAt} of the growth failed";
            // Each of the five buffers is allocated (a null one would throw here)…
            Assert.True(buffers.Rows.Length >= 4 && buffers.SampleLoss.Length >= 4 && buffers.SampleLastStepError.Length >= 4, $"{when}, a per-sample buffer is too short");
            Assert.True(buffers.Inputs.Length >= 4 * ValuesPerSample && buffers.Predictions.Length >= 4 * OutputsPerSample, $"{when}, the inputs or predictions buffer is too short");
            // …and live: a freed one still held would leave fewer than five live, one not held more than five.
            Assert.True(probe.Buffers.Count(b => !b.IsDisposed) == 5, $"{when}, {probe.Buffers.Count(b => !b.IsDisposed)} buffers are live, not the five held");

            buffers.Dispose();
            AssertAllDisposed(probe.Buffers, when + ", and Dispose");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_fit_that_runs_out_of_memory_frees_its_buffers_and_leaves_the_weights(bool streamed)
    {
        var (x, y) = LinearData.Make(20, 4, W, B, seed: 3);
        var (vx, vy) = LinearData.Make(8, 4, W, B, seed: 4);
        var options = new FitOptions { StreamTrainingSet = streamed };
        using var model = new LastStepDenseModel(fixture.Device, seed: 5);
        model.Fit(x, y, epochs: 1, batchSize: 8, options: options); // allocates the model's own gradient buffer

        for (int failAt = 0; ; failAt++)
        {
            var before = model.GetWeights();
            using var probe = new AllocationProbe { FailAt = failAt };
            var failure = Record.Exception(() => model.Fit(x, y, epochs: 1, batchSize: 8, validation: (vx, vy), options: options));
            string when = $"after allocation {failAt} of the Fit failed";
            AssertAllDisposed(probe.Buffers, failure is null ? "after a Fit that succeeded" : when);
            if (failure is null)
            {
                // Training batches 5, predictions 1, Adam 5, validation set 5, its predictions 1.
                Assert.Equal(17, failAt);
                Assert.NotEqual(before, model.GetWeights());
                return;
            }

            Assert.IsType<SimulatedOutOfMemoryException>(failure);
            Assert.Equal(before, model.GetWeights());
        }
    }

    /// <summary>
    /// Creates with allocation 0, 1, 2, … failing in turn until creation needs no more: after each failure every buffer
    /// allocated before it must be disposed. The creation that succeeds holds them all, and its Dispose frees them.
    /// Returns the allocations a creation makes.
    /// </summary>
    private static int FailEachAllocationInTurn(Func<IDisposable> create)
    {
        for (int failAt = 0; ; failAt++)
        {
            using var probe = new AllocationProbe { FailAt = failAt };
            IDisposable created;
            try
            {
                created = create();
            }
            catch (SimulatedOutOfMemoryException)
            {
                Assert.Equal(failAt, probe.Buffers.Count);
                AssertAllDisposed(probe.Buffers, $"after allocation {failAt} failed");
                continue;
            }

            Assert.Equal(failAt, probe.Buffers.Count);
            Assert.All(probe.Buffers, buffer => Assert.False(buffer.IsDisposed));
            created.Dispose();
            AssertAllDisposed(probe.Buffers, "after Dispose");
            return failAt;
        }
    }

    private static void AssertAllDisposed(List<MemoryBuffer> buffers, string when)
    {
        var live = Enumerable.Range(0, buffers.Count).Where(i => !buffers[i].IsDisposed).ToArray();
        Assert.True(live.Length == 0, $"{when}, the buffers of allocations {string.Join(", ", live)} (of {buffers.Count}) are still allocated");
    }
}
