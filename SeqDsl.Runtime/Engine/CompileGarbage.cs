using System;
using System.Runtime;

namespace SeqDsl.Engine;

/// <summary>
/// Collects the short-lived garbage of kernel compilation while the kernels load, so that it does not pile up in the
/// process's peak memory. ILGPU leaves about 3.5 MB of it per OpenCL kernel (its IR, the OpenCL C text), and a model
/// loads a dozen kernels or more at once, on its first Predict or Fit (the optimizer's four on the first Fit on an
/// accelerator). The .NET GC sizes its youngest generation from the CPU's cache: on a cloud VM that reports a 300 MB L3,
/// W1's first epoch allocated about 47 MB of it with a single collection, and the process kept those pages, about
/// 20 MB of its 204 MB peak (benchmarks/results/2026-11-27-xeon-memory-compile-garbage.txt).
/// </summary>
/// <remarks>
/// What it costs: a blocking generation-1 collection (<see cref="GC.Collect(int, GCCollectionMode, bool)"/>), which
/// pauses every managed thread of the process for its duration and promotes their young objects, once every
/// <see cref="Budget"/> bytes while a model's kernels load and never afterwards. Measured on W1's probe (15 kernels and
/// the optimizer's 4): 7 collections and 30–33 ms of GC pause in all, against 0.4–0.6 ms without them and about 1.3 s
/// of kernel compilation. It is skipped inside an application's no-GC region (an induced collection would end it), and
/// an application that tunes its own GC can turn it off with the AppContext switch <see cref="DisableSwitch"/>.
/// </remarks>
internal static class CompileGarbage
{
    /// <summary>
    /// Bytes a thread allocates between two collections while it loads kernels: less than an average OpenCL kernel's
    /// compile, though small kernels allocate less (W1's 19 loads made 7 collections). W1's probe (one epoch in a fresh
    /// process) peaked at 200.5–204.4 MB with none, 188.9–192.6 MB with 8 MB, 183.3–184.3 MB with 4 MB and
    /// 179.6–180.5 MB with 2 MB, its run no slower.
    /// </summary>
    internal const long Budget = 2L << 20;

    /// <summary>The AppContext switch that turns these collections off (<c>&lt;RuntimeHostConfigurationOption&gt;</c> or <see cref="AppContext.SetSwitch"/>).</summary>
    internal const string DisableSwitch = "SeqDsl.DisableCompileGarbageCollection";

    /// <summary>This thread's allocated bytes (<see cref="GC.GetAllocatedBytesForCurrentThread"/>) after its last collection here.</summary>
    [ThreadStatic]
    private static long allocatedAtLastCollection;

    /// <summary>Collections made here on this thread (for tests).</summary>
    [ThreadStatic]
    private static int collectionsOnThisThread;

    /// <summary>Collections made here on the calling thread.</summary>
    internal static int CollectionsOnThisThread => collectionsOnThisThread;

    /// <summary>
    /// Returns <paramref name="kernel"/>, just loaded (and compiled), after collecting the young generations if this
    /// thread has allocated <see cref="Budget"/> bytes since its last collection here.
    /// </summary>
    internal static T After<T>(T kernel)
        where T : Delegate
    {
        CollectIfDue();
        return kernel;
    }

    /// <summary>Collects the young generations if this thread has allocated <see cref="Budget"/> bytes since its last collection here.</summary>
    internal static void CollectIfDue()
    {
        if (GC.GetAllocatedBytesForCurrentThread() - allocatedAtLastCollection < Budget
            || GCSettings.LatencyMode == GCLatencyMode.NoGCRegion
            || (AppContext.TryGetSwitch(DisableSwitch, out bool disabled) && disabled))
            return;

        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        collectionsOnThisThread++;
        allocatedAtLastCollection = GC.GetAllocatedBytesForCurrentThread();
    }
}
