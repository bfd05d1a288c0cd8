using System;
using System.Collections.Generic;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.OpenCL;

namespace SeqDsl;

/// <summary>
/// An ILGPU context and accelerator that models run on, plus the launch shape its kernels use.
/// </summary>
/// <remarks>
/// <para>
/// <b>Choosing a device.</b> <see cref="Best"/> returns the shared <see cref="Default"/> device, picked once per
/// process in this order: CUDA; an OpenCL GPU that ILGPU supports natively; an OpenCL CPU device such as PoCL
/// (which ILGPU 1.5.3 refuses without an override, see <see cref="PoclCompatibility"/>); ILGPU's CPU accelerator.
/// Every probe runs inside try/catch and a failure falls through to the next; <see cref="SelectionLog"/> says
/// what each probe found. The environment variable <c>SEQDSL_DEVICE</c> (<c>cuda</c>, <c>opencl</c>, <c>pocl</c>,
/// <c>cpu</c>; unset or <c>auto</c> for the order above) forces one device; if it is unavailable,
/// <see cref="SeqDeviceUnavailableException"/> says why and what was found.
/// </para>
/// <para>
/// <b>Ownership.</b> Creating an accelerator is expensive (about a second for PoCL, which builds a test kernel), so
/// <see cref="Best"/>/<see cref="Default"/> hand out one shared instance that every model can hold;
/// its <see cref="Dispose"/> does nothing, so disposing one model never breaks another. The factories
/// <see cref="CreateBest()"/>, <see cref="Cuda"/>, <see cref="OpenCL"/>, <see cref="PoCL"/> and <see cref="Cpu"/>
/// return a new device that the caller owns and must dispose.
/// </para>
/// <para>
/// All contexts are created with <c>EnableAlgorithms()</c> (without it MathF.Exp and friends have no PTX
/// implementation), the backends of <c>KernelMath.MultiplyAdd</c> (OpenCL C's <c>fma</c>) and
/// <c>Optimize(OptimizationLevel.O2)</c>.
/// </para>
/// </remarks>
public sealed partial class SeqDevice : IDisposable
{
    /// <summary>The environment variable that forces a device: <c>cuda</c>, <c>opencl</c>, <c>pocl</c> or <c>cpu</c>.</summary>
    public const string DeviceEnvironmentVariable = "SEQDSL_DEVICE";

    private static readonly object DefaultLock = new();
    private static SeqDevice? shared;

    private readonly Context context;
    private bool disposed;

    internal SeqDevice(Context context, Accelerator accelerator, DeviceKind kind, string description)
    {
        this.context = context;
        Accelerator = accelerator;
        Kind = kind;
        Description = description;
        SelectionLog = Array.Empty<string>(); // set by the factory that ran the probe
    }

    /// <summary>The ILGPU accelerator.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>What kind of device this is.</summary>
    public DeviceKind Kind { get; }

    /// <summary>The device's own name, e.g. "pthread-skylake-avx512-AMD EPYC" or "NVIDIA H100 80GB HBM3".</summary>
    public string Name => Accelerator.Name;

    /// <summary>Kind, name and driver in words, e.g. "OpenCL CPU: pthread-skylake-avx512-AMD EPYC (PoCL 3.1+debian)".</summary>
    public string Description { get; }

    /// <summary>
    /// One line per device probe that ran when this device was chosen, in order, e.g.
    /// "cuda: no CUDA driver (libcuda.so not found) (12 ms)" then "pocl: selected OpenCL CPU: … (1400 ms)".
    /// For a device made by an explicit factory, the single line that created it.
    /// </summary>
    public IReadOnlyList<string> SelectionLog { get; private set; }

    /// <summary>Whether this is the process-wide <see cref="Default"/> device, whose <see cref="Dispose"/> does nothing.</summary>
    public bool IsShared { get; private set; }

    /// <summary>
    /// The process-wide device, chosen on first use (thread-safe) by the order described on <see cref="SeqDevice"/>,
    /// honouring <c>SEQDSL_DEVICE</c> as it is at that moment. Never disposed by <see cref="Dispose"/>; if choosing
    /// fails (a forced device is missing) the exception is thrown and the next access tries again.
    /// </summary>
    public static SeqDevice Default
    {
        get
        {
            var device = System.Threading.Volatile.Read(ref shared);
            if (device is not null)
                return device;
            lock (DefaultLock)
            {
                if (shared is null)
                {
                    device = CreateBest(Environment.GetEnvironmentVariable(DeviceEnvironmentVariable));
                    device.IsShared = true;
                    System.Threading.Volatile.Write(ref shared, device);
                }
                return shared;
            }
        }
    }

