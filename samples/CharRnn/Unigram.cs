namespace SeqDsl.Samples.CharRnn;

/// <summary>The trivial baseline: each next character predicted from the training text's character frequencies alone.</summary>
public sealed class Unigram
{
    private readonly double[] probabilities;

    private Unigram(double[] probabilities) => this.probabilities = probabilities;

    /// <summary>Frequencies of the ids, with add-one smoothing so that no character has probability 0.</summary>
    public static Unigram Fit(ReadOnlySpan<int> ids, int vocabularySize)
    {
        var counts = new double[vocabularySize];
        foreach (int id in ids)
            counts[id]++;
        double total = ids.Length + vocabularySize;
        return new Unigram(counts.Select(c => (c + 1) / total).ToArray());
    }

    /// <summary>The probability of each id.</summary>
    public IReadOnlyList<double> Probabilities => probabilities;

    /// <summary>Mean cross-entropy in nats of predicting the targets of <paramref name="y"/> [n, steps, 1].</summary>
    public double CrossEntropy(float[,,] y)
    {
        double sum = 0;
        int count = 0;
        foreach (float id in y)
        {
            sum -= Math.Log(probabilities[(int)id]);
            count++;
        }

        return sum / count;
    }

    /// <summary>Accuracy of always guessing the most frequent character.</summary>
    public double Accuracy(float[,,] y)
    {
        int best = Array.IndexOf(probabilities, probabilities.Max());
        int hits = 0, count = 0;
        foreach (float id in y)
        {
            hits += (int)id == best ? 1 : 0;
            count++;
        }

        return (double)hits / count;
    }
}
