using System.Globalization;
using Spectre.Console;

namespace SeqDsl.Samples.Forecasting;

/// <summary>The final table: each model's size, speed and validation error next to the book's figure.</summary>
public static class ReportTable
{
    /// <summary>Writes the table to <paramref name="output"/> (plain text when it is not a terminal).</summary>
    public static void Write(TextWriter output, IReadOnlyList<ExperimentResult> results)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        if (output != Console.Out || Console.IsOutputRedirected)
        {
            // A StringWriter or redirected stream has no width of its own (Spectre assumes 80); keep rows on one line.
            console.Profile.Width = 240;
        }

        // On a narrow terminal the descriptions would squeeze every column into several lines; the names suffice there.
        bool describe = console.Profile.Width >= MinimumWidthForDescriptions;
        var table = new Table().Border(TableBorder.Rounded).AddColumn("Model");
        if (describe)
            table.AddColumn("Description");
        table.AddColumn(new TableColumn("Params").RightAligned())
            .AddColumn(new TableColumn("Epochs").RightAligned())
            .AddColumn(new TableColumn("s/epoch*").RightAligned())
            .AddColumn(new TableColumn("Valid MSE").RightAligned())
            .AddColumn(new TableColumn("Last-step MSE").RightAligned())
            .AddColumn(new TableColumn("Naive").RightAligned())
            .AddColumn("Beats naive")
            .AddColumn(new TableColumn("Book").RightAligned())
            .AddColumn(new TableColumn("÷ book").RightAligned());
        foreach (var r in results)
        {
            if (r.Unavailable is not null)
            {
                table.AddRow(Row(describe, Cell(r.Name), Cell(r.Title), Cell("—"), Cell("—"), Cell("—"), new Markup("[yellow]not available yet[/]"),
                    Cell(Shorten(r.Unavailable)), Cell("—"), Cell("—"), Cell(Number(r.BookFigure)), Cell("—")));
                continue;
            }

            if (r.Error is not null)
            {
                table.AddRow(Row(describe, Cell(r.Name), Cell(r.Title), Cell("—"), Cell("—"), Cell("—"), new Markup("[red]failed[/]"),
                    Cell(r.Error), Cell("—"), Cell("—"), Cell(Number(r.BookFigure)), Cell("—")));
                continue;
            }

            string beats = r.Name == "naive" ? "—" : r.BeatsNaive ? "yes" : "NO";
            table.AddRow(Row(describe,
                Cell(r.Name), Cell(r.Title), Cell(r.Parameters.ToString(CultureInfo.InvariantCulture)),
                Cell(r.Trained ? r.Epochs.ToString(CultureInfo.InvariantCulture) : "—"),
                Cell(r.SecondsPerEpoch is double s ? s.ToString("F3", CultureInfo.InvariantCulture) : "—"),
                Cell(Number(r.ValidationMse)), Cell(Number(r.LastStepMse)), Cell(Number(r.NaiveMse)), Cell(beats),
                Cell(Number(r.BookFigure)),
                Cell(r.RatioToBook is double ratio ? ratio.ToString("F2", CultureInfo.InvariantCulture) : "—")));
        }

        console.Write(table);
        output.WriteLine("* s/epoch leaves out the first epoch, which also compiles the kernels.");
        output.WriteLine("Seq-to-seq rows compare the last-step MSE (the ten values after the input) with the book and the naive forecast.");
    }

    /// <summary>Terminal columns below which the table leaves out the Description column.</summary>
    private const int MinimumWidthForDescriptions = 160;

    private static Text Cell(string text) => new(text);

    // Cells in column order; the second (the description) is dropped when the table has no Description column.
    private static Spectre.Console.Rendering.IRenderable[] Row(bool describe, params Spectre.Console.Rendering.IRenderable[] cells) =>
        describe ? cells : [cells[0], .. cells[2..]];

    private static string Number(double? value) =>
        value is double v ? v.ToString("0.00000", CultureInfo.InvariantCulture) : "—";

    // The generated message names the class and the missing kernel; the kernel part is what the reader needs.
    private static string Shorten(string reason)
    {
        const string marker = "no kernels for ";
        int at = reason.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
            return reason;
        string rest = reason[(at + marker.Length)..];
        int end = rest.IndexOf(" (", StringComparison.Ordinal);
        return "needs " + (end < 0 ? rest : rest[..end]);
    }
}
