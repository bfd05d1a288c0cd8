using ScottPlot;

namespace SeqDsl.Samples.Forecasting.Plots;

/// <summary>The look of the book's matplotlib figures: blue series, red forecasts, a grid, axes from −1 to 1.</summary>
public static class FigureStyle
{
    /// <summary>Default PNG width in pixels.</summary>
    public const int Width = 800;

    /// <summary>Default PNG height in pixels.</summary>
    public const int Height = 500;

    /// <summary>Marker size of the series points (matplotlib's "." is small).</summary>
    public const float SeriesMarker = 5;

    /// <summary>Marker size of actual and forecast values (the book uses markersize=10).</summary>
    public const float PointMarker = 10;

    /// <summary>Stroke of the cross markers, thick enough to read at <see cref="PointMarker"/>.</summary>
    public const float CrossLineWidth = 2;

    /// <summary>Line width of every curve.</summary>
    public const float LineWidth = 1.5f;

    /// <summary>The generated series stay within ±1 (two sines of amplitude 0.5 plus noise), so the book fixes the y axis there.</summary>
    public const double SeriesLimit = 1;

    /// <summary>matplotlib's default blue ("b" in the book's format strings, drawn as tab:blue).</summary>
    public static Color Blue { get; } = Color.FromHex("#1f77b4");

    /// <summary>matplotlib's red ("r").</summary>
    public static Color Red { get; } = Color.FromHex("#d62728");

    /// <summary>matplotlib's default font, shipped by Debian's fonts-dejavu-core.</summary>
    public const string PreferredFont = "DejaVu Sans";

    /// <summary>
    /// The font every label uses: <see cref="PreferredFont"/> when installed, else ScottPlot's pick of a sans-serif font.
    /// (SkiaSharp's default typeface without fontconfig is whichever font file it finds first, often a serif.)
    /// </summary>
    public static string FontName { get; } =
        SkiaSharp.SKFontManager.Default.FontFamilies.Contains(PreferredFont, StringComparer.OrdinalIgnoreCase) ? PreferredFont : Fonts.Sans;

    /// <summary>A new plot in the book's style: sans-serif labels and a bold title.</summary>
    public static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Axes.Title.Label.Bold = true;
        return plot;
    }
}
