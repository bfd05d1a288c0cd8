namespace SeqDsl;

/// <summary>The result of <c>Evaluate</c>: the same figures <c>Fit</c> reports for its validation data.</summary>
/// <param name="Loss">The model's loss, averaged over every sample.</param>
/// <param name="LastStepError">The squared error of each sample's last output step, averaged over its features and then over samples (NaN for classification losses).</param>
/// <param name="Samples">Samples evaluated.</param>
public sealed record Evaluation(double Loss, double LastStepError, int Samples)
{
    /// <summary>For classification losses, the fraction of correct predictions (argmax equals the label; binary outputs thresholded at 0.5), averaged over output steps and samples; <c>null</c> for regression losses.</summary>
    public double? Accuracy { get; init; }
}
