using SeqDsl.Tests.Shared;

namespace SeqDsl.Autoencoder.Tests;

/// <summary>Runs the built autoencoder sample (Autoencoder.dll, copied next to the tests) in its own process.</summary>
public static class SampleProcess
{
    /// <summary>How long a run may take before the test fails. Quick mode took 12–30 s on PoCL on a loaded 2-core machine; the CPU accelerator is far slower.</summary>
    public static TimeSpan Timeout => SampleRunner.OnCpuAccelerator ? TimeSpan.FromMinutes(30) : TimeSpan.FromMinutes(5);

    /// <summary>Runs <c>dotnet Autoencoder.dll ARGS</c>; returns the exit code and the interleaved output.</summary>
    public static (int ExitCode, string Output) Run(params string[] arguments) => SampleRunner.Run("Autoencoder.dll", Timeout, arguments);
}
