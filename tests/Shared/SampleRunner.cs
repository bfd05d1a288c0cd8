using System.Diagnostics;
using System.Text;

namespace SeqDsl.Tests.Shared;

/// <summary>
/// Runs a built sample (its entry dll, copied next to the tests) in its own process, as a user runs it. Linked into
/// every sample test project, so the process handling exists once.
/// </summary>
internal static class SampleRunner
{
    /// <summary>True when the tests run on ILGPU's CPU accelerator (no PoCL, no GPU), where samples train several times slower.</summary>
    public static bool OnCpuAccelerator => SeqDevice.Best().Kind == DeviceKind.Cpu;

    /// <summary>Runs <c>dotnet DLL ARGS</c>; returns the exit code and the interleaved standard output and error.</summary>
    /// <param name="dll">The sample's entry assembly name, e.g. <c>Forecasting.dll</c>.</param>
    /// <param name="timeout">How long the run may take before it is killed and the test fails.</param>
    /// <param name="arguments">The sample's command-line arguments.</param>
    public static (int ExitCode, string Output) Run(string dll, TimeSpan timeout, params string[] arguments)
    {
        // The SDK sets DOTNET_HOST_PATH for test runs; outside it, the dotnet on PATH.
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {dotnet}.");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{dll} {string.Join(' ', arguments)} ran past {timeout}. Output so far:\n{output}");
        }

        process.WaitForExit(); // flushes the asynchronous output handlers
        lock (output)
            return (process.ExitCode, output.ToString());
    }
}
