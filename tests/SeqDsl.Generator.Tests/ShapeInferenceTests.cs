using SeqDsl.Generator.Model;
using SeqDsl.Generator.Reading;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Tests;

/// <summary>Output shapes and parameter counts against Keras's documented formulas.</summary>
public class ShapeInferenceTests
{
    internal static ModelPlan Plan(string source)
    {
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Usings + source);
        var type = compilation.GetSymbolsWithName(_ => true, Microsoft.CodeAnalysis.SymbolFilter.Type)
            .OfType<Microsoft.CodeAnalysis.INamedTypeSymbol>()
            .Single(t => t.GetAttributes().Any(a => a.AttributeClass?.Name == "SequenceModelAttribute"));
        return ShapeInference.Infer(ModelSpecReader.Read(type, CancellationToken.None));
    }

    private static string Model(string layers, string model = "InputFeatures = 1") =>
        "[SequenceModel(" + model + ")]\n" + layers + "\npublic partial class M { }";

    [Fact]
    public void Seed_seq_to_seq_lstm_matches_keras_counts()
    {
        var plan = Plan(Models.SeqToSeqLstm);
        Assert.False(plan.HasErrors, string.Join("\n", plan.Findings));
        Assert.Equal(new[] { 1760, 3280, 210 }, plan.Layers.Select(l => l.ParameterCount));
        Assert.Equal(5250, plan.ParameterCount);
        Assert.Equal("[batch, steps, 10]", plan.Output.ToString());
    }

    [Fact]
    public void Seed_deep_simple_rnn_matches_keras_counts()
    {
        var plan = Plan(Models.DeepSimpleRnn);
        // 20×(1+20)+20 = 440, 20×(20+20)+20 = 820, 20+1 = 21.
        Assert.Equal(new[] { 440, 820, 21 }, plan.Layers.Select(l => l.ParameterCount));
        Assert.Equal(1281, plan.ParameterCount);
        Assert.Equal("[batch, 1]", plan.Output.ToString());
    }

    [Theory]
    [InlineData("[Recurrent(GRU, 20)]", 1, 20 * 3 * (1 + 20) + 2 * 3 * 20)] // reset_after: two biases, 1,380
    [InlineData("[Recurrent(GRU, 20, ResetAfter = false)]", 1, 20 * 3 * (1 + 20) + 3 * 20)]
    [InlineData("[Recurrent(LSTM, 20, Peepholes = true)]", 1, 1760 + 3 * 20)]
    [InlineData("[Recurrent(SimpleRNN, 20, LayerNorm = true)]", 1, 440 + 2 * 20)]
    [InlineData("[Recurrent(LSTM, 20, UseBias = false)]", 1, 1760 - 80)]
    [InlineData("[Bidirectional(LSTM, 20)]", 1, 2 * 1760)]
    [InlineData("[Dense(10)]", 20, 210)]
    [InlineData("[Conv1D(20, 4)]", 3, 4 * 3 * 20 + 20)]
    [InlineData("[Embedding(50, 8)]", 1, 400)]
    [InlineData("[BatchNormalization]", 6, 4 * 6)]
    [InlineData("[LayerNormalization]", 6, 2 * 6)]
    [InlineData("[Dropout(0.5)]", 6, 0)]
    public void Parameter_counts_follow_keras(string layer, int features, int expected)
    {
        var plan = Plan(Model(layer, "InputFeatures = " + features));
        Assert.False(plan.HasErrors, string.Join("\n", plan.Findings));
        Assert.Equal(expected, plan.Layers[0].ParameterCount);
    }

    [Theory]
    [InlineData("[Conv1D(20, 4, Strides = 2)]", 50, 24)] // valid: floor((50 − 4) / 2) + 1
    [InlineData("[Conv1D(20, 3, dilation: 4)]", 50, 42)] // valid, span 9: 50 − 9 + 1
    [InlineData("[Conv1D(20, 2, dilation: 4, Padding.Causal)]", 50, 50)]
    [InlineData("[Conv1D(20, 3, padding: Padding.Same, Strides = 2)]", 51, 26)] // ceil(51 / 2)
    [InlineData("[MaxPooling1D(2)]", 51, 25)]
    [InlineData("[AveragePooling1D(3, Strides = 1)]", 10, 8)]
    public void Window_layers_compute_keras_lengths(string layer, int steps, int expected)
    {
        var plan = Plan(Model(layer, "InputFeatures = 2, InputSteps = " + steps));
        Assert.False(plan.HasErrors, string.Join("\n", plan.Findings));
        Assert.Equal(expected, plan.Output.Steps);
    }

    [Fact]
    public void Simple_wavenet_expands_into_causal_convolutions_with_doubling_dilations()
    {
        var plan = Plan(Models.SimpleWaveNet);
        Assert.Equal(9, plan.Layers.Count);
        Assert.Equal(new[] { 1, 2, 4, 8, 1, 2, 4, 8, 1 }, plan.Layers.Select(l => l.Spec.Dilation));
        // Hand count: first conv 2·1·20+20 = 60, seven more 2·20·20+20 = 820 each, head 20·10+10 = 210.
        Assert.Equal(60 + 7 * 820 + 210, plan.ParameterCount);
        Assert.Equal("[batch, steps, 10]", plan.Output.ToString());
    }

    [Fact]
    public void Gated_wavenet_counts_match_the_seed_model()
    {
        var plan = Plan(Models.GatedWaveNet);
        int f = 32;
        int input = 2 * 1 * f + f;
        int perLayer = (2 * f * 2 * f + 2 * f) + (f * f + f);
        int post = f * f + f;
        int head = f * 10 + 10;
        Assert.Equal(input + 3 * perLayer + post + head, plan.ParameterCount);
    }

    [Fact]
    public void Gated_wavenet_of_the_paper_matches_a_hand_count()
    {
        // The paper's stack: 10 layers (dilations 1…512) × 3 blocks, 128 filters, 256 outputs, kernel 2, on 1 feature.
        var plan = Plan(Model("[WaveNet(128, LayersPerBlock = 10, Blocks = 3, Gated = true, Outputs = 256)]"));
        Assert.False(plan.HasErrors, string.Join("\n", plan.Findings));
        var layer = Assert.Single(plan.Layers);
        int input = (2 * 1 * 128) + 128; // causal input conv, kernel 2
        int dilated = (2 * 128 * 256) + 256; // 2·filters outputs: tanh half and sigmoid half
        int residual = (128 * 128) + 128; // 1×1
        int post = (128 * 128) + 128;
        int head = (128 * 256) + 256;
        Assert.Equal(input + (30 * (dilated + residual)) + post + head, layer.ParameterCount);
        Assert.Equal(2 + (30 * 4) + 2 + 2, layer.Parameters.Count); // input conv, 4 per block layer, post, head (kernel and bias each)
        Assert.Equal("[batch, steps, 256]", layer.Output.ToString());
    }

    [Fact]
    public void Simple_wavenet_of_the_paper_expands_to_thirty_causal_layers()
    {
        var plan = Plan(Model("[WaveNet(128, LayersPerBlock = 10, Blocks = 3, Outputs = 256)]", "InputFeatures = 1, InputSteps = 2000"));
        Assert.False(plan.HasErrors, string.Join("\n", plan.Findings));
        Assert.Equal(31, plan.Layers.Count);
        Assert.Equal(512, plan.Layers.Max(l => l.Spec.Dilation));
        Assert.All(plan.Layers, l => Assert.Equal((int)PaddingKind.Causal, l.Spec.Padding));
        int first = (2 * 1 * 128) + 128;
        int other = (2 * 128 * 128) + 128;
        int head = (128 * 256) + 256;
        Assert.Equal(first + (29 * other) + head, plan.ParameterCount);
        Assert.Equal(2000, plan.Output.Steps); // causal: the length is kept, and known at compile time
    }

    [Fact]
    public void Seed_conv_gru_reports_its_output_length_at_compile_time()
    {
        var plan = Plan(Models.ConvGru.Replace("InputFeatures = 1", "InputFeatures = 1, InputSteps = 50"));
        Assert.False(plan.HasErrors, string.Join("\n", plan.Findings));
        Assert.Equal(new[] { 24, 24, 24, 24 }, plan.Layers.Select(l => l.Output.Steps));
        Assert.Equal("[batch, 24, 10]", plan.Output.ToString());
    }

    [Fact]
    public void Flatten_needs_fixed_steps()
    {
        var plan = Plan(Model("[Flatten]\n[Dense(1)]"));
        var error = Assert.Single(plan.Findings, f => f.Severity == FindingSeverity.Error);
        Assert.Equal(DiagnosticIds.NeedsFixedSteps, error.Id);
        Assert.Contains("InputSteps", error.Message);
    }

    [Fact]
    public void Stacked_recurrent_without_return_sequences_names_both_layers_and_shapes()
    {
        var plan = Plan(Models.MissingReturnSequences);
        var error = Assert.Single(plan.Findings);
        Assert.Equal(DiagnosticIds.MissingReturnSequences, error.Id);
        Assert.Equal("LSTM(20) outputs [batch, 20] but the next LSTM(20) needs [batch, steps, features]; set ReturnSequences = true on LSTM(20)", error.Message);
        Assert.Equal(0, error.LayerIndex);
    }

    [Fact]
    public void Convolutions_that_consume_the_sequence_report_every_length()
    {
        var plan = Plan(Model("[Conv1D(8, 3)]\n[Conv1D(8, 3)]", "InputFeatures = 1, InputSteps = 4"));
        var error = Assert.Single(plan.Findings);
        Assert.Equal(DiagnosticIds.SequenceTooShort, error.Id);
        Assert.Contains("input: 4, conv1d: 2, conv1d: 0", error.Message);
    }

    [Fact]
    public void Unknown_enum_values_and_zero_units_are_argument_errors()
    {
        var plan = Plan(Model("[Recurrent((Cell)9, 0)]"));
        Assert.Equal(2, plan.Findings.Count(f => f.Id == DiagnosticIds.ArgumentOutOfRange));
        Assert.Contains(plan.Findings, f => f.Argument == "units" && f.Message.Contains("at least 1, but is 0"));
        Assert.Contains(plan.Findings, f => f.Argument == "cell" && f.Message.Contains("not a SeqDsl.Cell"));
    }

    [Fact]
    public void Parameters_are_laid_out_consecutively()
    {
        var plan = Plan(Models.SeqToSeqLstm);
        int expected = 0;
        foreach (var tensor in plan.Layers.SelectMany(l => l.Parameters))
        {
            Assert.Equal(expected, tensor.Offset);
            expected += tensor.Length;
        }

        Assert.Equal(plan.ParameterCount, expected);
    }
}
