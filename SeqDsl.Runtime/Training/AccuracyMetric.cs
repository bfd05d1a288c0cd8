namespace SeqDsl.Training;

/// <summary>
/// Which second metric the loss kernel writes per sample. Regression losses report the last-step squared error;
/// classification losses report accuracy instead (sparse/categorical: argmax equals the label; binary: thresholded at 0.5),
/// and their last-step error is reported as NaN.
/// </summary>
internal static class AccuracyMetric
{
    public static bool ReportsAccuracy(Loss loss) =>
        loss is Loss.SparseCategoricalCrossEntropy or Loss.CategoricalCrossEntropy or Loss.BinaryCrossEntropy;
}
