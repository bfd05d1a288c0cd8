namespace SeqDsl.Samples.CharRnn;

/// <summary>
/// The fixed character set of the sample. The embedding's input size and the output layer's width are compile-time
/// constants of the declared models, so the vocabulary is fixed too: the text is lower-cased and every character
/// must be one of <see cref="Alphabet"/>.
/// </summary>
public static class Vocabulary
{
    /// <summary>The characters, in id order (id = index).</summary>
    public const string Alphabet = "\n !\"'(),-.:;?abcdefghijklmnopqrstuvwxyz";

    /// <summary>Number of characters; the models' Embedding and Dense widths. Equal to Alphabet.Length (tested).</summary>
    public const int Size = 39;

    /// <summary>Lower-cases the text, folds Windows line ends, and encodes it as ids.</summary>
    /// <exception cref="ArgumentException">A character is outside the alphabet; names its position.</exception>
    public static int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string folded = text.Replace("\r\n", "\n", StringComparison.Ordinal).ToLowerInvariant();
        var ids = new int[folded.Length];
        for (int i = 0; i < folded.Length; i++)
        {
            int id = Alphabet.IndexOf(folded[i], StringComparison.Ordinal);
            if (id < 0)
                throw new ArgumentException($"text[{i}] = '{folded[i]}' (U+{(int)folded[i]:X4}) is not in the vocabulary \"{Alphabet.Replace("\n", "\\n", StringComparison.Ordinal)}\".", nameof(text));
            ids[i] = id;
        }

        return ids;
    }

    /// <summary>Decodes ids back to characters.</summary>
    /// <exception cref="ArgumentException">An id is outside [0, Size).</exception>
    public static string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new System.Text.StringBuilder();
        int index = 0;
        foreach (int id in ids)
        {
            if (id < 0 || id >= Size)
                throw new ArgumentException($"ids[{index}] = {id} is outside [0, {Size - 1}].", nameof(ids));
            text.Append(Alphabet[id]);
            index++;
        }

        return text.ToString();
    }
}