    /// <summary>
    /// The best available device: the shared <see cref="Default"/> instance, so calling this for every model costs
    /// nothing after the first call and disposing a model's device is harmless. Use <see cref="CreateBest()"/> for
    /// a device of your own.
    /// </summary>
    public static SeqDevice Best() => Default;

    /// <summary>Chooses the best available device as <see cref="Best"/> does, but returns a new instance that the caller owns and disposes.</summary>
    /// <exception cref="SeqDeviceUnavailableException"><c>SEQDSL_DEVICE</c> names a device that is unavailable or unknown.</exception>
    public static SeqDevice CreateBest() => CreateBest(Environment.GetEnvironmentVariable(DeviceEnvironmentVariable));

    /// <summary>Selection with an explicit override value instead of reading the environment (tests use this).</summary>
    internal static SeqDevice CreateBest(string? forced)
    {
        var log = new List<string>();
        var device = DeviceSelector.Select(
            DeviceProbes.InPreferenceOrder, forced, d => d.Description, DeviceProbes.DescribeInstalledDevices, log);
        device.SelectionLog = log.ToArray();
        return device;
    }

    /// <summary>The first CUDA GPU. The caller owns the device.</summary>
    /// <exception cref="SeqDeviceUnavailableException">No CUDA device; the message says why (e.g. no driver).</exception>
    public static SeqDevice Cuda() => CreateOnly(DeviceProbes.CudaKey, "SeqDevice.Cuda()");

    /// <summary>The first OpenCL GPU that ILGPU supports without overrides (OpenCL C 2.0 with generic address space). The caller owns the device.</summary>
    /// <exception cref="SeqDeviceUnavailableException">No such GPU; the message lists the OpenCL devices found.</exception>
    public static SeqDevice OpenCL() => CreateOnly(DeviceProbes.OpenCLKey, "SeqDevice.OpenCL()");

    /// <summary>
    /// An OpenCL CPU device: one ILGPU supports natively if there is one, else PoCL with the generic-address-space
    /// override (see remarks on <see cref="SeqDevice"/>). The caller owns the device.
    /// </summary>
    /// <exception cref="SeqDeviceUnavailableException">No OpenCL CPU device, or the override could not be applied.</exception>
    public static SeqDevice PoCL() => CreateOnly(DeviceProbes.PoclKey, "SeqDevice.PoCL()");

    /// <summary>
    /// ILGPU's CPU accelerator with one simulated thread per core: exact (bit-identical to C# MathF) but slow.
    /// The caller owns the device.
    /// </summary>
    public static SeqDevice Cpu() => CreateOnly(DeviceProbes.CpuKey, "SeqDevice.Cpu()");

    private static SeqDevice CreateOnly(string key, string requester)
    {
        DeviceProbe<SeqDevice>? probe = null;
        foreach (var candidate in DeviceProbes.InPreferenceOrder)
        {
            if (candidate.Key == key)
                probe = candidate;
        }
        var log = new List<string>();
        var device = DeviceSelector.CreateOnly(probe!, d => d.Description, DeviceProbes.DescribeInstalledDevices, log, requester);
        device.SelectionLog = log.ToArray();
        return device;
    }

    /// <summary>
    /// The launch shape for an explicitly grouped kernel that covers <paramref name="work"/> items with a
    /// grid-stride loop, <c>for (int i = Grid.GlobalIndex.X; i &lt; work; i += Grid.DimX * Group.DimX)</c>.
    /// The kernel must not assume a group size. Per backend: PoCL always gets groups of 16 (it compiles one
    /// work-group function per local size) and at most 128 groups per core; GPUs get 256 threads per group and at
    /// most two resident waves of groups; ILGPU's CPU accelerator gets one group per simulated multiprocessor, or with
    /// <see cref="KernelSchedule.HostCode"/> one single-thread "group" (a .NET worker) per core, at most one per item.
    /// Always at least one group, so <paramref name="work"/> = 0 is a valid empty launch.
    /// </summary>
    /// <param name="work">The items the kernel's grid-stride loop covers.</param>
    /// <param name="minimumItemsPerWorker">Host code only: the fewest items worth a worker of their own (the generator
    /// passes more than 1 for kernels whose items are a few hundred multiply-adds); other schedules ignore it.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="work"/> is negative, or <paramref name="minimumItemsPerWorker"/> is below 1.</exception>
    public KernelConfig GridFor(int work, int minimumItemsPerWorker = 1)
    {
        if (Schedule == KernelSchedule.HostCode)
        {
            // Host code: one worker per core, never more workers than items (a single item runs on the calling thread).
            var workers = GridShape.ForHostCode(work, Environment.ProcessorCount, minimumItemsPerWorker);
            return new KernelConfig(workers.Groups, workers.GroupSize);
        }

        var shape = GridShape.For(Kind, work, Accelerator.NumMultiprocessors, Accelerator.MaxNumThreadsPerGroup, Accelerator.MaxNumThreadsPerMultiprocessor);
        return new KernelConfig(shape.Groups, shape.GroupSize);
    }

