namespace SeqDsl.Samples.CharRnn;

/// <summary>
/// Samples text one character at a time with the stateful <see cref="CharGenerator"/>: the seed is fed once, then each
/// drawn character is the only input of the next call, so the LSTM states carry the prefix and it is never recomputed.
/// </summary>
public sealed class TextGenerator : IDisposable
{
    private readonly CharGenerator model;

    /// <summary>A generator on <paramref name="device"/>; copy trained weights in with <see cref="CopyWeightsFrom"/>.</summary>
    public TextGenerator(SeqDevice device) => model = new CharGenerator(device);

    /// <summary>Takes the weights of the training model (same layers, so the same flat layout).</summary>
    public void CopyWeightsFrom(CharModel trained)
    {
        ArgumentNullException.ThrowIfNull(trained);
        model.SetWeights(trained.GetWeights());
    }

    /// <summary>The seed followed by <paramref name="length"/> characters drawn at <paramref name="temperature"/>.</summary>
    public string Generate(string seed, int length, double temperature, Random random)
    {
        ArgumentException.ThrowIfNullOrEmpty(seed);
        ArgumentNullException.ThrowIfNull(random);
        int[] prefix = Vocabulary.Encode(seed);
        model.ResetStates();

        // The whole seed in one call: the states after it are where generation starts.
        var x = new float[1, prefix.Length, 1];
        for (int t = 0; t < prefix.Length; t++)
            x[0, t, 0] = prefix[t];
        float[,,] probabilities = model.Predict(x, batchSize: 1);
        var generated = new List<int>(length);
        var next = new float[1, 1, 1];
        var step = new float[1, 1, Vocabulary.Size]; // each drawn character's prediction, refilled in place
        var row = new float[Vocabulary.Size];
        for (int i = 0; i < length; i++)
        {
            int last = probabilities.GetLength(1) - 1;
            for (int c = 0; c < row.Length; c++)
                row[c] = probabilities[0, last, c];
            int id = Sampler.Sample(row, temperature, random);
            generated.Add(id);
            next[0, 0, 0] = id;
            model.Predict(next, step, batchSize: 1); // one step: the states carry everything before it
            probabilities = step;
        }

        return seed + Vocabulary.Decode(generated);
    }

    /// <summary>Frees the generator's device buffers.</summary>
    public void Dispose() => model.Dispose();
}
