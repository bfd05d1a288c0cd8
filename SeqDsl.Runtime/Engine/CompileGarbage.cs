using System;

namespace SeqDsl.Engine;

/// <summary>
/// Collects the short-lived garbage of kernel compilation as the kernels load, so that it does not pile up in the
/// process's peak memory. ILGPU leaves about 3.5 MB of it per kernel (its IR, the OpenCL C or PTX text), and a model
/// loads a dozen kernels or more at once, on its first call. The .NET GC sizes its youngest generation from the CPU's
/// cache: on a cloud VM that reports a 300 MB L3, W1's first epoch made about 47 MB of such garbage with no collection
/// at all, and the process kept those pages, about 20 MB of its 205 MB peak (benchmarks/results/2026-11-27-xeon-memory-compile-garbage.txt).
/// </summary>
internal static class CompileGarbage
{
    /// <summary>
    /// Bytes this thread allocates between two collections while it compiles kernels: about one kernel's worth. W1's probe
    /// (one epoch in a fresh process) peaked at 205-209 MB with no collections, 193-197 MB with 8 MB, 188 MB with 4 MB
    /// and 184-185 MB with 2 MB, its run no slower.
    /// </summary>
    internal const long Budget = 2L << 20;

    /// <summary>This thread's allocated bytes (<see cref="GC.GetAllocatedBytesForCurrentThread"/>) after its last collection here.</summary>
    [ThreadStatic]
    private static long allocatedAtLastCollection;

    /// <summary>Collections made here on this thread (for tests).</summary>
    [ThreadStatic]
    private static int collectionsOnThisThread;

    /// <summary>Collections made here on the calling thread.</summary>
    internal static int CollectionsOnThisThread => collectionsOnThisThread;

    /// <summary>
    /// Called after each kernel load: collects the young generations once this thread has allocated <see cref="Budget"/>
    /// bytes since its last collection here. A young collection of compile garbage takes about a millisecond, against
    /// tens to hundreds of milliseconds per kernel compile.
    /// </summary>
    internal static void CollectIfDue()
    {
        if (GC.GetAllocatedBytesForCurrentThread() - allocatedAtLastCollection < Budget)
            return;

        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        collectionsOnThisThread++;
        allocatedAtLastCollection = GC.GetAllocatedBytesForCurrentThread();
    }
}
