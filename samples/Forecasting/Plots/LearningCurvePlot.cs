using ScottPlot;

namespace SeqDsl.Samples.Forecasting.Plots;

/// <summary>The book's <c>plot_learning_curves</c>: training and validation loss per epoch.</summary>
public static class LearningCurvePlot
{
    /// <summary>Headroom above the highest plotted loss.</summary>
    private const double Headroom = 1.1;

    /// <summary>Builds the figure; the caller saves and disposes it.</summary>
    /// <exception cref="ArgumentException">No epochs, or the two curves have different lengths.</exception>
    public static Plot Create(string title, IReadOnlyList<double> loss, IReadOnlyList<double> validationLoss)
    {
        if (loss.Count == 0)
            throw new ArgumentException("Learning curves need at least one epoch of training loss.", nameof(loss));
        if (validationLoss.Count != 0 && validationLoss.Count != loss.Count)
        {
            throw new ArgumentException(
                $"Validation loss has {validationLoss.Count} epochs, training loss {loss.Count}: expected the same count.", nameof(validationLoss));
        }

        var plot = FigureStyle.NewPlot();
        double[] epochs = Enumerable.Range(1, loss.Count).Select(e => (double)e).ToArray();
        Curve(plot, epochs, loss, FigureStyle.Blue, "Training loss");
        if (validationLoss.Count > 0)
            Curve(plot, epochs, validationLoss, FigureStyle.Red, "Validation loss");

        plot.Title(title);
        plot.XLabel("Epochs");
        plot.YLabel("Loss (MSE)");
        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.SetLimits(1, Math.Max(2, loss.Count), 0, Top(loss, validationLoss));
        return plot;
    }

    // The first epoch's loss is often ten times the rest; like the book's fixed axis, leave it off the scale when
    // there are later epochs, so the end of training (what the reader compares) is not flattened at the bottom.
    private static double Top(IReadOnlyList<double> loss, IReadOnlyList<double> validationLoss)
    {
        int skip = loss.Count > 2 ? 1 : 0;
        double top = loss.Skip(skip).Concat(validationLoss.Skip(skip)).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        return top > 0 ? top * Headroom : 1;
    }

    private static void Curve(Plot plot, double[] epochs, IReadOnlyList<double> values, Color color, string label)
    {
        var scatter = plot.Add.Scatter(epochs, values.ToArray(), color);
        scatter.LegendText = label;
        scatter.LineWidth = FigureStyle.LineWidth;
        scatter.MarkerSize = FigureStyle.SeriesMarker;
    }
}
