using System.Reflection;
using SeqDsl.Generator.Emit.Kernels;

namespace SeqDsl.Generator.Tests;

/// <summary>
/// The generated static KernelReport against counts done by hand from the counting rules (see SeqDsl.KernelReport):
/// matrix-product multiply-adds × 2, tensors read or written once per launch in 4-byte floats, Adam's 15 FLOPs and
/// 32 bytes per parameter, the loss's 3 FLOPs and 8 bytes per output value (prediction and target read; the gradient is
/// fused into the last Dense layer, so the loss kernel writes none) plus 8 bytes per sample.
/// </summary>
public class KernelReportTests
{
    private const string Lstm = @"
[SequenceModel(InputFeatures = 2)]
[Recurrent(LSTM, 4, ReturnSequences = true)]
[TimeDistributed(Dense = 3)]
public partial class SmallLstm { }
";

    private const string Dense = @"
[SequenceModel(InputFeatures = 1, InputSteps = 6)]
[Flatten]
[Dense(4)]
[Dense(2)]
public partial class SmallDense { }
";

    private const string Conv = @"
[SequenceModel(InputFeatures = 2, InputSteps = 8)]
[Conv1D(3, 2, Strides = 2)]
[Conv1D(4, 3, padding: Padding.Same, UseBias = false)]
public partial class SmallConv { }
";

    [Fact]
    public void Lstm_report_matches_hand_counts()
    {
        var report = Load(Lstm, "SmallLstm");

        // LSTM(4) on 2 features, first layer: GU = 16, 112 parameters, cache 5·4 per step, gate gradients 16 per step.
        var lstm = report.Layers[0];
        Assert.Equal(new CostTerms(0, 0, 2 * (2 + 4) * 16), lstm.ForwardFlops); // 192
        Assert.Equal(new CostTerms(0, 0, 2 * 4 * 16 + 2 * (2 + 4) * 16), lstm.BackwardFlops); // dh + weight gradients, no dx: 320
        Assert.Equal(new CostTerms(4 * 112, 0, 4 * (2 + 4 + 20)), lstm.ForwardBytes); // x, h, cache
        // Per launch: gradients and parameters, and the transpose of kernel and recurrent kernel (2 · 6 · 16 floats);
        // per sample: the partial weight matrices [kernel; recurrent kernel; bias], 7 × 16 floats, written and read.
        Assert.Equal(new CostTerms(8 * 112 + 4 * 2 * 6 * 16, 4 * 2 * 7 * 16, 4 * ((4 + 20 + 16) + (2 + 4 + 16))), lstm.BackwardBytes);
        Assert.Equal((1, 4, 0), (lstm.ForwardLaunches, lstm.BackwardLaunches, lstm.FixedSteps)); // transpose, BPTT, partials, reduction

        // TimeDistributed(Dense(3)) on 4 features: 15 parameters.
        var head = report.Layers[1];
        Assert.Equal(new CostTerms(0, 0, 24), head.ForwardFlops);
        Assert.Equal(new CostTerms(0, 0, 48), head.BackwardFlops);
        Assert.Equal(new CostTerms(60, 0, 28), head.ForwardBytes);
        Assert.Equal(new CostTerms(120, 120, 80), head.BackwardBytes); // per sample: its partial [kernel; bias], written and read
        Assert.Equal(3, head.BackwardLaunches); // backward, per-sample partials, reduction

        Assert.Equal(11, report.LaunchesPerTrainingStep); // 2 forward, 7 backward, loss, optimizer
        Assert.Equal(2, report.LaunchesPerInferenceBatch);

        // Batch 5 × 7 steps: (192 + 320 + 24 + 48 + 9) · 35 + 15 · 127 parameters.
        Assert.Equal(22660, report.TrainingFlops(5, 7));
        // 448 + 3,640 + 1,664 + 4,480 + 8,680 (LSTM) + 60 + 980 + 120 + 600 + 2,800 (head) + 40 + 840 (loss) + 4,064 (Adam).
        Assert.Equal(28416, report.TrainingBytes(5, 7));
        Assert.Equal(new CostTerms(0, 8, 24), report.Loss.ForwardBytes);
        Assert.Equal((192 + 24) * 7, report.InferenceFlopsPerSample(7));
        Assert.Equal((104 + 28) * 7, report.InferenceBytesPerSample(7));
        Assert.True(report.IsComplete);
    }

    [Fact]
    public void Dense_report_matches_hand_counts()
    {
        var report = Load(Dense, "SmallDense");
        Assert.Equal(3, report.Layers.Count);

        var flatten = report.Layers[0];
        Assert.Equal((1, 0), (flatten.ForwardLaunches, flatten.BackwardLaunches)); // first layer: no gradient to scatter
        Assert.Equal(new CostTerms(0, 48, 0), flatten.ForwardBytes);
        Assert.Equal(0, flatten.ForwardFlops.For(10, 6));

        var hidden = report.Layers[1]; // Dense(4) on 6 features, 28 parameters
        Assert.Equal(new CostTerms(0, 48, 0), hidden.ForwardFlops);
        Assert.Equal(new CostTerms(0, 96, 0), hidden.BackwardFlops);
        Assert.Equal(new CostTerms(112, 40, 0), hidden.ForwardBytes);
        Assert.Equal(new CostTerms(224, 112, 0), hidden.BackwardBytes);

        Assert.Equal(9, report.LaunchesPerTrainingStep); // 3 forward, 0 + 2 + 2 backward, loss, optimizer
        Assert.Equal(3, report.LaunchesPerInferenceBatch);

        // Batch 10: (48 + 96 + 16 + 32 + 6) · 10 + 15 · 38 parameters.
        Assert.Equal(2550, report.TrainingFlops(10, 6));
        // 480 (Flatten) + 1,856 (Dense(4)) + 1,000 (Dense(2)) + 240 (loss) + 1,216 (Adam).
        Assert.Equal(4792, report.TrainingBytes(10, 6));
        Assert.Equal(64, report.InferenceFlopsPerSample(6));
        Assert.Equal(112, report.InferenceBytesPerSample(6));
    }

