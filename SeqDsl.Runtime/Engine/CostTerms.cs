namespace SeqDsl;

/// <summary>
/// A cost (FLOPs or bytes) of one kernel launch as a function of the batch and the number of steps:
/// <c>PerLaunch + batch × (PerSample + PerStep × steps)</c>.
/// </summary>
/// <param name="PerLaunch">Paid once per launch whatever the batch (e.g. reading the layer's weights).</param>
/// <param name="PerSample">Paid once per sample (e.g. the last state of a layer that returns no sequence).</param>
/// <param name="PerStep">Paid per sample and per step.</param>
public readonly record struct CostTerms(double PerLaunch, double PerSample, double PerStep)
{
    /// <summary>The cost of one launch over <paramref name="batch"/> samples of <paramref name="steps"/> steps.</summary>
    public double For(int batch, int steps) => PerLaunch + batch * PerSampleAt(steps);

    /// <summary>The cost of one sample of <paramref name="steps"/> steps, without the per-launch part.</summary>
    public double PerSampleAt(int steps) => PerSample + PerStep * steps;

    /// <summary>Term-by-term sum.</summary>
    public static CostTerms operator +(CostTerms a, CostTerms b) =>
        new(a.PerLaunch + b.PerLaunch, a.PerSample + b.PerSample, a.PerStep + b.PerStep);
}
