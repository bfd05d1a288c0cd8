using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SeqDsl.CharRnn.Tests;

/// <summary>The sample as CI runs it: <c>CharRnn --quick</c> in its own process.</summary>
public partial class QuickRunTests
{
    [Fact]
    public void Quick_run_exits_0_and_beats_the_unigram_baseline()
    {
        var (exitCode, output) = Run("--quick");

        Assert.True(exitCode == 0, $"exit code {exitCode}; output:\n{output}");
        Assert.Contains("Device: ", output, StringComparison.Ordinal);
        Assert.Contains("T=0.5: alice was ", output, StringComparison.Ordinal);
        Assert.Contains("T=1.0: alice was ", output, StringComparison.Ordinal);
        var match = Summary().Match(output);
        Assert.True(match.Success, "no validation summary line:\n" + output);
        double loss = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        double unigram = double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(loss < unigram, $"validation cross-entropy {loss} is not below the unigram's {unigram}");
        Assert.Contains("Beats the unigram baseline.", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_options_exit_2_with_the_usage() =>
        Assert.Equal(2, Run("--bogus").ExitCode);

    [GeneratedRegex(@"Validation: cross-entropy ([0-9.]+) nats/char \(unigram ([0-9.]+)\)")]
    private static partial Regex Summary();

    private static (int ExitCode, string Output) Run(params string[] arguments)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CharRnn.dll"));
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {dotnet}.");
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // Quick mode took 76 s with PoCL on a loaded 2-core machine; ILGPU's CPU accelerator is several times slower.
        var timeout = SeqDevice.Best().Kind == DeviceKind.Cpu ? TimeSpan.FromMinutes(30) : TimeSpan.FromMinutes(10);
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"CharRnn {string.Join(' ', arguments)} ran past {timeout}. Output so far:\n{output}");
        }

        process.WaitForExit();
        lock (output)
            return (process.ExitCode, output.ToString());
    }
}
