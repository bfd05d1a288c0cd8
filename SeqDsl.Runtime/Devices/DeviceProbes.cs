using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using SeqDsl.Kernels;

namespace SeqDsl;

/// <summary>
/// The real probes behind <see cref="SeqDevice.Best"/>, in order of preference: CUDA, an OpenCL GPU that ILGPU
/// supports natively, an OpenCL CPU device (PoCL, through <see cref="PoclCompatibility"/>), ILGPU's CPU accelerator.
/// Each creates its own <see cref="Context"/> (contexts are cheap next to accelerators, and a device owning its
/// context keeps disposal simple) and disposes it again if it cannot deliver a device.
/// </summary>
internal static class DeviceProbes
{
    internal const string CudaKey = "cuda";
    internal const string OpenCLKey = "opencl";
    internal const string PoclKey = "pocl";
    internal const string CpuKey = "cpu";

    internal static IReadOnlyList<DeviceProbe<SeqDevice>> InPreferenceOrder { get; } = new[]
    {
        new DeviceProbe<SeqDevice>(CudaKey, "a CUDA GPU", CreateCuda),
        new DeviceProbe<SeqDevice>(OpenCLKey, "an OpenCL GPU that ILGPU supports natively", CreateOpenCLGpu),
        new DeviceProbe<SeqDevice>(PoclKey, "an OpenCL CPU device (PoCL)", CreateOpenCLCpu),
        new DeviceProbe<SeqDevice>(CpuKey, "ILGPU's CPU accelerator", CreateCpu),
    };

    private static Context CreateContext(Action<Context.Builder> backends, bool fastFma = true) =>
        Context.Create(builder =>
        {
            backends(builder);
            ConfigureKernelCompiler(builder, fastFma);
        });

    /// <summary>
    /// What every context needs to compile the generated kernels: the Algorithms library (MathF/exp have no PTX
    /// intrinsic without it), <see cref="KernelMath.MultiplyAdd"/>'s backends (<see cref="FusedMultiplyAdd"/>; one
    /// FMA instruction on OpenCL where <paramref name="fastFma"/>) and O2.
    /// </summary>
    internal static Context.Builder ConfigureKernelCompiler(Context.Builder builder, bool fastFma = true) =>
        builder.EnableAlgorithms().EnableFusedMultiplyAdd(fastFma).Optimize(OptimizationLevel.O2);

    /// <summary>
    /// Whether this machine's CPU has FMA instructions (x86 since Haswell, every 64-bit ARM): PoCL runs kernels on it,
    /// and OpenCL's <c>fma</c> without them is a slow exact routine.
    /// </summary>
    internal static bool HostHasFma => System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.Arm64.IsSupported;

