namespace SeqDsl.Samples.CharRnn;

/// <summary>The shipped text (alice.txt, next to the program), encoded and split into training and validation windows.</summary>
public sealed record Corpus(int[] Train, int[] Validation)
{
    /// <summary>Share of the text, from the end, held out for validation.</summary>
    public const double ValidationShare = 0.1;

    /// <summary>The text file copied next to the sample's assembly.</summary>
    public static string DefaultPath => Path.Combine(AppContext.BaseDirectory, "alice.txt");

    /// <summary>Reads and encodes the text; the last <see cref="ValidationShare"/> of it is the validation part.</summary>
    public static Corpus Load(string path) => Split(Vocabulary.Encode(File.ReadAllText(path)));

    /// <summary>Splits encoded text: the first 90% trains, the rest validates.</summary>
    public static Corpus Split(int[] ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int cut = (int)(ids.Length * (1 - ValidationShare));
        return new Corpus(ids[..cut], ids[cut..]);
    }
}
