using System.Diagnostics;

namespace SeqDsl.Autoencoder.Tests;

/// <summary>Runs the built autoencoder sample (Autoencoder.dll, copied next to the tests) in its own process.</summary>
public static class SampleProcess
{
    /// <summary>How long a run may take: quick mode took 12–30 s on PoCL on a loaded 2-core machine; the CPU accelerator is far slower.</summary>
    public static TimeSpan Timeout => SeqDevice.Best().Kind == DeviceKind.Cpu ? TimeSpan.FromMinutes(30) : TimeSpan.FromMinutes(5);

    /// <summary>The sample's entry assembly in the test output folder.</summary>
    public static string Assembly => Path.Combine(AppContext.BaseDirectory, "Autoencoder.dll");

    /// <summary>Runs <c>dotnet Autoencoder.dll ARGS</c>; returns the exit code and the interleaved output.</summary>
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
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Autoencoder {string.Join(' ', arguments)} ran past {Timeout}. Output so far:\n{output}");
        }

        process.WaitForExit(); // drains the redirected streams
        lock (output)
            return (process.ExitCode, output.ToString());
    }
}
