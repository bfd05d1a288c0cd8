namespace SeqDsl.Samples.Forecasting;

/// <summary>Training speed as the table reports it.</summary>
public static class Timing
{
    /// <summary>
    /// Mean seconds per epoch, leaving out the first epoch when there are more: the first one also compiles the
    /// model's kernels (seconds on OpenCL), which says nothing about training speed.
    /// </summary>
    public static double SecondsPerEpoch(History history)
    {
        var seconds = history.EpochSeconds;
        return seconds.Count > 1 ? seconds.Skip(1).Average() : seconds.Average();
    }
}
