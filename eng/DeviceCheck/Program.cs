using System.Diagnostics;
using System.Runtime.InteropServices;
using SeqDsl;
using SeqDsl.DeviceCheck;

// The device check: is SeqDsl right, deterministic and how fast on a GPU (or any device)? See README.md here.
var watch = Stopwatch.StartNew();
CheckOptions options;
try
{
    options = CheckOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(CheckOptions.Usage);
    return 0;
}

SeqDevice device;
try
{
    device = options.OpenDevice();
}
catch (SeqDeviceUnavailableException e)
{
    Console.Error.WriteLine($"--device {options.Device}: {e.Message}");
    return 3;
}

using (device)
{
    // The reference: host code on ILGPU's CPU accelerator (tested against ILGPU's kernels and finite differences).
    using var cpu = device.Kind == DeviceKind.Cpu ? null : SeqDevice.Cpu();
    var hostCode = (cpu ?? device).WithSchedule(KernelSchedule.HostCode);
    Console.WriteLine($"# SeqDsl device check, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
    Console.WriteLine($"device: {device.Description}; schedule {device.Schedule}; {RuntimeInformation.FrameworkDescription}; {Environment.ProcessorCount} cores");
    Console.WriteLine($"accelerator: {device.Accelerator.Name}, {device.Accelerator.MemorySize / (1 << 20):N0} MiB, {device.Accelerator.NumMultiprocessors} multiprocessors, max group {device.Accelerator.MaxNumThreadsPerGroup}");
    int failures = 0;
    if (!options.TimingsOnly)
    {
        failures += ModelComparisons.Run(device, hostCode, options);
        failures += TrainingCheck.Run(device, hostCode, options);
        failures += ActivationCheck.Run(device);
    }

    if (options.Timings)
    {
        failures += new WorkloadTimings(device, options, watch).Run();
    }

    Console.WriteLine();
    Console.WriteLine($"device check finished in {watch.Elapsed.TotalSeconds:F0} s: {(failures == 0 ? "no failures" : failures + " FAILURE(S)")}");
    return failures == 0 ? 0 : 1;
}
