namespace SeqDsl;

/// <summary>The kind of accelerator a <see cref="SeqDevice"/> runs on.</summary>
public enum DeviceKind
{
    /// <summary>
    /// ILGPU's CPU accelerator: the last resort when there is no OpenCL or CUDA device. Models run their host code here
    /// (<see cref="KernelSchedule.HostCode"/>: the kernels as vectorized C#); ILGPU's simulation of the kernels is exact
    /// but many times slower, and serves as a test oracle.
    /// </summary>
    Cpu,
    /// <summary>An OpenCL CPU device such as PoCL.</summary>
    OpenCLCpu,
    /// <summary>An OpenCL GPU that ILGPU supports without overrides.</summary>
    OpenCLGpu,
    /// <summary>An NVIDIA GPU through CUDA.</summary>
    Cuda,
}