    /// <summary>
    /// The launch shape for a kernel with a thread per sequence that walks the sequence's steps (the generated recurrent
    /// kernels on the thread schedule, and the loss), covering <paramref name="sequences"/> with a grid-stride loop: as
    /// <see cref="GridFor(int, int)"/>, except on PoCL, where each sequence gets a group of one thread (up to 128 groups per
    /// core), so that every core takes sequences whatever the batch (see <c>GridShape.ForSequences</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequences"/> is negative.</exception>
    public KernelConfig SequencesFor(int sequences)
    {
        if (Schedule == KernelSchedule.HostCode)
            return GridFor(sequences);
        var shape = GridShape.ForSequences(Kind, sequences, Accelerator.NumMultiprocessors, Accelerator.MaxNumThreadsPerGroup, Accelerator.MaxNumThreadsPerMultiprocessor);
        return new KernelConfig(shape.Groups, shape.GroupSize);
    }

    /// <summary>
    /// The launch shape and run length for an element-wise kernel whose threads each take runs of consecutive elements
    /// (<see cref="GridShape.ForRuns"/>): long runs on CPU devices, where PoCL vectorizes a run's loop, and runs of 1 on
    /// GPUs, the plain grid-stride loop.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="work"/> is negative.</exception>
    internal (KernelConfig Grid, int Run) RunsFor(int work)
    {
        var grid = GridFor(work);
        var (shape, run) = GridShape.ForRuns(Kind, work, new GridShape(grid.GridDim.X, grid.GroupDim.X), Accelerator.NumMultiprocessors);
        return (new KernelConfig(shape.Groups, shape.GroupSize), run);
    }

    /// <summary>
    /// <see cref="GridFor(int, int)"/> for a kernel whose grid-stride loop counts its items in <c>long</c> (the per-column
    /// weight-gradient partials: batch · rows · columns can outgrow an int). The shape only depends on the count up to
    /// the largest grid, so counts beyond <see cref="int.MaxValue"/> get that grid and the loop covers the rest.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="work"/> is negative.</exception>
    public KernelConfig GridFor(long work)
    {
        if (work < 0)
            throw new ArgumentOutOfRangeException(nameof(work), work, $"work must be zero or positive (the number of items the kernel loops over), but was {work}.");
        return GridFor((int)Math.Min(work, int.MaxValue));
    }

    /// <summary>
    /// Runs a kernel load (e.g. <c>() =&gt; device.Accelerator.LoadStreamKernel&lt;…&gt;(Kernel)</c>) and, if it
    /// fails, throws <see cref="KernelBuildException"/> whose message names this device and includes the OpenCL
    /// build log, which ILGPU otherwise writes only to <see cref="System.Diagnostics.Trace"/>.
    /// </summary>
    /// <remarks>
    /// A failed <c>clBuildProgram</c> leaves the accelerator usable (other kernels still load), but a failure
    /// inside ILGPU's own compiler can leave the <see cref="Context"/> broken for later compiles; generated code
    /// should treat any <see cref="KernelBuildException"/> as fatal for the device.
    /// </remarks>
    public T WithBuildLog<T>(Func<T> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        var (result, error, log) = KernelBuildLog.Capture(load);
        if (error is null)
            return result!;
        throw new KernelBuildException(BuildFailureMessage(error, log), log, Description, error);
    }

    private string BuildFailureMessage(Exception error, string log)
    {
        string what = error is CLException cl ? $"{nameof(CLException)} {cl.Error}" : $"{error.GetType().Name}: {error.Message}";
        string message = $"Loading a kernel failed on {Description}: {what}.";
        message += log.Length > 0 ? $"\nBuild log:\n{log}" : "\n(The driver wrote no build log.)";
        if (Kind == DeviceKind.OpenCLCpu && log.Length > 0)
        {
            message += "\nOpenCL CPU devices such as PoCL lack OpenCL 2.0's generic address space: kernels for them must not use " +
                       "Atomic.*, dynamic shared memory, [NoInlining] helpers taking views, static arrays, group reductions or warp shuffles.";
        }
        return message;
    }

    /// <summary>Returns <see cref="Description"/>.</summary>
    public override string ToString() => Description;

    /// <summary>
    /// Releases the accelerator and its context. Does nothing for the shared <see cref="Default"/> device, which
    /// other models may still be using (it lives until the process ends), nor for a device made by
    /// <see cref="WithSchedule"/>, whose accelerator belongs to the device it came from.
    /// </summary>
    public void Dispose()
    {
        if (IsShared || disposed || scheduleSource is not null)
            return;
        disposed = true;
        Accelerator.Dispose();
        context.Dispose();
    }
}
