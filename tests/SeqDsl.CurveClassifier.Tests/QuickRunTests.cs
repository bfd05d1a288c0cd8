using SeqDsl.Tests.Shared;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SeqDsl.CurveClassifier.Tests;

/// <summary>The sample as CI runs it: <c>CurveClassifier --quick</c> in its own process.</summary>
public partial class QuickRunTests
{
    [Fact]
    public void Quick_run_exits_0_and_beats_the_frequency_baseline()
    {
        var (exitCode, output) = Run("--quick");

        Assert.True(exitCode == 0, $"exit code {exitCode}; output:\n{output}");
        Assert.Contains("Device: ", output, StringComparison.Ordinal);
        Assert.Contains("Beats baseline: yes", output, StringComparison.Ordinal);
        var match = AccuracyLine().Match(output);
        Assert.True(match.Success, output);
        double model = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        double baseline = double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.True(model > baseline + 0.1, $"binary accuracy {model} vs baseline {baseline}");
    }

    [Fact]
    public void Quick_run_exits_1_when_the_model_does_not_beat_the_baseline()
    {
        // Zero epochs: untrained weights do not beat the training frequencies.
        var (exitCode, output) = Run("--quick", "--epochs", "0");

        Assert.True(exitCode == 1, $"exit code {exitCode}; output:\n{output}");
        Assert.Contains("Beats baseline: no", output, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Binary accuracy: model ([0-9.]+), baseline ([0-9.]+)")]
    private static partial Regex AccuracyLine();

    // Quick mode takes about 30 s with PoCL on a loaded 2-core machine; ILGPU's CPU accelerator is several times slower.
    /// <summary>Runs <c>dotnet CurveClassifier.dll ARGS</c> from the test output folder; exit code and output.</summary>
    private static (int ExitCode, string Output) Run(params string[] arguments) =>
        SampleRunner.Run("CurveClassifier.dll", SampleRunner.OnCpuAccelerator ? TimeSpan.FromMinutes(30) : TimeSpan.FromMinutes(10), arguments);
}
