using SeqDsl.Samples.CurveClassifier;

namespace SeqDsl.CurveClassifier.Tests;

public class MultiLabelMetricsTests
{
    // Four samples, two classes. Class 0: TP, FP, FN, TN. Class 1: TP, TP, FP, TN.
    private static readonly float[,] Targets = { { 1, 1 }, { 0, 1 }, { 1, 0 }, { 0, 0 } };
    private static readonly float[,] Predicted = { { 0.9f, 0.6f }, { 0.7f, 0.5f }, { 0.2f, 0.8f }, { 0.1f, 0.3f } };

    [Fact]
    public void Counts_precision_and_recall_per_class()
    {
        var counts = MultiLabelMetrics.Counts(Targets, Predicted);
        Assert.Equal(new ClassCounts(1, 1, 1, 1), counts[0]);
        Assert.Equal(new ClassCounts(2, 1, 0, 1), counts[1]);
        Assert.Equal(0.5, counts[0].Precision, 12);
        Assert.Equal(0.5, counts[0].Recall, 12);
        Assert.Equal(2 / 3.0, counts[1].Precision, 12);
        Assert.Equal(1.0, counts[1].Recall, 12);
    }

    [Fact]
    public void Precision_and_recall_are_0_when_undefined()
    {
        var counts = MultiLabelMetrics.Counts(new float[,] { { 0 }, { 0 } }, new float[,] { { 0.1f }, { 0.2f } });
        Assert.Equal(0, counts[0].Precision);
        Assert.Equal(0, counts[0].Recall);
    }

    [Fact]
    public void Binary_accuracy_counts_every_sample_class_pair()
    {
        // Right: class 0 → 2 of 4, class 1 → 3 of 4.
        Assert.Equal(5 / 8.0, MultiLabelMetrics.BinaryAccuracy(Targets, Predicted), 12);
    }

    [Fact]
    public void Frequency_baseline_predicts_the_majority_label()
    {
        var training = new float[,] { { 1, 0, 1 }, { 1, 0, 0 }, { 0, 0, 1 }, { 1, 1, 0 } };
        var frequencies = MultiLabelMetrics.Frequencies(training);
        Assert.Equal([0.75, 0.25, 0.5], frequencies);
        var baseline = MultiLabelMetrics.FrequencyBaseline(frequencies, 2);
        Assert.Equal(0.75f, baseline[1, 0]);
        // The accuracy of the baseline on its own training set is the majority share of each class.
        var full = MultiLabelMetrics.FrequencyBaseline(frequencies, 4);
        Assert.Equal((0.75 + 0.75 + 0.5) / 3, MultiLabelMetrics.BinaryAccuracy(training, full), 12);
    }

    [Fact]
    public void Binary_cross_entropy_matches_the_formula()
    {
        var targets = new float[,] { { 1, 0 } };
        var predicted = new float[,] { { 0.8f, 0.3f } };
        double expected = -(Math.Log(0.8f) + Math.Log(1 - 0.3f)) / 2;
        Assert.Equal(expected, MultiLabelMetrics.BinaryCrossEntropy(targets, predicted), 6);
    }

    [Fact]
    public void Mismatched_shapes_name_the_argument_and_both_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => MultiLabelMetrics.Counts(Targets, new float[3, 2]));
        Assert.Equal("predicted", e.ParamName);
        Assert.Contains("[3, 2]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[4, 2]", e.Message, StringComparison.Ordinal);
    }
}
