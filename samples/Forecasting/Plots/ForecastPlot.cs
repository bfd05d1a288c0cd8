using ScottPlot;

namespace SeqDsl.Samples.Forecasting.Plots;

/// <summary>
/// The book's <c>plot_series</c> (one value ahead: the series, the actual next value as a blue cross, the forecast as a
/// red dot) and <c>plot_multiple_forecasts</c> (several ahead: actual as blue dots and line, forecast as red crosses and line).
/// </summary>
public static class ForecastPlot
{
    /// <summary>Builds the figure; the caller saves and disposes it.</summary>
    /// <exception cref="ArgumentException">The series is empty, or the forecast and actual values differ in length.</exception>
    public static Plot Create(string title, IReadOnlyList<float> series, IReadOnlyList<float> actual, IReadOnlyList<float> forecast)
    {
        if (series.Count == 0)
            throw new ArgumentException("The input series is empty.", nameof(series));
        if (actual.Count == 0 || forecast.Count != actual.Count)
        {
            throw new ArgumentException(
                $"Forecast has {forecast.Count} values, actual {actual.Count}: expected the same count, at least 1.", nameof(forecast));
        }

        var plot = FigureStyle.NewPlot();
        var input = plot.Add.Scatter(Steps(0, series.Count), ToDouble(series), FigureStyle.Blue);
        input.LineWidth = FigureStyle.LineWidth;
        input.MarkerSize = FigureStyle.SeriesMarker;
        input.LegendText = "Series";

        double[] future = Steps(series.Count, actual.Count);
        bool oneAhead = actual.Count == 1;
        var target = plot.Add.Scatter(future, ToDouble(actual), FigureStyle.Blue);
        target.LegendText = "Actual";
        target.MarkerSize = FigureStyle.PointMarker;
        target.MarkerShape = oneAhead ? MarkerShape.Eks : MarkerShape.FilledCircle;
        target.LineWidth = oneAhead ? 0 : FigureStyle.LineWidth;
        target.MarkerStyle.LineWidth = FigureStyle.CrossLineWidth;

        var predicted = plot.Add.Scatter(future, ToDouble(forecast), FigureStyle.Red);
        predicted.LegendText = "Forecast";
        predicted.MarkerSize = FigureStyle.PointMarker;
        predicted.MarkerShape = oneAhead ? MarkerShape.FilledCircle : MarkerShape.Eks;
        predicted.LineWidth = oneAhead ? 0 : FigureStyle.LineWidth;
        predicted.MarkerStyle.LineWidth = FigureStyle.CrossLineWidth;

        plot.Title(title);
        plot.XLabel("t");
        plot.YLabel("x(t)");
        plot.ShowLegend(Alignment.LowerLeft);
        // The book's axes are fixed at ±1, which fits the generated series; a user's CSV series may not fit, so scale to it.
        bool fits = series.Concat(actual).Concat(forecast).All(v => Math.Abs(v) <= FigureStyle.SeriesLimit);
        if (fits)
            plot.Axes.SetLimits(0, series.Count + actual.Count, -FigureStyle.SeriesLimit, FigureStyle.SeriesLimit);
        else
            plot.Axes.AutoScale();
        return plot;
    }

    private static double[] Steps(int start, int count) => Enumerable.Range(start, count).Select(t => (double)t).ToArray();

    private static double[] ToDouble(IReadOnlyList<float> values) => values.Select(v => (double)v).ToArray();
}
