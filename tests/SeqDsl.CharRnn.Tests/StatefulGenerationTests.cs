using SeqDsl.Samples.CharRnn;

namespace SeqDsl.CharRnn.Tests;

/// <summary>The stateful generator, fed one character per call, predicts what the training model predicts for the whole window.</summary>
public class StatefulGenerationTests
{
    [Fact]
    public void One_step_at_a_time_equals_the_whole_window_after_copying_weights()
    {
        using var device = SeqDevice.Best();
        using var trained = new CharModel(device, seed: 3);
        using var generator = new CharGenerator(device, seed: 4);
        generator.SetWeights(trained.GetWeights());

        int[] ids = Vocabulary.Encode("down the rabbit-hole");
        var x = new float[1, ids.Length, 1];
        for (int t = 0; t < ids.Length; t++)
            x[0, t, 0] = ids[t];
        float[,,] whole = trained.Predict(x);

        for (int pass = 0; pass < 2; pass++) // twice: ResetStates must start the second pass from zeros again
        {
            generator.ResetStates();
            for (int t = 0; t < ids.Length; t++)
            {
                float[,,] step = generator.Predict(new float[1, 1, 1] { { { ids[t] } } }, batchSize: 1);
                for (int c = 0; c < Vocabulary.Size; c++)
                    Assert.True(Math.Abs(whole[0, t, c] - step[0, 0, c]) <= 1e-5, $"pass {pass}, step {t}, char {c}: {whole[0, t, c]} vs {step[0, 0, c]}");
            }
        }
    }

    [Fact]
    public void Generated_text_starts_with_the_seed_and_has_the_requested_length()
    {
        using var device = SeqDevice.Best();
        using var trained = new CharModel(device, seed: 5);
        using var generator = new TextGenerator(device);
        generator.CopyWeightsFrom(trained);
        string text = generator.Generate("alice ", 25, 1.0, new Random(2));
        Assert.StartsWith("alice ", text, StringComparison.Ordinal);
        Assert.Equal(31, text.Length);
        Assert.All(text, ch => Assert.Contains(ch, Vocabulary.Alphabet));
    }

    [Fact]
    public void Generated_text_is_what_one_step_predictions_into_new_arrays_draw()
    {
        // The generator refills one array per step (Predict(x, destination)); the same draws from Predict(x), which
        // returns a new array every step, must give the same text.
        using var device = SeqDevice.Best();
        using var trained = new CharModel(device, seed: 5);
        // Initial weights × 6: sharp predictions that depend on the last character, so that a step drawn from a stale
        // prediction shows in the text (at the initial scale every row is near uniform and the draws coincide).
        trained.SetWeights(trained.GetWeights().Select(w => w * 6f).ToArray());
        using var generator = new TextGenerator(device);
        generator.CopyWeightsFrom(trained);
        string text = generator.Generate("alice ", 25, 1.0, new Random(2));

        using var reference = new CharGenerator(device);
        reference.SetWeights(trained.GetWeights());
        reference.ResetStates();
        int[] prefix = Vocabulary.Encode("alice ");
        var x = new float[1, prefix.Length, 1];
        for (int t = 0; t < prefix.Length; t++)
            x[0, t, 0] = prefix[t];
        float[,,] probabilities = reference.Predict(x, batchSize: 1);
        var random = new Random(2);
        var ids = new List<int>();
        for (int i = 0; i < 25; i++)
        {
            int last = probabilities.GetLength(1) - 1;
            var row = new float[Vocabulary.Size];
            for (int c = 0; c < row.Length; c++)
                row[c] = probabilities[0, last, c];
            int id = Sampler.Sample(row, 1.0, random);
            ids.Add(id);
            probabilities = reference.Predict(new float[1, 1, 1] { { { id } } }, batchSize: 1);
        }

        Assert.Equal("alice " + Vocabulary.Decode(ids), text);
        Assert.True(ids.Distinct().Count() > 3, $"the draws hardly vary ({Vocabulary.Decode(ids)}): the check could not tell a stale prediction");
    }
}
