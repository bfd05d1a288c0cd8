namespace SeqDsl;

/// <summary>The result of <c>Evaluate</c>: the same figures <c>Fit</c> reports for its validation data.</summary>
/// <param name="Loss">The model's loss, averaged over every sample.</param>
/// <param name="LastStepError">The squared error of each sample's last output step, averaged over its features and then over samples.</param>
/// <param name="Samples">Samples evaluated.</param>
public sealed record Evaluation(double Loss, double LastStepError, int Samples);
