namespace SeqDsl.Benchmarks;

/// <summary>
/// The sizes the performance issue fixes for its workloads, shared by the benchmark and eng/DeviceCheck (which links
/// this file), so that the GPU figures are measured on the same shapes as the CPU table.
/// </summary>
internal static class WorkloadShapes
{
    /// <summary>Data and initial weights.</summary>
    public const int Seed = 42;

    /// <summary>W1, W2, W4, W6, W7: the chapter's series of 50 steps, batch 32.</summary>
    public const int Batch = 32;

    public const int Steps = 50;

    /// <summary>W3: GRU(128)×2 on 256-step series, batch 64.</summary>
    public const int WideSteps = 256;

    public const int WideBatch = 64;

    /// <summary>W5: the large-batch inference throughput.</summary>
    public const int LargeBatch = 4096;
}
