using System;
using System.Threading.Tasks;
using ILGPU;
using ILGPU.Runtime;

namespace SeqDsl.Engine;

/// <summary>
/// Runs a generated host kernel (<see cref="KernelSchedule.HostCode"/>) on .NET threads. Every kernel walks its work
/// with a grid-stride loop (<c>for (int i = worker; i &lt; work; i += workers)</c>), so any number of workers covers
/// it; each item is computed by exactly one worker in a fixed order, so results do not depend on the thread count.
/// </summary>
public static class HostLauncher
{
    /// <summary>
    /// Calls <paramref name="kernel"/> once per worker, as many workers as the launch asks threads for but at most
    /// one per core, and returns when all are done (one worker runs on the calling thread, with no hand-off).
    /// </summary>
    public static void Run(KernelConfig config, Action<int, int> kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        long threads = (long)config.GridDim.Size * config.GroupDim.Size;
        int workers = (int)Math.Clamp(threads, 1, Environment.ProcessorCount);
        if (workers == 1)
        {
            kernel(0, 1);
            return;
        }

        Parallel.For(0, workers, worker => kernel(worker, workers));
    }
}
