using SeqDsl.Samples.Forecasting;
using SeqDsl.Samples.Forecasting.Plots;
using SkiaSharp;

namespace SeqDsl.Samples.Tests;

public class PlotTests
{
    // Enough pixels of a colour to be a drawn curve or marker rather than anti-aliasing noise.
    private const int MinimumCurvePixels = 100;

    [Fact]
    public void Forecast_plot_is_a_png_of_the_requested_size_with_the_series_and_forecast_drawn()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "forecast.png");
        float[] series = Wave(50, 0);
        float[] actual = Wave(10, 50);
        float[] forecast = actual.Select(v => v - 0.1f).ToArray();

        FigureWriter.Save(ForecastPlot.Create("ten ahead", series, actual, forecast), path, 640, 360);

        var png = PngFile.Read(path);
        Assert.Equal((640, 360), (png.Width, png.Height));
        Assert.Equal(8, png.BitDepth);
        Assert.True(png.DataChunks > 0, "no IDAT chunk");
        var (blue, red, background) = CountPixels(path);
        Assert.True(blue >= MinimumCurvePixels, $"only {blue} pixels of the series colour");
        Assert.True(red >= MinimumCurvePixels, $"only {red} pixels of the forecast colour");
        Assert.True(background > 640 * 360 / 2, $"only {background} near-white pixels: the figure background is missing");
    }

    [Fact]
    public void Learning_curve_plot_is_a_png_of_the_requested_size_with_both_curves_drawn()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "curves.png");
        double[] loss = [0.2, 0.05, 0.03, 0.02, 0.015];
        double[] validation = [0.15, 0.04, 0.035, 0.025, 0.02];

        FigureWriter.Save(LearningCurvePlot.Create("curves", loss, validation), path, 320, 240);

        var png = PngFile.Read(path);
        Assert.Equal((320, 240), (png.Width, png.Height));
        var (blue, red, _) = CountPixels(path);
        Assert.True(blue >= MinimumCurvePixels / 2, $"only {blue} pixels of the training curve's colour");
        Assert.True(red >= MinimumCurvePixels / 2, $"only {red} pixels of the validation curve's colour");
    }

    [Fact]
    public void Figure_writer_writes_forecast_and_learning_curves_per_model_and_skips_models_that_did_not_run()
    {
        using var folder = new TempFolder();
        var trace = new ExperimentTrace([0.1, 0.05], [0.09, 0.06], Wave(50, 0), [0.3f], [0.25f]);
        var trained = new ExperimentResult("deep-rnn", "Deep RNN", null, 1281, 0.1, 0.003, null, 0.02, 0.00262) { Trace = trace };
        var naive = new ExperimentResult("naive", "Naive", null, 0, null, 0.02, null, 0.02, 0.0202) { Trace = trace with { Loss = [], ValidationLoss = [] } };
        var unavailable = ExperimentResult.NotAvailable(ExperimentCatalog.Find("wavenet")!, "no kernels for Conv1D layers");

        var written = FigureWriter.WriteAll(Path.Combine(folder.Path, "figures"), [trained, naive, unavailable]);

        Assert.Equal(["deep-rnn-learning-curves.png", "deep-rnn-forecast.png", "naive-forecast.png"], written.Select(Path.GetFileName));
        foreach (string file in written)
            Assert.Equal((FigureStyle.Width, FigureStyle.Height), Size(PngFile.Read(file)));
    }

    [Fact]
    public void Forecast_plot_rejects_a_forecast_whose_length_differs_from_the_actual_values()
    {
        var error = Assert.Throws<ArgumentException>(() => ForecastPlot.Create("t", Wave(50, 0), [0.1f, 0.2f], [0.1f]));
        Assert.Equal("forecast", error.ParamName);
        Assert.Contains("Forecast has 1 values, actual 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Learning_curve_plot_rejects_curves_of_different_lengths()
    {
        var error = Assert.Throws<ArgumentException>(() => LearningCurvePlot.Create("t", [0.1, 0.05], [0.1]));
        Assert.Equal("validationLoss", error.ParamName);
    }

    private static (int Width, int Height) Size(PngFile png) => (png.Width, png.Height);

    private static float[] Wave(int count, int start) =>
        Enumerable.Range(start, count).Select(t => 0.5f * MathF.Sin(t * 0.3f)).ToArray();

    private static (int Blue, int Red, int Background) CountPixels(string path)
    {
        using var bitmap = SKBitmap.Decode(path) ?? throw new InvalidDataException($"SkiaSharp could not decode {path}.");
        int blue = 0, red = 0, background = 0;
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                var pixel = bitmap.GetPixel(x, y);
                if (Near(pixel, FigureStyle.Blue))
                    blue++;
                else if (Near(pixel, FigureStyle.Red))
                    red++;
                else if (pixel.Red > 240 && pixel.Green > 240 && pixel.Blue > 240)
                    background++;
            }
        }

        return (blue, red, background);
    }

    private static bool Near(SKColor pixel, ScottPlot.Color color) =>
        Math.Abs(pixel.Red - color.R) + Math.Abs(pixel.Green - color.G) + Math.Abs(pixel.Blue - color.B) < 40;
}
