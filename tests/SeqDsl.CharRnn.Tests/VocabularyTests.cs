using SeqDsl.Samples.CharRnn;

namespace SeqDsl.CharRnn.Tests;

public class VocabularyTests
{
    [Fact]
    public void Size_matches_the_alphabet_and_its_characters_are_distinct()
    {
        Assert.Equal(Vocabulary.Size, Vocabulary.Alphabet.Length);
        Assert.Equal(Vocabulary.Size, Vocabulary.Alphabet.Distinct().Count());
    }

    [Fact]
    public void Encoding_lower_cases_folds_line_ends_and_round_trips()
    {
        int[] ids = Vocabulary.Encode("Oh dear!\r\nI'm late.");
        Assert.Equal("oh dear!\ni'm late.", Vocabulary.Decode(ids));
        Assert.Equal(Vocabulary.Alphabet.IndexOf('o', StringComparison.Ordinal), ids[0]);
        Assert.Equal(0, ids[8]); // '\n' is id 0
    }

    [Fact]
    public void A_character_outside_the_alphabet_is_rejected_with_its_position()
    {
        var e = Assert.Throws<ArgumentException>("text", () => Vocabulary.Encode("abc*d"));
        Assert.Contains("text[3] = '*'", e.Message, StringComparison.Ordinal);
        var d = Assert.Throws<ArgumentException>("ids", () => Vocabulary.Decode([1, Vocabulary.Size]));
        Assert.Contains($"ids[1] = {Vocabulary.Size}", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_shipped_text_encodes_and_splits_90_10()
    {
        var corpus = Corpus.Load(Corpus.DefaultPath);
        int total = corpus.Train.Length + corpus.Validation.Length;
        Assert.InRange(total, 5_000, 20_000);
        Assert.Equal((int)(total * 0.9), corpus.Train.Length);
        Assert.StartsWith("chapter i. down the rabbit-hole", Vocabulary.Decode(corpus.Train), StringComparison.Ordinal);
    }
}
