using System.Globalization;
using System.Text.RegularExpressions;

namespace SeqDsl.Autoencoder.Tests;

/// <summary>The sample run as CI runs it: <c>Autoencoder --quick</c>.</summary>
public partial class QuickRunTests
{
    [Fact]
    public void Quick_run_exits_0_beats_the_mean_baseline_and_flags_anomalies_better_than_chance()
    {
        var (exitCode, output) = SampleProcess.Run("--quick");

        Assert.True(exitCode == 0, $"exit code {exitCode}; output:\n{output}");
        Assert.Contains("Device: ", output, StringComparison.Ordinal);

        var mse = MseLine().Match(output);
        Assert.True(mse.Success, output);
        double model = Number(mse.Groups[1].Value), baseline = Number(mse.Groups[2].Value);
        Assert.True(baseline > 0, "the mean baseline has no error: the data is wrong");
        Assert.True(model < baseline, $"autoencoder {model} vs mean {baseline}");

        var flag = FlagLine().Match(output);
        Assert.True(flag.Success, output);
        double precision = Number(flag.Groups[1].Value), chance = Number(flag.Groups[2].Value), recall = Number(flag.Groups[3].Value);
        Assert.InRange(chance, 0.05, 0.15);
        Assert.True(precision > chance, $"precision {precision} vs chance {chance}");
        // Flagging at random above a 99th-percentile threshold would find about 1 % of the anomalies.
        Assert.True(recall > 0.2, $"recall {recall}");
    }

    [Fact]
    public void Exit_code_agrees_with_the_printed_verdicts_after_one_epoch()
    {
        var (exitCode, output) = SampleProcess.Run("--quick", "--epochs", "1");

        // One epoch already beats the mean on PoCL (0.1399 vs 0.1439); whatever the device, exit 0 must mean both verdicts passed.
        bool beats = output.Contains("Beats baseline", StringComparison.Ordinal) && output.Contains("Beats chance", StringComparison.Ordinal);
        Assert.Equal(beats ? 0 : 1, exitCode);
    }

    [Fact]
    public void Unknown_option_exits_2_with_the_usage()
    {
        var (exitCode, output) = SampleProcess.Run("--bogus");

        Assert.Equal(2, exitCode);
        Assert.Contains("Unknown option '--bogus'", output, StringComparison.Ordinal);
        Assert.Contains("Usage: Autoencoder", output, StringComparison.Ordinal);
    }

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"autoencoder ([0-9.]+), per-series mean ([0-9.]+)")]
    private static partial Regex MseLine();

    [GeneratedRegex(@"precision ([0-9.]+) \(chance ([0-9.]+)\), recall ([0-9.]+)")]
    private static partial Regex FlagLine();
}
