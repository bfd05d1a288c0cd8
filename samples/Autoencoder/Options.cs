using System.Globalization;

namespace SeqDsl.Samples.Autoencoder;

/// <summary>Command-line options.</summary>
public sealed record Options
{
    /// <summary>Usage text.</summary>
    public const string Usage =
        "Usage: Autoencoder [--quick] [--epochs N] [--seed N]\n" +
        "  --quick    20-step series, 1,000 training / 300 validation, few epochs (CI); default: the book's 50-step data, 7,000 / 2,000\n" +
        "  --epochs N training epochs (default 20; 40 with --quick)\n" +
        "  --seed N   data, anomaly and weight seed (default 42)";

    /// <summary>Small data, short series, the quick model.</summary>
    public bool Quick { get; init; }

    /// <summary>Epochs, or null for the mode's default.</summary>
    public int? Epochs { get; init; }

    /// <summary>Data, anomaly and weight seed.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Print the usage and stop.</summary>
    public bool Help { get; init; }

    /// <summary>The epochs to train: the option, or the mode's default.</summary>
    public int EpochsOrDefault => Epochs ?? (Quick ? 40 : 20);

    /// <summary>Parses the arguments.</summary>
    /// <exception cref="ArgumentException">An unknown option or a bad number.</exception>
    public static Options Parse(IReadOnlyList<string> args)
    {
        var options = new Options();
        for (int i = 0; i < args.Count; i++)
        {
            options = args[i] switch
            {
                "--quick" => options with { Quick = true },
                "--help" or "-h" => options with { Help = true },
                "--epochs" => options with { Epochs = Number(args, ++i, "--epochs", minimum: 1) },
                "--seed" => options with { Seed = Number(args, ++i, "--seed", minimum: 0) },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }

        return options;
    }

    private static int Number(IReadOnlyList<string> args, int index, string name, int minimum)
    {
        if (index >= args.Count)
            throw new ArgumentException($"{name} needs a number.");
        if (!int.TryParse(args[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < minimum)
            throw new ArgumentException($"{name} must be a whole number of at least {minimum}; got '{args[index]}'.");
        return value;
    }
}