    internal static SeqDevice CreateCuda()
    {
        var context = CreateContext(b => b.Cuda());
        try
        {
            var devices = context.GetCudaDevices();
            if (devices.Count == 0)
                throw new DeviceUnavailableException(CudaMissingReason());
            // Device 0 is what CUDA itself treats as the default (CUDA_VISIBLE_DEVICES reorders it).
            var device = devices[0];
            var accelerator = device.CreateCudaAccelerator(context);
            string description = $"CUDA: {accelerator.Name} ({device.Architecture}, {accelerator.NumMultiprocessors} SMs, driver {device.DriverVersion})";
            return new SeqDevice(context, accelerator, DeviceKind.Cuda, description);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    internal static SeqDevice CreateOpenCLGpu()
    {
        // OpenCL(d => true) lists every device; ILGPU's default filter would hide the ones it does not support,
        // and we want to name them in the reason.
        var context = CreateContext(b => b.OpenCL(_ => true));
        try
        {
            var devices = ListCLDevices(context);
            var gpu = devices.FirstOrDefault(d => IsGpu(d) && PoclCompatibility.IsNativelySupported(d));
            if (gpu is null)
            {
                throw new DeviceUnavailableException(devices.Count == 0
                    ? OpenCLMissingReason()
                    : $"no OpenCL GPU that ILGPU supports natively (found: {DescribeCLDevices(devices)})");
            }
            var accelerator = gpu.CreateCLAccelerator(context);
            return new SeqDevice(context, accelerator, DeviceKind.OpenCLGpu, $"OpenCL GPU: {accelerator.Name} ({PlatformLabel(gpu)})");
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    internal static SeqDevice CreateOpenCLCpu()
    {
        var context = CreateContext(b => b.OpenCL(_ => true), HostHasFma);
        try
        {
            var devices = ListCLDevices(context);
            // A natively supported CPU device (e.g. Intel's CPU runtime) needs no override, so prefer it.
            var cpu = devices.FirstOrDefault(d => IsCpu(d) && PoclCompatibility.IsNativelySupported(d))
                      ?? devices.FirstOrDefault(IsCpu);
            if (cpu is null)
            {
                throw new DeviceUnavailableException(devices.Count == 0
                    ? OpenCLMissingReason()
                    : $"no OpenCL CPU device (found: {DescribeCLDevices(devices)})");
            }
            string label = PlatformLabel(cpu);
            if (!PoclCompatibility.IsNativelySupported(cpu))
            {
                string? overrideFailure = PoclCompatibility.TryAllowWithoutGenericAddressSpace(cpu);
                if (overrideFailure is not null)
                    throw new DeviceUnavailableException($"{cpu.Name} ({label}) lacks the generic address space ILGPU requires and {overrideFailure}");
            }
            var accelerator = cpu.CreateCLAccelerator(context);
            return new SeqDevice(context, accelerator, DeviceKind.OpenCLCpu, $"OpenCL CPU: {accelerator.Name} ({label})");
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    internal static SeqDevice CreateCpu()
    {
        var context = CreateContext(b => b.CPU(MachineSizedCpuDevice()));
        try
        {
            var accelerator = context.CreateCPUAccelerator(0);
            // Models run host code here by default (plain vectorized C#, KernelSchedule.HostCode); ILGPU's own kernels
            // on this accelerator (SEQDSL_SCHEDULE=thread) are exact but many times slower.
            string description = $"ILGPU CPU accelerator: {accelerator.NumMultiprocessors} x {accelerator.MaxNumThreadsPerGroup} threads (models run host code on {Environment.ProcessorCount} cores)";
            return new SeqDevice(context, accelerator, DeviceKind.Cpu, description);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// One ILGPU CPU "multiprocessor" of 2 threads per pair of cores, so the simulator runs one OS thread per core.
    /// ILGPU needs at least 2 threads per warp and a power-of-two warp count; small groups are fastest here because
    /// every simulated thread is an OS thread and grid-stride kernels do not need big groups (notes section B).
    /// </summary>
    internal static CPUDevice MachineSizedCpuDevice() =>
        new(numThreadsPerWarp: 2, numWarpsPerMultiprocessor: 1, numMultiprocessors: Math.Max(1, Environment.ProcessorCount / 2));

    /// <summary>A cheap listing of installed devices (no accelerators created), for error messages.</summary>
    internal static string DescribeInstalledDevices()
    {
        var parts = new List<string>();
        try
        {
            using var context = Context.Create(b => b.Cuda());
            var devices = context.GetCudaDevices();
            var names = new List<string>();
            for (int i = 0; i < devices.Count; i++)
                names.Add(devices[i].Name);
            parts.Add(names.Count == 0 ? $"no CUDA device ({CudaMissingReason()})" : "CUDA: " + string.Join(", ", names));
        }
#pragma warning disable CA1031 // Listing is best effort.
        catch (Exception error)
        {
            parts.Add($"CUDA listing failed ({error.GetType().Name}: {error.Message})");
        }
        try
        {
            using var context = Context.Create(b => b.OpenCL(_ => true));
            var devices = ListCLDevices(context);
            parts.Add(devices.Count == 0 ? $"no OpenCL device ({OpenCLMissingReason()})" : "OpenCL: " + DescribeCLDevices(devices));
        }
        catch (Exception error)
        {
            parts.Add($"OpenCL listing failed ({error.GetType().Name}: {error.Message})");
        }
#pragma warning restore CA1031
        parts.Add("ILGPU CPU accelerator (always available)");
        return string.Join("; ", parts);
    }

    private static List<CLDevice> ListCLDevices(Context context)
    {
        var devices = context.GetCLDevices();
        var list = new List<CLDevice>(devices.Count);
        for (int i = 0; i < devices.Count; i++)
            list.Add(devices[i]);
        return list;
    }

    private static bool IsGpu(CLDevice device) => (device.DeviceType & CLDeviceType.CL_DEVICE_TYPE_GPU) != 0;

    private static bool IsCpu(CLDevice device) => (device.DeviceType & CLDeviceType.CL_DEVICE_TYPE_CPU) != 0;

    private static string DescribeCLDevices(IEnumerable<CLDevice> devices) =>
        string.Join(", ", devices.Select(d =>
            $"{d.Name} ({(IsGpu(d) ? "GPU" : IsCpu(d) ? "CPU" : d.DeviceType.ToString())}, OpenCL C {d.CVersion.ToString().Replace("CL", "", StringComparison.Ordinal)}" +
            (PoclCompatibility.IsNativelySupported(d) ? ")" : ", no generic address space)")));

    /// <summary>"PoCL 3.1+debian" for PoCL, otherwise the platform name and driver version.</summary>
    private static string PlatformLabel(CLDevice device)
    {
        string driver;
        try
        {
            driver = CLAPI.CurrentAPI.GetDeviceInfo(device.DeviceId, CLDeviceInfoType.CL_DRIVER_VERSION).Trim();
        }
#pragma warning disable CA1031 // The driver version only decorates the description.
        catch (Exception)
#pragma warning restore CA1031
        {
            driver = "";
        }
        string platform = device.PlatformName.Contains("Portable Computing Language", StringComparison.OrdinalIgnoreCase)
            ? "PoCL"
            : device.PlatformName.Trim();
        return driver.Length == 0 ? platform : $"{platform} {driver}";
    }

    private static string CudaMissingReason()
    {
        string[] libraries = OperatingSystem.IsWindows() ? new[] { "nvcuda.dll" }
            : OperatingSystem.IsLinux() ? new[] { "libcuda.so", "libcuda.so.1" }
            : Array.Empty<string>();
        if (libraries.Length == 0)
            return "CUDA is not available on this operating system";
        return AnyLibraryLoads(libraries)
            ? "the CUDA driver is installed but reports no device ILGPU can use"
            : $"no CUDA driver ({libraries[0]} not found)";
    }

    private static string OpenCLMissingReason()
    {
        if (OperatingSystem.IsLinux())
        {
            // ILGPU loads the unversioned libOpenCL.so, which only the -dev package of the ICD loader provides.
            if (AnyLibraryLoads("libOpenCL.so"))
                return "the OpenCL loader finds no platform (install an ICD such as pocl-opencl-icd)";
            return AnyLibraryLoads("libOpenCL.so.1")
                ? "libOpenCL.so.1 is installed but not libOpenCL.so, which ILGPU loads (install ocl-icd-opencl-dev)"
                : "no OpenCL loader (libOpenCL.so not found; install ocl-icd-opencl-dev and pocl-opencl-icd)";
        }
        return AnyLibraryLoads(OperatingSystem.IsWindows() ? "OpenCL.dll" : "/System/Library/Frameworks/OpenCL.framework/OpenCL")
            ? "the OpenCL loader finds no device"
            : "no OpenCL loader found";
    }

    private static bool AnyLibraryLoads(params string[] names)
    {
        foreach (string name in names)
        {
            if (NativeLibrary.TryLoad(name, out IntPtr handle))
            {
                NativeLibrary.Free(handle);
                return true;
            }
        }
        return false;
    }
}
