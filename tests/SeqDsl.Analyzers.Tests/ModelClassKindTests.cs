using static SeqDsl.Analyzers.Tests.AnalyzerVerifier;

namespace SeqDsl.Analyzers.Tests;

/// <summary>
/// SEQ002 for class kinds the generator cannot complete, found by the generator's fuzz test: a static class (the
/// generated half has a constructor and instance members) and a record (the generated half is a partial class).
/// </summary>
public class ModelClassKindTests
{
    [Fact]
    public Task SEQ002_static_class() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Recurrent(LSTM, 20)]
        [Dense(1)]
        public static partial class {|#0:Forecaster|} { }
        """, Diagnostic("SEQ002").WithLocation(0).WithMessage(
        "Model class 'Forecaster' cannot be static: a model is an object that holds its weights, so remove 'static'"));

    [Fact]
    public Task SEQ002_record() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Recurrent(LSTM, 20)]
        [Dense(1)]
        public partial record {|#0:Forecaster|} { }
        """, Diagnostic("SEQ002").WithLocation(0).WithMessage(
        "Model class 'Forecaster' cannot be a record: SeqDsl generates the rest of it as a partial class, so declare it 'partial class'"));

    [Fact]
    public Task Abstract_and_sealed_partial_classes_are_valid() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [Recurrent(LSTM, 20)]
        [Dense(1)]
        public abstract partial class Base { }

        [SequenceModel(InputFeatures = 1)]
        [Recurrent(GRU, 20)]
        [Dense(1)]
        public sealed partial class Sealed { }
        """);
}
