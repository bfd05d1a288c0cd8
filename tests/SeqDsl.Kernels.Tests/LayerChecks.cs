using System.Reflection;
using SeqDsl.Engine;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// Shared assertions of the layer tests: generated forward against <see cref="LayerReference"/>, and generated gradients
/// against central finite differences of the reference: ‖g − g_ref‖ / ‖g_ref‖ ≤ 1e-3 per trainable tensor.
/// </summary>
internal static class LayerChecks
{
    public static float[,,] Inputs(Random random, int n, int t, int f)
    {
        var x = new float[n, t, f];
        for (int i = 0; i < n; i++) for (int j = 0; j < t; j++) for (int k = 0; k < f; k++) x[i, j, k] = (float)(random.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>Targets of <paramref name="shape"/> for <paramref name="loss"/>: class indices, one-hot rows, 0/1 labels, or values.</summary>
    public static Array Targets(Random random, Loss loss, int samples, int steps, int features, bool sequence)
    {
        int width = loss == Loss.SparseCategoricalCrossEntropy ? 1 : features;
        var flat = new float[samples * steps * width];
        for (int r = 0; r < samples * steps; r++)
        {
            int label = random.Next(features);
            for (int c = 0; c < width; c++)
            {
                flat[r * width + c] = loss switch
                {
                    Loss.SparseCategoricalCrossEntropy => label,
                    Loss.CategoricalCrossEntropy => c == label ? 1f : 0f,
                    Loss.BinaryCrossEntropy => random.Next(2),
                    _ => (float)(random.NextDouble() - 0.5),
                };
            }
        }

        return sequence ? TensorData.ToArray3D(flat, samples, steps, width) : TensorData.ToArray2D(flat, samples, width);
    }

    public static float[] Flatten(Array a) => a.Cast<float>().ToArray();

    /// <summary>Calls the generated typed Predict.</summary>
    public static Array Predict(ModelBase model, float[,,] x) =>
        (Array)model.GetType().GetMethod("Predict", new[] { typeof(float[,,]), typeof(int) })!.Invoke(model, new object[] { x, 256 })!;

    public static void ForwardMatches(ModelBase model, LayerReference inference, float[,,] x, double tolerance = 1e-5)
    {
        var weights = model.GetWeights().Select(v => (double)v).ToArray();
        var predicted = Flatten(Predict(model, x));
        var expected = inference.Forward(weights, x);
        int perSample = predicted.Length / x.GetLength(0);
        for (int b = 0; b < expected.Length; b++)
        {
            Assert.Equal(perSample, expected[b].Length);
            for (int e = 0; e < perSample; e++)
            {
                double got = predicted[b * perSample + e];
                Assert.True(Math.Abs(expected[b][e] - got) <= tolerance * Math.Max(1, Math.Abs(expected[b][e])), $"{model.GetType().Name}: sample {b}, output {e}: expected {expected[b][e]}, got {got}");
            }
        }
    }

    /// <summary>ComputeGradients (one training batch, dropout seed 0) against finite differences of the training reference.</summary>
    public static void GradientsMatch(ModelBase model, LayerReference training, float[,,] x, Array y, bool probabilities = false)
    {
        Assert.True(training.Training);
        var targets = Flatten(y);
        int classes = model.Description.OutputFeatures;
        var loss = model.Description.Loss;
        var weightsBefore = model.GetWeights().Select(v => (double)v).ToArray();
        var (gradients, batchLoss) = model.ComputeGradients(TensorData.From(x), TensorData.From(y, "y"));

        // BatchNormalization's training forward moved its running statistics; the training reference does not read them.
        var weights = weightsBefore;
        double referenceLoss = training.Loss(weights, x, targets, loss, classes, probabilities);
        GradientCheck.AssertLoss(batchLoss, referenceLoss, model.GetType().Name);

        GradientCheck.AssertParameterGradients(model.GetType().Name, model, weights, gradients, w => training.Loss(w, x, targets, loss, classes, probabilities));
    }
}
