using System.Diagnostics;

namespace SeqDsl.Samples.Tests;

/// <summary>Runs the built forecasting sample (Forecasting.dll, copied next to the tests) in its own process.</summary>
public static class SampleProcess
{
    /// <summary>
    /// How long a run may take before the test fails. Quick mode took 2.5–6 minutes with PoCL on a 2-core machine loaded
    /// by other builds; ILGPU's CPU accelerator (no PoCL, no GPU) ran its LSTM epochs 5–8 times slower still.
    /// </summary>
    public static TimeSpan Timeout => SeqDevice.Best().Kind == DeviceKind.Cpu ? TimeSpan.FromMinutes(60) : TimeSpan.FromMinutes(15);

    /// <summary>The sample's entry assembly in the test output folder.</summary>
    public static string Assembly => Path.Combine(AppContext.BaseDirectory, "Forecasting.dll");

    /// <summary>Runs <c>dotnet Forecasting.dll ARGS</c>; returns the exit code and the interleaved output.</summary>
    public static (int ExitCode, string Output) Run(params string[] arguments)
    {
        // The SDK sets DOTNET_HOST_PATH for test runs; outside it, the dotnet on PATH.
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Assembly);
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {dotnet}.");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var timeout = Timeout;
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Forecasting {string.Join(' ', arguments)} ran past {timeout}. Output so far:\n{output}");
        }

        process.WaitForExit(); // drains the redirected streams
        lock (output)
            return (process.ExitCode, output.ToString());
    }
}
