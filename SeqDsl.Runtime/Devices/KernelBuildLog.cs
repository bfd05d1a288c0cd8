using System;
using System.Diagnostics;
using System.Text;
using System.Threading;

namespace SeqDsl;

/// <summary>
/// Captures the OpenCL build log of a kernel load. ILGPU 1.5.3 reports a failed <c>clBuildProgram</c> only as a
/// <c>CLException(CL_BUILD_PROGRAM_FAILURE)</c> and writes the compiler's log through
/// <see cref="Trace.WriteLine(string)"/> ("Kernel loading failed:" followed by the log). PoCL's errors for
/// unsupported constructs (atomics, <c>__generic</c> pointers, …) are therefore invisible unless a trace listener
/// is attached while the kernel loads.
/// </summary>
/// <remarks>
/// One listener is installed while at least one capture is running and removed afterwards, so the library leaves
/// <see cref="Trace.Listeners"/> as it found it. The listener appends to a buffer held in an
/// <see cref="AsyncLocal{T}"/>: ILGPU loads kernels synchronously on the calling thread, so concurrent captures on
/// different threads each see only their own kernel's log.
/// </remarks>
internal static class KernelBuildLog
{
    private static readonly object InstallLock = new();
    private static readonly AsyncLocal<StringBuilder?> CurrentBuffer = new();
    private static readonly CapturingListener Listener = new();
    private static int activeCaptures;

    /// <summary>Runs <paramref name="load"/> and returns its result, or the exception it threw together with everything written to Trace meanwhile.</summary>
    internal static (T? Result, Exception? Error, string Log) Capture<T>(Func<T> load)
    {
        var buffer = new StringBuilder();
        var previous = CurrentBuffer.Value;
        CurrentBuffer.Value = buffer;
        Install();
        try
        {
            return (load(), null, "");
        }
        catch (Exception error)
        {
            return (default, error, buffer.ToString().Trim());
        }
        finally
        {
            Uninstall();
            CurrentBuffer.Value = previous;
        }
    }

    private static void Install()
    {
        lock (InstallLock)
        {
            if (activeCaptures++ == 0)
                Trace.Listeners.Add(Listener);
        }
    }

    private static void Uninstall()
    {
        lock (InstallLock)
        {
            if (--activeCaptures == 0)
                Trace.Listeners.Remove(Listener);
        }
    }

    /// <summary>Forwards trace output to the buffer of the capture running on this thread (if any).</summary>
    private sealed class CapturingListener : TraceListener
    {
        public CapturingListener() : base("SeqDsl.KernelBuildLog") { }

        public override void Write(string? message)
        {
            var buffer = CurrentBuffer.Value;
            if (buffer is null) return;
            lock (buffer) buffer.Append(message);
        }

        public override void WriteLine(string? message)
        {
            var buffer = CurrentBuffer.Value;
            if (buffer is null) return;
            lock (buffer) buffer.Append(message).Append('\n');
        }
    }
}
