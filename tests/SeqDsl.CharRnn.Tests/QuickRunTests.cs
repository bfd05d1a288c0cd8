using SeqDsl.Tests.Shared;
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

    // Quick mode took 76 s with PoCL on a loaded 2-core machine; ILGPU's CPU accelerator is several times slower.
    private static (int ExitCode, string Output) Run(params string[] arguments) =>
        SampleRunner.Run("CharRnn.dll", SampleRunner.OnCpuAccelerator ? TimeSpan.FromMinutes(30) : TimeSpan.FromMinutes(10), arguments);
}
