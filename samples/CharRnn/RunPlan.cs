namespace SeqDsl.Samples.CharRnn;

/// <summary>Sizes of a run (the quick one learns faster with a higher Adam rate, over fewer, shorter windows): the full run, or the quick one CI runs (&lt; 90 s on a 2-core machine with PoCL).</summary>
public sealed record RunPlan(int Steps, int Stride, int Epochs, int BatchSize, int SampleLength, double LearningRate)
{
    /// <summary>The sampling temperatures printed after each epoch.</summary>
    public IReadOnlyList<double> Temperatures { get; } = [0.5, 1.0];

    /// <summary>The text each sample starts from.</summary>
    public string Prompt => "alice was ";

    /// <summary>The plan for the options.</summary>
    public static RunPlan For(Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Quick ? new RunPlan(Steps: 32, Stride: 6, Epochs: 4, BatchSize: 32, SampleLength: 60, LearningRate: 0.01)
            : new RunPlan(Steps: 60, Stride: 2, Epochs: 30, BatchSize: 32, SampleLength: 200, LearningRate: 0.005);
    }
}
