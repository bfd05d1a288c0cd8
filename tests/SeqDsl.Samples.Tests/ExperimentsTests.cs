using SeqDsl.Samples.Forecasting;

namespace SeqDsl.Samples.Tests;

public class ExperimentsTests
{
    [Fact]
    public void A_failing_model_and_a_model_without_kernels_do_not_stop_the_run_and_the_table_says_which_is_which()
    {
        Experiment[] experiments =
        [
            new("broken", "Throws while training", null, (_, _) => throw new InvalidOperationException("kernel build failed on this device")),
            new("later", "Layers land later", 0.01, (_, _) => throw new NotSupportedException("no kernels for Conv1D layers (layer conv1d)")),
            ExperimentCatalog.Find("naive")!,
        ];
        using var device = SeqDevice.Cpu();
        var output = new StringWriter();

        var results = Experiments.Run(output, device, ExperimentData.Quick(42), new EpochPlan(null, Quick: true), 42, experiments);

        Assert.Equal(["broken", "later", "naive"], results.Select(r => r.Name));
        Assert.Contains("kernel build failed on this device", results[0].Error, StringComparison.Ordinal);
        Assert.False(results[0].Trained);
        Assert.Null(results[1].Error);
        Assert.Contains("Conv1D", results[1].Unavailable, StringComparison.Ordinal);
        Assert.True(results[2].ValidationMse > 0);
        Assert.Equal([results[0]], Experiments.Failures(results));

        string text = output.ToString();
        Assert.Contains("failed", text, StringComparison.Ordinal);
        Assert.Contains("not available yet", text, StringComparison.Ordinal);
        Assert.Contains("needs Conv1D layers", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cpu_accelerator_run_prints_the_pocl_advice_once()
    {
        using var device = SeqDevice.Cpu();
        var output = new StringWriter();

        Experiments.PrintDevice(output, device);

        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal(Experiments.CpuFallbackAdvice, lines[1].TrimEnd('\r'));
    }
}
