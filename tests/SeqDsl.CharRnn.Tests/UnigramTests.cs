using SeqDsl.Samples.CharRnn;

namespace SeqDsl.CharRnn.Tests;

public class UnigramTests
{
    [Fact]
    public void Probabilities_are_smoothed_frequencies()
    {
        var unigram = Unigram.Fit([0, 0, 1], vocabularySize: 3);
        Assert.Equal([3 / 6.0, 2 / 6.0, 1 / 6.0], unigram.Probabilities);
    }

    [Fact]
    public void Cross_entropy_and_accuracy_on_targets()
    {
        var unigram = Unigram.Fit([0, 0, 1], vocabularySize: 3);
        var y = new float[1, 2, 1] { { { 0 }, { 2 } } };
        Assert.Equal((-Math.Log(0.5) - Math.Log(1 / 6.0)) / 2, unigram.CrossEntropy(y), 12);
        Assert.Equal(0.5, unigram.Accuracy(y));
    }

    [Fact]
    public void On_the_shipped_text_the_baseline_is_near_the_entropy_of_english_letters()
    {
        var corpus = Corpus.Load(Corpus.DefaultPath);
        var (_, y) = Windows.Cut(corpus.Validation, 32, 32);
        double loss = Unigram.Fit(corpus.Train, Vocabulary.Size).CrossEntropy(y);
        Assert.InRange(loss, 2.7, 3.3); // about 4.1–4.3 bits per character, in nats
    }
}
