using SeqDsl.Samples.Forecasting;
using SeqDsl.Samples.Forecasting.Plots;

namespace SeqDsl.Samples.Tests;

/// <summary>The sample run as CI runs it: <c>Forecasting --quick</c>, with its figures and its JSON results.</summary>
public class QuickRunTests
{
    // The chapter's models that have kernels today; each must train and beat naive in quick mode.
    private static readonly string[] RunnableModels =
        ["linear", "simple-rnn", "deep-rnn", "iterative", "dense10", "seq-rnn", "seq-lstm", "seq-gru"];

    [Fact]
    public void Quick_run_exits_0_and_every_trained_model_beats_the_naive_forecast()
    {
        using var folder = new TempFolder();
        string figures = Path.Combine(folder.Path, "figures");
        string json = Path.Combine(folder.Path, "results.json");

        var (exitCode, output) = SampleProcess.Run("--quick", "--plots", figures, "--results", json);

        Assert.True(exitCode == 0, $"exit code {exitCode}; output:\n{output}");
        Assert.Contains("Beats naive", output, StringComparison.Ordinal);
        var results = ResultsFile.Read(json);
        Assert.True(results.Quick);
        Assert.Equal(ExperimentCatalog.All.Select(e => e.Name), results.Results.Select(r => r.Name));

        var naive = Assert.Single(results.Results, r => r.Name == "naive");
        Assert.True(naive.Score is > 0, "the naive forecast has no error: the data is wrong");
        foreach (string name in RunnableModels)
        {
            var row = Assert.Single(results.Results, r => r.Name == name);
            Assert.True(row.Trained, $"{name} did not train: {row.Unavailable}");
            Assert.True(row.BeatsNaive && row.Score < row.NaiveMse, $"{name}: score {row.Score} vs naive {row.NaiveMse}");
        }

        foreach (var row in results.Results)
        {
            Assert.True(row.Error is null, $"{row.Name} failed: {row.Error}");
            // Models whose layers land later either train and beat naive too, or say why they cannot run.
            Assert.True(row.Name == "naive" || row.BeatsNaive || row.Unavailable is { Length: > 0 }, $"{row.Name}: neither trained well nor unavailable");
            if (row.Unavailable is not null)
                continue;
            Assert.Equal((FigureStyle.Width, FigureStyle.Height), Size(Path.Combine(figures, $"{row.Name}-forecast.png")));
            if (row.Trained)
                Assert.Equal((FigureStyle.Width, FigureStyle.Height), Size(Path.Combine(figures, $"{row.Name}-learning-curves.png")));
        }
    }

    [Fact]
    public void Quick_run_exits_1_when_a_model_does_not_beat_naive()
    {
        // One epoch of the linear model on 1,000 series leaves it far above the naive error.
        var (exitCode, output) = SampleProcess.Run("--quick", "--model", "linear", "--epochs", "1");

        Assert.True(exitCode == 1, $"exit code {exitCode}; output:\n{output}");
        Assert.Contains("linear did not beat the naive forecast", output, StringComparison.Ordinal);
    }

    private static (int, int) Size(string png)
    {
        var file = PngFile.Read(png);
        return (file.Width, file.Height);
    }
}
