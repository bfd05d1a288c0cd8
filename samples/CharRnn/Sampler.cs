namespace SeqDsl.Samples.CharRnn;

/// <summary>Draws the next character from predicted probabilities, sharpened or flattened by a temperature.</summary>
public static class Sampler
{
    /// <summary>
    /// Probabilities p reweighted to p^(1/T), normalized: softmax(log p / T). T &lt; 1 sharpens toward the most likely
    /// character, T = 1 keeps the model's distribution, T → 0 is the arg max.
    /// </summary>
    public static double[] Reweight(ReadOnlySpan<float> probabilities, double temperature)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be a finite number > 0.");
        var logits = new double[probabilities.Length];
        double max = double.NegativeInfinity;
        for (int i = 0; i < logits.Length; i++)
        {
            // A probability of exactly 0 stays 0 at every temperature.
            logits[i] = probabilities[i] > 0 ? Math.Log(probabilities[i]) / temperature : double.NegativeInfinity;
            max = Math.Max(max, logits[i]);
        }

        if (double.IsNegativeInfinity(max))
            throw new ArgumentException("The probabilities are all 0 (or the span is empty).", nameof(probabilities));
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            logits[i] = Math.Exp(logits[i] - max);
            sum += logits[i];
        }

        for (int i = 0; i < logits.Length; i++)
            logits[i] /= sum;
        return logits;
    }

    /// <summary>Draws an index from the reweighted distribution.</summary>
    public static int Sample(ReadOnlySpan<float> probabilities, double temperature, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var weights = Reweight(probabilities, temperature);
        double u = random.NextDouble(), cumulative = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            cumulative += weights[i];
            if (u < cumulative)
                return i;
        }

        // Rounding left u above the last cumulative sum: the last character with any weight.
        for (int i = weights.Length - 1; i >= 0; i--)
        {
            if (weights[i] > 0)
                return i;
        }

        return weights.Length - 1;
    }
}
