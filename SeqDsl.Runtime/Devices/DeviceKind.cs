namespace SeqDsl;

/// <summary>The kind of accelerator a <see cref="SeqDevice"/> runs on.</summary>
public enum DeviceKind
{
    /// <summary>ILGPU's CPU accelerator: a simulator that is exact but slow; the last resort and the test oracle.</summary>
    Cpu,
    /// <summary>An OpenCL CPU device such as PoCL.</summary>
    OpenCLCpu,
    /// <summary>An OpenCL GPU that ILGPU supports without overrides.</summary>
    OpenCLGpu,
    /// <summary>An NVIDIA GPU through CUDA.</summary>
    Cuda,
}
