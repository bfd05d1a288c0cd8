using System;

namespace SeqDsl;

/// <summary>
/// Thrown by <see cref="SeqDevice.WithBuildLog{T}(Func{T})"/> when loading a kernel fails. Unlike ILGPU's own
/// <c>CLException</c> (whose message is only an error code), the message carries the device and the OpenCL
/// compiler's build log, which ILGPU writes only to <see cref="System.Diagnostics.Trace"/>.
/// </summary>
public sealed class KernelBuildException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The full message, including the build log.</param>
    /// <param name="buildLog">What the driver reported while building the kernel (empty when it said nothing).</param>
    /// <param name="deviceDescription">The <see cref="SeqDevice.Description"/> of the device the kernel was loaded on.</param>
    /// <param name="innerException">The exception ILGPU threw.</param>
    public KernelBuildException(string message, string buildLog, string deviceDescription, Exception innerException)
        : base(message, innerException)
    {
        BuildLog = buildLog;
        DeviceDescription = deviceDescription;
    }

    /// <summary>What the driver reported while building the kernel; empty when it reported nothing.</summary>
    public string BuildLog { get; }

    /// <summary>The device the kernel failed to load on.</summary>
    public string DeviceDescription { get; }
}