    [Fact]
    public void Conv_report_matches_hand_counts()
    {
        var report = Load(Conv, "SmallConv");

        // Conv1D(3, 2, strides 2) on 2 features, first layer: 2 · 2 · 3 + 3 = 15 parameters, (8 − 2) / 2 + 1 = 4 output steps.
        var first = report.Layers[0];
        Assert.Equal((1, 2, 4), (first.ForwardLaunches, first.BackwardLaunches, first.FixedSteps)); // no input gradient: partials, reduction
        Assert.Equal(new CostTerms(0, 0, 2 * 2 * 2 * 3), first.ForwardFlops);
        Assert.Equal(new CostTerms(0, 0, 2 * 2 * 2 * 3), first.BackwardFlops); // weight gradients only
        Assert.Equal(new CostTerms(4 * 15, 0, 4 * (2 + 3)), first.ForwardBytes);
        // Per step: output, its gradient, the pre-activation gradient (3 · 3), the input and the pre-activation gradient
        // again (2 + 3); per sample its partial [kernel; bias] (15 floats), written and read.
        Assert.Equal(new CostTerms(8 * 15, 8 * 15, 4 * (9 + 2 + 3)), first.BackwardBytes);

        // Conv1D(4, 3, same) on 3 features, no bias: 3 · 3 · 4 = 36 parameters, 4 output steps.
        var second = report.Layers[1];
        Assert.Equal((1, 3, 4), (second.ForwardLaunches, second.BackwardLaunches, second.FixedSteps)); // input gradient, partials, reduction
        Assert.Equal(new CostTerms(0, 0, 2 * 36), second.ForwardFlops);
        Assert.Equal(new CostTerms(0, 0, 2 * 2 * 36), second.BackwardFlops);
        Assert.Equal(new CostTerms(4 * 36, 0, 4 * (3 + 4)), second.ForwardBytes);
        Assert.Equal(new CostTerms(8 * 36, 8 * 36, 4 * (12 + 3 + 3 + 4)), second.BackwardBytes); // dx too

        Assert.Equal(9, report.LaunchesPerTrainingStep); // 2 forward, 2 + 3 backward, loss, optimizer
        // Batch 5 × 8 input steps, 4 output steps: 60 + 400 forward, 120 + 5 · (120 + 4 · 56) backward (first conv);
        // 144 + 560, 288 + 5 · (288 + 4 · 88) (second); the loss reads 4 × 4 predictions and targets and writes their
        // gradient, 5 · (8 + 4 · 48); Adam 32 · 51.
        Assert.Equal(460 + 1840 + 704 + 3488 + 1000 + 1632, report.TrainingBytes(5, 8));
    }

    /// <summary>The report's launch counts are the ones the emitters make: one forward launch (per direction), the rest backward.</summary>
    [Theory]
    [InlineData(nameof(Models.SeqToSeqLstm))]
    [InlineData(nameof(Models.DeepSimpleRnn))]
    [InlineData(nameof(Models.GruSeqToSeq))]
    [InlineData(nameof(Models.Linear))]
    [InlineData(nameof(Models.Tagger))]
    [InlineData(nameof(Models.ConvGru))]
    [InlineData(nameof(Models.SimpleWaveNet))]
    [InlineData(nameof(Models.GlobalAverage))]
    [InlineData(nameof(Models.GruLayerNormAndMerges))]
    public void Launch_counts_follow_the_emitters(string model)
    {
        var plan = ShapeInferenceTests.Plan(GeneratorHarness.Usings + (string)typeof(Models).GetField(model)!.GetValue(null)!);
        Assert.Null(LayerEmitterFactory.Unsupported(plan));
        var emitters = LayerEmitterFactory.Create(plan);
        for (int i = 0; i < plan.Layers.Count; i++)
        {
            var cost = LayerCosts.For(plan.Layers[i]);
            Assert.Equal(emitters[i].Kernels.Count(), cost.ForwardLaunches + cost.BackwardLaunches);
            Assert.Equal(plan.Layers[i].Spec.Kind == SeqDsl.Generator.Model.LayerKind.Bidirectional ? 2 : 1, cost.ForwardLaunches); // one per direction
        }
    }

    /// <summary>The simple WaveNet's report counts each convolution the attribute expands into.</summary>
    [Fact]
    public void WaveNet_report_counts_every_expanded_convolution()
    {
        var report = Load(Models.SimpleWaveNet, "SimpleWaveNet");
        Assert.Equal(9, report.Layers.Count); // 8 dilated causal convolutions and the 1×1 head
        Assert.Equal(2 * 2 * 1 * 20, report.Layers[0].ForwardFlops.PerStep); // 2 taps × 1 feature × 20 filters, × 2
    }

    private static KernelReport Load(string source, string className)
    {
        var (_, output, diagnostics) = GeneratorHarness.Run(GeneratorHarness.Usings + source);
        Assert.Empty(diagnostics);
        using var stream = new MemoryStream();
        var result = output.Emit(stream);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics.Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error)));
        var assembly = Assembly.Load(stream.ToArray());
        var type = assembly.GetTypes().Single(t => t.Name == className);
        return (KernelReport)type.GetProperty("KernelReport", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
    }
}
