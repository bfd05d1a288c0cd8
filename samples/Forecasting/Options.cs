using System.Globalization;

namespace SeqDsl.Samples.Forecasting;

/// <summary>Command-line options.</summary>
public sealed record Options
{
    /// <summary>Usage text.</summary>
    public static string Usage { get; } = string.Join('\n',
        "Usage: Forecasting [--model NAME[,NAME…]] [--epochs N] [--quick] [--seed N] [--plots DIR] [--results FILE] [--csv FILE --column NAME]",
        $"  --model NAMES  comma-separated, from: {string.Join(", ", ExperimentCatalog.All.Select(e => e.Name))} (default: all)",
        $"  --epochs N     training epochs of every model (default {EpochPlan.BookEpochs}; with --quick {EpochPlan.DefaultQuickEpochs}, more for slow learners)",
        $"  --quick        {ExperimentData.QuickTrain:N0} training / {ExperimentData.QuickValid:N0} validation series; exit code 1 if a trained model fails to beat naive",
        "  --seed N       data and weight seed (default 42, the book's)",
        "  --plots DIR    write PNG figures: each model's learning curves and its forecast of validation series 0",
        "  --results FILE write the table as JSON (one object per model) for scripts and tests",
        "  --csv FILE --column NAME   train the deep RNN on your own series (look-back 50) and compare with naive");

    /// <summary>The short names of the models to run, in the catalog's order; empty for all.</summary>
    public IReadOnlyList<string> Models { get; init; } = [];

    /// <summary>Epochs, or null for the mode's default.</summary>
    public int? Epochs { get; init; }

    /// <summary>Small data and few epochs.</summary>
    public bool Quick { get; init; }

    /// <summary>Data and weight seed.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>A CSV file holding the user's series.</summary>
    public string? Csv { get; init; }

    /// <summary>The CSV column to forecast.</summary>
    public string? Column { get; init; }

    /// <summary>Folder for the PNG figures, or null for none.</summary>
    public string? Plots { get; init; }

    /// <summary>File for the results as JSON, or null for none.</summary>
    public string? Results { get; init; }

    /// <summary>Print usage and exit.</summary>
    public bool Help { get; init; }

    /// <summary>Parses <paramref name="args"/>.</summary>
    /// <exception cref="ArgumentException">An option is unknown, lacks its value, or has a bad value.</exception>
    public static Options Parse(IReadOnlyList<string> args)
    {
        var options = new Options();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            options = arg switch
            {
                "--quick" => options with { Quick = true },
                "-h" or "--help" => options with { Help = true },
                "--model" => options with { Models = KnownModels(Value(args, ref i)) },
                "--epochs" => options with { Epochs = Positive(arg, Value(args, ref i)) },
                "--seed" => options with { Seed = Integer(arg, Value(args, ref i)) },
                "--csv" => options with { Csv = Value(args, ref i) },
                "--column" => options with { Column = Value(args, ref i) },
                "--plots" => options with { Plots = Value(args, ref i) },
                "--results" => options with { Results = Value(args, ref i) },
                _ => throw new ArgumentException($"Unknown option '{arg}' at position {i}.", nameof(args)),
            };
        }

        if ((options.Csv is null) != (options.Column is null))
            throw new ArgumentException("--csv and --column go together: give both or neither.", nameof(args));
        return options;
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        if (i + 1 >= args.Count)
            throw new ArgumentException($"Option '{args[i]}' at position {i} needs a value.", nameof(args));
        return args[++i];
    }

    private static IReadOnlyList<string> KnownModels(string names)
    {
        var known = names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(name => ExperimentCatalog.Find(name)?.Name ?? throw new ArgumentException(
                $"Unknown model '{name}': expected one of {string.Join(", ", ExperimentCatalog.All.Select(e => e.Name))}.", nameof(names)))
            .ToHashSet();
        if (known.Count == 0)
            throw new ArgumentException("Option '--model' needs at least one model name.", nameof(names));
        return ExperimentCatalog.All.Select(e => e.Name).Where(known.Contains).ToList();
    }

    private static int Integer(string option, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new ArgumentException($"Option '{option}' expects an integer, got '{text}'.", nameof(text));

    private static int Positive(string option, string text)
    {
        int value = Integer(option, text);
        return value >= 1 ? value : throw new ArgumentException($"Option '{option}' expects 1 or more, got {value}.", nameof(text));
    }
}
