using System.Reflection;
using SeqDsl.Engine;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// Runs one generated model on two devices (or two schedules of one device) from the same seed and compares what
/// they compute: predictions, loss and the gradient of every parameter tensor. Used by <see cref="HostCodeTests"/>
/// (host code against ILGPU's kernels) and by the GPU check program (eng/DeviceCheck: CUDA against host code), so both
/// compare the same things in the same way.
/// </summary>
public static class DeviceComparison
{
    /// <summary>One compared quantity: its name and the relative 2-norm difference ‖actual − expected‖ / max(‖expected‖, 1e-6).</summary>
    public readonly record struct Difference(string What, double Relative, string? Problem = null);

    /// <summary>The comparison of one model: every compared quantity, and the loss of both sides.</summary>
    public sealed record Result(string Model, IReadOnlyList<Difference> Differences, double ExpectedLoss, double ActualLoss, bool AnyNonZeroGradient)
    {
        /// <summary>The largest relative difference (the loss counted relative to max(1, |loss|)).</summary>
        public double Worst
        {
            get
            {
                // A NaN anywhere makes the worst NaN (Enumerable.Max would rank it lowest and hide it).
                double worst = LossDifference;
                foreach (var d in Differences)
                {
                    worst = double.IsNaN(d.Relative) || d.Relative > worst ? d.Relative : worst;
                }

                return worst;
            }
        }

        public double LossDifference => Math.Abs(ExpectedLoss - ActualLoss) / Math.Max(1, Math.Abs(ExpectedLoss));

        /// <summary>
        /// Asserts that both sides agree to the last bit (every compared quantity, and the loss) and that some gradient is
        /// non-zero, so the agreement says something; <paramref name="where"/> names the device in the failures.
        /// </summary>
        public void AssertSameBits(string where)
        {
            Assert.True(AnyNonZeroGradient, Model + ": every gradient is zero");
            Assert.All(Differences, d => Assert.True(d.Problem is null && d.Relative == 0, $"{Model} {d.What} on {where}: {d.Problem ?? "relative difference " + d.Relative.ToString("E2")}, expected none"));
            Assert.Equal(ExpectedLoss, ActualLoss);
        }

        /// <summary>Why the comparison fails at <paramref name="tolerance"/>, or null when it passes.</summary>
        public string? Failure(double tolerance)
        {
            if (!AnyNonZeroGradient)
                return $"{Model}: every gradient of the reference is zero, so the comparison proves nothing";
            if (!(LossDifference <= tolerance))
                return $"{Model}: loss {ExpectedLoss} (reference) vs {ActualLoss}";
            foreach (var d in Differences)
            {
                if (d.Problem is not null)
                    return $"{Model} {d.What}: {d.Problem}";
                if (!(d.Relative <= tolerance))
                    return $"{Model} {d.What}: relative difference {d.Relative:E2} > {tolerance:E0}";
            }

            return null;
        }
    }

    /// <summary>
    /// Compares <paramref name="modelType"/> on <paramref name="reference"/> and on <paramref name="device"/>, both
    /// created with one seed; <paramref name="inspect"/> (optional) sees both models first (reference, compared).
    /// <paramref name="samples"/> is the batch (default 5; a stateful model always runs its declared batch size).
    /// </summary>
    public static Result Compare(Type modelType, SeqDevice reference, SeqDevice device, Action<ModelBase, ModelBase>? inspect = null, int? samples = null)
    {
        using var expectedModel = Create(modelType, reference);
        using var actualModel = Create(modelType, device);
        inspect?.Invoke(expectedModel, actualModel);
        var differences = new List<Difference>();

        var d = expectedModel.Description;
        int batch = d.Stateful ? d.BatchSize : samples ?? 5;
        int steps = d.InputSteps > 0 ? d.InputSteps : 12;
        var random = new Random(13);
        float[] flat = new float[batch * steps * d.InputFeatures];
        for (int i = 0; i < flat.Length; i++)
        {
            flat[i] = d.EmbeddingInputDim > 0 ? random.Next(d.EmbeddingInputDim) : (float)(random.NextDouble() * 2 - 1);
        }

        var x = new TensorData(flat, batch, steps, d.InputFeatures, d.InputRank, "x");
        if (d.InputRank == 3)
        {
            var x3 = TensorData.ToArray3D(flat, batch, steps, d.InputFeatures);
            differences.Add(Measure("predictions", LayerChecks.Flatten(Predict(expectedModel, x3, batch)), LayerChecks.Flatten(Predict(actualModel, x3, batch))));
            if (d.Stateful)
            {
                expectedModel.ResetStates();
                actualModel.ResetStates();
            }
        }

        var program = ProgramOf(expectedModel);
        int outputSteps = d.OutputIsSequence ? program.OutputSteps(steps) : 1;
        var y = TensorData.From(LayerChecks.Targets(random, d.Loss, batch, outputSteps, d.OutputFeatures, d.OutputIsSequence), "y");
        var (expected, expectedLoss) = expectedModel.ComputeGradients(x, y);
        var (actual, actualLoss) = actualModel.ComputeGradients(x, y);
        foreach (var tensor in d.Parameters)
        {
            differences.Add(Measure("gradient of " + tensor.Layer + "/" + tensor.Name, expected.AsSpan(tensor.Offset, tensor.Length).ToArray(), actual.AsSpan(tensor.Offset, tensor.Length).ToArray()));
        }

        return new Result(modelType.Name, differences, expectedLoss, actualLoss, expected.Any(g => g != 0f));
    }

    /// <summary>The relative 2-norm difference of two arrays; a length mismatch or a finite/non-finite mismatch is a problem.</summary>
    public static Difference Measure(string what, float[] expected, float[] actual)
    {
        if (expected.Length != actual.Length)
            return new(what, double.PositiveInfinity, $"{expected.Length} values vs {actual.Length}");
        double diff = 0, norm = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (float.IsFinite(actual[i]) != float.IsFinite(expected[i]))
                return new(what, double.PositiveInfinity, $"[{i}]: {expected[i]} vs {actual[i]}");
            diff += (expected[i] - actual[i]) * (double)(expected[i] - actual[i]);
            norm += expected[i] * (double)expected[i];
        }

        return new(what, Math.Sqrt(diff) / Math.Max(Math.Sqrt(norm), 1e-6));
    }

    /// <summary>The model's program (internal), e.g. to read which kind of code it runs.</summary>
    internal static NetworkProgram ProgramOf(ModelBase model) =>
        (NetworkProgram)typeof(ModelBase).GetProperty("Program", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(model)!;

    /// <summary>A generated model on <paramref name="device"/> with the seed both sides share.</summary>
    public static ModelBase Create(Type type, SeqDevice device) => (ModelBase)Activator.CreateInstance(type, device, 17)!;

    /// <summary>The generated typed Predict, in one batch (a stateful model accepts only its declared batch size).</summary>
    private static Array Predict(ModelBase model, float[,,] x, int batchSize) =>
        (Array)model.GetType().GetMethod("Predict", new[] { typeof(float[,,]), typeof(int) })!.Invoke(model, new object[] { x, batchSize })!;
}
