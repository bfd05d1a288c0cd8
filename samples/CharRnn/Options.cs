namespace SeqDsl.Samples.CharRnn;

/// <summary>Command line: <c>[--quick] [--epochs N] [--seed N]</c>.</summary>
public sealed record Options(bool Quick, int? Epochs, int Seed, bool Help)
{
    /// <summary>The usage line.</summary>
    public const string Usage = "usage: CharRnn [--quick] [--epochs N] [--seed N] [--help]";

    /// <summary>Parses the arguments.</summary>
    /// <exception cref="ArgumentException">An unknown option or a bad number.</exception>
    public static Options Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        bool quick = false, help = false;
        int? epochs = null;
        int seed = 42;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--help" or "-h": help = true; break;
                case "--epochs": epochs = Number(args, ++i, "--epochs", 1); break;
                case "--seed": seed = Number(args, ++i, "--seed", 0); break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'.", nameof(args));
            }
        }

        return new Options(quick, epochs, seed, help);
    }

    private static int Number(IReadOnlyList<string> args, int index, string name, int minimum)
    {
        if (index >= args.Count || !int.TryParse(args[index], System.Globalization.CultureInfo.InvariantCulture, out int value) || value < minimum)
            throw new ArgumentException($"{name} needs an integer >= {minimum}.", nameof(args));
        return value;
    }
}
