namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// How many terms a generated loop loads before the arithmetic that needs them (the group kernels' dot products, the
/// loss kernel's sums). ILGPU does not unroll loops and a GPU thread waits for a load before its first use, so a plain
/// loop keeps one load in flight per thread and pays a memory latency per term; blocks of this many terms let the
/// device overlap them (on an H100: GRU(128)'s group forward 9.4 → 2.0 ms per launch). Terms are still added in order.
/// </summary>
internal static class LoadsInFlight
{
    public const int PerThread = 8;
}
