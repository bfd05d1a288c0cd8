using SeqDsl.Tests.Shared;

namespace SeqDsl.Samples.Tests;

/// <summary>Runs the built forecasting sample (Forecasting.dll, copied next to the tests) in its own process.</summary>
public static class SampleProcess
{
    /// <summary>How long a run may take before the test fails. Quick mode took 2.5–6 minutes with PoCL on a 2-core machine loaded by other builds; ILGPU's CPU accelerator (no PoCL, no GPU) ran its LSTM epochs 5–8 times slower still.</summary>
    public static TimeSpan Timeout => SampleRunner.OnCpuAccelerator ? TimeSpan.FromMinutes(60) : TimeSpan.FromMinutes(15);

    /// <summary>Runs <c>dotnet Forecasting.dll ARGS</c>; returns the exit code and the interleaved output.</summary>
    public static (int ExitCode, string Output) Run(params string[] arguments) => SampleRunner.Run("Forecasting.dll", Timeout, arguments);
}
