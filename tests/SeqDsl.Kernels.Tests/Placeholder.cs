namespace SeqDsl.Kernels.Tests;
public class PlaceholderKernels { [Fact] public void Builds() => Assert.True(typeof(SeqDsl.SequenceModelAttribute).Assembly is not null); }
