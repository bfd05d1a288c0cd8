using System;

namespace SeqDsl;

/// <summary>
/// Thrown when a device that was asked for explicitly (through a factory such as <see cref="SeqDevice.PoCL"/>
/// or the <c>SEQDSL_DEVICE</c> environment variable) cannot be created. The message says why and what was found.
/// </summary>
public sealed class SeqDeviceUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception with a message that says which device was asked for and why it is missing.</summary>
    public SeqDeviceUnavailableException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the exception that made the device unusable.</summary>
    public SeqDeviceUnavailableException(string message, Exception innerException) : base(message, innerException) { }
}
