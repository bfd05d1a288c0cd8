using SeqDsl.Samples.Forecasting;

namespace SeqDsl.Samples.Tests;

public class HelperTests
{
    [Fact]
    public void Conv_gru_aligns_full_length_targets_to_the_books_Y_3_2_crop()
    {
        var y = new float[2, 50, 10];
        for (int i = 0; i < 2; i++)
        {
            for (int t = 0; t < 50; t++)
            {
                for (int k = 0; k < 10; k++)
                    y[i, t, k] = i * 1000 + t * 10 + k;
            }
        }

        using var device = SeqDevice.Cpu();
        using var model = new ConvGru(device, 0);
        float[,,] kept = model.AlignTargets(y);

        // Y[:, 3::2] of 50 steps: 3, 5, …, 49, i.e. the 24 outputs of Conv1D(kernel 4, strides 2, valid).
        Assert.Equal(24, model.OutputSteps(50));
        Assert.Equal(24, kept.GetLength(1));
        Assert.Equal(10, kept.GetLength(2));
        Assert.Equal(1000 + 3 * 10 + 2, kept[1, 0, 2]);
        Assert.Equal(5 * 10, kept[0, 1, 0]);
        Assert.Equal(1000 + 49 * 10 + 1, kept[1, 23, 1]);
    }

    [Fact]
    public void Last_step_takes_the_forecasts_made_at_the_last_input_step()
    {
        var sequence = new float[2, 3, 2];
        sequence[1, 2, 0] = 7;
        sequence[1, 2, 1] = 8;
        sequence[1, 1, 1] = 99;

        float[,] last = ExperimentTrace.LastStep(sequence);

        Assert.Equal(new float[,] { { 0, 0 }, { 7, 8 } }, last);
    }

    [Fact]
    public void Epoch_plan_uses_the_request_then_the_book_then_each_model_s_quick_count()
    {
        var simpleRnn = ExperimentCatalog.Find("simple-rnn")!;
        var lstm = ExperimentCatalog.Find("seq-lstm")!;

        Assert.Equal(7, new EpochPlan(7, Quick: true).For(simpleRnn));
        Assert.Equal(EpochPlan.BookEpochs, new EpochPlan(null, Quick: false).For(simpleRnn));
        Assert.Equal(ExperimentCatalog.SimpleRnnQuickEpochs, new EpochPlan(null, Quick: true).For(simpleRnn));
        Assert.Equal(EpochPlan.DefaultQuickEpochs, new EpochPlan(null, Quick: true).For(lstm));
    }

    [Fact]
    public void Options_parse_plots_and_results_folders()
    {
        var options = Options.Parse(["--quick", "--plots", "figs", "--results", "out/r.json", "--model", "SEQ-LSTM,naive"]);

        Assert.True(options.Quick);
        Assert.Equal("figs", options.Plots);
        Assert.Equal("out/r.json", options.Results);
        Assert.Equal(["naive", "seq-lstm"], options.Models);
    }

    [Fact]
    public void Options_reject_an_unknown_model_naming_it()
    {
        var error = Assert.Throws<ArgumentException>(() => Options.Parse(["--model", "linear,transformer"]));
        Assert.Contains("Unknown model 'transformer'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_reject_plots_without_a_folder()
    {
        var error = Assert.Throws<ArgumentException>(() => Options.Parse(["--plots"]));
        Assert.Contains("'--plots' at position 0 needs a value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cpu_fallback_advice_names_pocl_its_install_command_and_the_measured_speed_up()
    {
        Assert.Contains("pocl-opencl-icd", Experiments.CpuFallbackAdvice, StringComparison.Ordinal);
        Assert.Contains(Experiments.PoclSpeedup, Experiments.CpuFallbackAdvice, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', Experiments.CpuFallbackAdvice);
    }

    [Fact]
    public void Every_chapter_model_is_in_the_catalog_once_in_the_book_s_order()
    {
        Assert.Equal(
            ["naive", "linear", "simple-rnn", "deep-rnn", "iterative", "dense10", "seq-rnn", "seq-lstm", "seq-gru", "layernorm-rnn", "conv-gru", "wavenet"],
            ExperimentCatalog.All.Select(e => e.Name));
    }
}
