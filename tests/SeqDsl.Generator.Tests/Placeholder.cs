namespace SeqDsl.Generator.Tests;
public class PlaceholderGenerator { [Fact] public void Builds() => Assert.True(typeof(SeqDsl.SequenceModelAttribute).Assembly is not null); }
