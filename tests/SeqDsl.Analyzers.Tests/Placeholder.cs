namespace SeqDsl.Analyzers.Tests;
public class PlaceholderAnalyzers { [Fact] public void Builds() => Assert.True(typeof(SeqDsl.SequenceModelAttribute).Assembly is not null); }
