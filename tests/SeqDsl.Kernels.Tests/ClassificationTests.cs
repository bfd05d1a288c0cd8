using SeqDsl.Engine;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// Cross-entropy losses from logits (fused into the last Dense layer's backward), accuracy metrics, Embedding and
/// RepeatVector, target validation, and PoCL against the CPU accelerator.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class ClassificationTests
{
    private readonly SeqDevice device;

    public ClassificationTests(CpuDeviceFixture fixture) => device = fixture.Device;

    public static TheoryData<string> Cases => new() { "SoftmaxSparse", "LogitsCce", "SoftmaxCce", "SigmoidBce", "LogitBceSequence", "EmbeddingTagger", "DropoutLogits", "Repeat", "RepeatMismatch" };

    private (ModelBase Model, Func<bool, LayerReference> Reference, float[,,] X, Array Y, bool Probabilities) Build(string name)
    {
        var random = new Random(name.Length * 31 + 7);
        switch (name)
        {
            case "SoftmaxSparse":
            {
                var m = new SoftmaxClassifier(device, seed: 1);
                return (m, t => new LayerReference(m.Description, t).Flatten().Dense("dense", 10, 6, Activation.Tanh).Dense("dense_1", 6, 3, Activation.Softmax),
                    LayerChecks.Inputs(random, 6, 5, 2), LayerChecks.Targets(random, Loss.SparseCategoricalCrossEntropy, 6, 1, 3, sequence: false), true);
            }

            case "LogitsCce":
            {
                var m = new LogitsCceModel(device, seed: 2);
                return (m, t => new LayerReference(m.Description, t).Flatten().Dense("dense", 6, 4, Activation.Tanh).Dense("dense_1", 4, 3),
                    LayerChecks.Inputs(random, 5, 3, 2), LayerChecks.Targets(random, Loss.CategoricalCrossEntropy, 5, 1, 3, sequence: false), false);
            }

            case "SoftmaxCce":
            {
                var m = new SoftmaxCceModel(device, seed: 3);
                return (m, t => new LayerReference(m.Description, t).Flatten().Dense("dense", 6, 3, Activation.Softmax),
                    LayerChecks.Inputs(random, 5, 3, 2), LayerChecks.Targets(random, Loss.CategoricalCrossEntropy, 5, 1, 3, sequence: false), true);
            }

            case "SigmoidBce":
            {
                var m = new SigmoidBceModel(device, seed: 4);
                return (m, t => new LayerReference(m.Description, t).Flatten().Dense("dense", 6, 5, Activation.Tanh).Dense("dense_1", 5, 4, Activation.Sigmoid),
                    LayerChecks.Inputs(random, 5, 3, 2), LayerChecks.Targets(random, Loss.BinaryCrossEntropy, 5, 1, 4, sequence: false), true);
            }

            case "LogitBceSequence":
            {
                var m = new LogitBceSequenceModel(device, seed: 5);
                return (m, t => new LayerReference(m.Description, t).Dense("time_distributed", 3, 2),
                    LayerChecks.Inputs(random, 4, 5, 3), LayerChecks.Targets(random, Loss.BinaryCrossEntropy, 4, 5, 2, sequence: true), false);
            }

            case "EmbeddingTagger":
            {
                var m = new EmbeddingTagger(device, seed: 6);
                return (m, t => new LayerReference(m.Description, t).Embedding("embedding", 4).Dense("time_distributed", 4, 5, Activation.Softmax),
                    TokenIds(random, 5, 6, 7), LayerChecks.Targets(random, Loss.SparseCategoricalCrossEntropy, 5, 6, 5, sequence: true), true);
            }

            case "DropoutLogits":
            {
                var m = new DropoutLogitsClassifier(device, seed: 7);
                return (m, t => new LayerReference(m.Description, t).Flatten().Dense("dense", 8, 3, Activation.Tanh).Dropout(0.3).Dense("dense_1", 3, 3),
                    LayerChecks.Inputs(random, 6, 4, 2), LayerChecks.Targets(random, Loss.SparseCategoricalCrossEntropy, 6, 1, 3, sequence: false), false);
            }

            case "RepeatMismatch":
            {
                // 4 input steps, 3 output steps: the targets are [samples, 3, 1].
                var m = new RepeatMismatchModel(device, seed: 9);
                return (m, t => new LayerReference(m.Description, t).Flatten().Dense("dense", 8, 3).RepeatVector(3).Dense("time_distributed", 3, 1),
                    LayerChecks.Inputs(random, 4, 4, 2), LayerChecks.Targets(random, Loss.Mse, 4, 3, 1, sequence: true), false);
            }

            default:
            {
                var m = new RepeatModel(device, seed: 8);
                return (m, t => new LayerReference(m.Description, t).Flatten().Dense("dense", 8, 3, Activation.Tanh).RepeatVector(4).Dense("time_distributed", 3, 2),
                    LayerChecks.Inputs(random, 4, 4, 2), LayerChecks.Targets(random, Loss.Mse, 4, 4, 2, sequence: true), false);
            }
        }
    }

    private static float[,,] TokenIds(Random random, int n, int steps, int vocabulary)
    {
        var x = new float[n, steps, 1];
        for (int i = 0; i < n; i++) for (int t = 0; t < steps; t++) x[i, t, 0] = random.Next(vocabulary);
        return x;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_reference(string name)
    {
        var (model, reference, x, _, _) = Build(name);
        using (model)
        {
            LayerChecks.ForwardMatches(model, reference(false), x);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_match_finite_differences(string name)
    {
        var (model, reference, x, y, probabilities) = Build(name);
        using (model)
        {
            LayerChecks.GradientsMatch(model, reference(true), x, y, probabilities);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluate_reports_the_reference_loss_and_accuracy(string name)
    {
        var (model, reference, x, y, probabilities) = Build(name);
        using (model)
        {
            var weights = model.GetWeights().Select(v => (double)v).ToArray();
            var description = model.Description;
            var evaluation = (Evaluation)model.GetType().GetMethod("Evaluate")!.Invoke(model, new object[] { x, y, 256 })!;
            double expected = reference(false).Loss(weights, x, LayerChecks.Flatten(y), description.Loss, description.OutputFeatures, probabilities);
            Assert.True(Math.Abs(evaluation.Loss - expected) <= 1e-5 * Math.Max(1, expected), $"{name}: loss {evaluation.Loss} vs {expected}");
            if (description.Loss == Loss.Mse)
            {
                Assert.Null(evaluation.Accuracy);
                return;
            }

            Assert.True(double.IsNaN(evaluation.LastStepError));
            Assert.Equal(HostAccuracy(LayerChecks.Flatten(LayerChecks.Predict(model, x)), LayerChecks.Flatten(y), description.Loss, description.OutputFeatures, probabilities), evaluation.Accuracy!.Value, 6);
        }
    }

    /// <summary>Accuracy computed here from Predict: argmax == label (sparse/categorical), or thresholded at 0.5 (binary).</summary>
    private static double HostAccuracy(float[] predictions, float[] targets, Loss loss, int classes, bool probabilities)
    {
        if (loss == Loss.BinaryCrossEntropy)
        {
            double threshold = probabilities ? 0.5 : 0;
            return predictions.Select((p, i) => (p > threshold) == (targets[i] >= 0.5) ? 1.0 : 0.0).Average();
        }

        int rows = predictions.Length / classes;
        int correct = 0;
        for (int r = 0; r < rows; r++)
        {
            int predicted = Enumerable.Range(0, classes).MaxBy(c => predictions[r * classes + c]);
            int label = loss == Loss.SparseCategoricalCrossEntropy ? (int)targets[r] : Enumerable.Range(0, classes).MaxBy(c => targets[r * classes + c]);
            correct += predicted == label ? 1 : 0;
        }

        return correct / (double)rows;
    }

    [Fact]
    public void Cross_entropy_from_logits_is_finite_for_huge_logits()
    {
        using var model = new SoftmaxClassifier(device, seed: 9);
        var weights = model.GetWeights();
        int kernel = model.Parameters.Single(p => p.Layer == "dense_1" && p.Name == "kernel").Offset;
        for (int i = 0; i < 18; i++) weights[kernel + i] *= 2000; // logits of several hundred: e^z overflows a float
        model.SetWeights(weights);
        var x = LayerChecks.Inputs(new Random(9), 6, 5, 2);
        var y = new float[6, 1];
        var predictions = model.Predict(x);
        for (int i = 0; i < 6; i++) y[i, 0] = Enumerable.Range(0, 3).MinBy(c => predictions[i, c]); // the least likely class: a huge loss
        var (gradients, loss) = model.ComputeGradients(TensorData.From(x), TensorData.From(y, "y"));
        Assert.True(double.IsFinite(loss) && loss > 50, $"loss {loss}");
        Assert.All(gradients, g => Assert.True(float.IsFinite(g)));
    }

    [Fact]
    public void Classifier_training_beats_chance()
    {
        // Three classes of 5-step, 2-feature series: rising, falling, or flat around an offset, with noise.
        var random = new Random(10);
        (float[,,] X, float[,] Y) Data(int n)
        {
            var x = new float[n, 5, 2];
            var y = new float[n, 1];
            for (int i = 0; i < n; i++)
            {
                int label = random.Next(3);
                double slope = label == 0 ? 0.3 : label == 1 ? -0.3 : 0;
                double offset = random.NextDouble() - 0.5;
                for (int t = 0; t < 5; t++)
                {
                    x[i, t, 0] = (float)(offset + slope * (t - 2) + 0.1 * (random.NextDouble() - 0.5));
                    x[i, t, 1] = (float)(random.NextDouble() - 0.5);
                }

                y[i, 0] = label;
            }

            return (x, y);
        }

        var (x, y) = Data(600);
        var (xv, yv) = Data(200);
        using var model = new SoftmaxClassifier(device, seed: 11);
        var history = model.Fit(x, y, epochs: 15, batchSize: 32, validation: (xv, yv));
        Assert.Equal(15, history.Accuracy.Count);
        Assert.Equal(15, history.ValidationAccuracy.Count);
        Assert.True(double.IsNaN(history.LastStepError[^1]));
        var evaluation = model.Evaluate(xv, yv);
        Assert.Equal(history.ValidationAccuracy[^1], evaluation.Accuracy!.Value, 6);
        Assert.True(evaluation.Accuracy > 0.8, $"validation accuracy {evaluation.Accuracy:F3} (chance 0.33)");
        Assert.True(history.Loss[^1] < history.Loss[0] * 0.5, $"loss {history.Loss[0]:F3} → {history.Loss[^1]:F3}");
    }

    [Fact]
    public void Sparse_targets_are_validated()
    {
        using var model = new SoftmaxClassifier(device, seed: 12);
        var x = LayerChecks.Inputs(new Random(12), 3, 5, 2);
        var bad = new float[3, 1] { { 0 }, { 3 }, { 1 } };
        var e = Assert.Throws<ArgumentException>("y", () => model.Evaluate(x, bad));
        Assert.Contains("y[1, 0] = 3", e.Message);
        Assert.Contains("[0, 2]", e.Message);
        var fraction = new float[3, 1] { { 0 }, { 1.5f }, { 1 } };
        Assert.Throws<ArgumentException>("y", () => model.Evaluate(x, fraction));
        var oneHot = new float[3, 3];
        var shape = Assert.Throws<ArgumentException>("y", () => model.Evaluate(x, oneHot));
        Assert.Contains("expected shape [3, 1] (samples, 1 class index), got [3, 3]", shape.Message); // the predictions' rule, one index a sample
    }

    [Fact]
    public void Out_of_range_token_ids_are_rejected_before_any_kernel_runs()
    {
        using var model = new EmbeddingTagger(device, seed: 13);
        var x = TokenIds(new Random(13), 2, 4, 7);
        x[1, 2, 0] = 7;
        var e = Assert.Throws<ArgumentException>("x", () => model.Predict(x));
        Assert.Contains("x[1, 2, 0] = 7", e.Message);
        Assert.Contains("[0, 6]", e.Message);
        x[1, 2, 0] = -1;
        Assert.Throws<ArgumentException>("x", () => model.Predict(x));
    }

    [Fact]
    public void PoCL_agrees_with_the_CPU_accelerator()
    {
        var pocl = PoclDevice.OpenOrExplain();
        if (pocl is null)
        {
            return; // only with SEQDSL_REQUIRE_POCL=0 on a machine without PoCL (CI installs it)
        }

        using (pocl)
        {
            var random = new Random(14);
            var x = LayerChecks.Inputs(random, 6, 5, 3);
            var y = LayerChecks.Targets(random, Loss.Huber, 6, 5, 2, sequence: true);
            using var onCpu = new NormalizedModel(device, seed: 15);
            using var onPocl = new NormalizedModel(pocl, seed: 15);
            var (gCpu, lossCpu) = onCpu.ComputeGradients(TensorData.From(x), TensorData.From(y, "y"));
            var (gPocl, lossPocl) = onPocl.ComputeGradients(TensorData.From(x), TensorData.From(y, "y"));
            Assert.True(Math.Abs(lossCpu - lossPocl) <= 1e-5 * Math.Max(1, Math.Abs(lossCpu)), $"loss {lossCpu} vs {lossPocl}");
            AssertClose(gCpu, gPocl, "NormalizedModel gradients");
            AssertClose(onCpu.GetWeights(), onPocl.GetWeights(), "running statistics after a training forward");

            var cx = LayerChecks.Inputs(random, 6, 4, 2);
            var cy = LayerChecks.Targets(random, Loss.SparseCategoricalCrossEntropy, 6, 1, 3, sequence: false);
            using var classifierCpu = new DropoutLogitsClassifier(device, seed: 16);
            using var classifierPocl = new DropoutLogitsClassifier(pocl, seed: 16);
            var (cgCpu, _) = classifierCpu.ComputeGradients(TensorData.From(cx), TensorData.From(cy, "y"));
            var (cgPocl, _) = classifierPocl.ComputeGradients(TensorData.From(cx), TensorData.From(cy, "y"));
            AssertClose(cgCpu, cgPocl, "dropout classifier gradients (same mask on both)");
            var (meanCpu, stdCpu) = classifierCpu.PredictWithUncertainty(cx, samples: 10);
            var (meanPocl, stdPocl) = classifierPocl.PredictWithUncertainty(cx, samples: 10);
            AssertClose(LayerChecks.Flatten(meanCpu), LayerChecks.Flatten(meanPocl), "MC Dropout mean");
            AssertClose(LayerChecks.Flatten(stdCpu), LayerChecks.Flatten(stdPocl), "MC Dropout standard deviation", 1e-4);
        }
    }

    private static void AssertClose(float[] a, float[] b, string what, double tolerance = 1e-5)
    {
        double diff = 0, norm = 0;
        for (int i = 0; i < a.Length; i++)
        {
            diff += (a[i] - b[i]) * (double)(a[i] - b[i]);
            norm += a[i] * (double)a[i];
        }

        Assert.True(Math.Sqrt(diff) <= tolerance * Math.Max(1e-12, Math.Sqrt(norm)), $"{what} differ: relative {Math.Sqrt(diff / Math.Max(norm, 1e-30)):E2}");
    }
}
