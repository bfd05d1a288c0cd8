namespace SeqDsl.Runtime.Tests;
public class PlaceholderRuntime { [Fact] public void Builds() => Assert.True(typeof(SeqDsl.SequenceModelAttribute).Assembly is not null); }
