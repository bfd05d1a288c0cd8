using static SeqDsl.Analyzers.Tests.AnalyzerVerifier;

namespace SeqDsl.Analyzers.Tests;

public class SmokeTests
{
    [Fact]
    public Task Valid_model_reports_nothing() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1, Loss = Loss.Mse)]
        [Recurrent(LSTM, 20)]
        [Dense(1)]
        public partial class Forecaster { }
        """);

    [Fact]
    public Task Missing_return_sequences() => VerifyAsync("""
        [SequenceModel(InputFeatures = 1)]
        [{|#0:Recurrent(LSTM, 20)|}]
        [Recurrent(LSTM, 20)]
        [Dense(1)]
        public partial class Forecaster { }
        """, Diagnostic("SEQ001").WithLocation(0).WithArguments("LSTM(20) outputs [batch, 20] but the next LSTM(20) needs [batch, steps, features]; set ReturnSequences = true on LSTM(20)"));
}
