namespace SeqDsl.Samples.Forecasting.Plots;

/// <summary>Writes the figures of a run (<c>--plots DIR</c>) as PNG files.</summary>
public static class FigureWriter
{
    /// <summary>
    /// Writes, for each experiment that ran, <c>NAME-forecast.png</c> and (for trained models)
    /// <c>NAME-learning-curves.png</c> into <paramref name="directory"/>, creating it. Returns the files written.
    /// </summary>
    public static IReadOnlyList<string> WriteAll(string directory, IEnumerable<ExperimentResult> results)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var result in results)
        {
            if (result.Trace is not { } trace)
                continue;

            if (trace.Loss.Count > 0)
            {
                string curves = Path.Combine(directory, $"{result.Name}-learning-curves.png");
                Save(LearningCurvePlot.Create($"{result.Title} — learning curves", trace.Loss, trace.ValidationLoss), curves);
                written.Add(curves);
            }

            string forecast = Path.Combine(directory, $"{result.Name}-forecast.png");
            string what = trace.Actual.Length == 1 ? "next value" : $"next {trace.Actual.Length} values";
            Save(ForecastPlot.Create($"{result.Title} — {what} of validation series 0", trace.Series, trace.Actual, trace.Forecast), forecast);
            written.Add(forecast);
        }

        return written;
    }

    /// <summary>Saves <paramref name="plot"/> as a PNG of the given size and disposes it.</summary>
    public static void Save(ScottPlot.Plot plot, string path, int width = FigureStyle.Width, int height = FigureStyle.Height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        using (plot)
            plot.SavePng(path, width, height);
    }
}
