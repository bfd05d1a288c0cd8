using System.Reflection;
using SeqDsl.Generator.Emit.Kernels;

namespace SeqDsl.Generator.Tests;

/// <summary>
/// The generated static KernelReport against counts done by hand from the counting rules (see SeqDsl.KernelReport):
/// matrix-product multiply-adds × 2, tensors read or written once per launch in 4-byte floats, Adam's 15 FLOPs and
/// 32 bytes per parameter, the loss's 3 FLOPs and 8 bytes per output value (prediction and target read; a regression
/// loss's gradient is fused into the last Dense, recurrent or Conv1D layer, so the loss kernel writes none) plus 8 bytes
/// per sample.
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

    private const string BidirectionalLast = @"
[SequenceModel(InputFeatures = 2, Loss = Loss.Huber)]
[Bidirectional(GRU, 3, ReturnSequences = true)]
public partial class SmallBidirectionalLast { }
";

    private const string Conv = @"
[SequenceModel(InputFeatures = 2, InputSteps = 8)]
[Conv1D(3, 2, Strides = 2)]
[Conv1D(4, 3, padding: Padding.Same, UseBias = false)]
public partial class SmallConv { }
";

    private const string StridedConv = @"
[SequenceModel(InputFeatures = 2)]
[Conv1D(3, 4, Strides = 2)]
[Recurrent(GRU, 4, ReturnSequences = true)]
[TimeDistributed(Dense = 2)]
public partial class StridedConvGru { }
";

    private const string Pooled = @"
[SequenceModel(InputFeatures = 3)]
[Recurrent(LSTM, 4, ReturnSequences = true)]
[MaxPooling1D(2)]
[TimeDistributed(Dense = 2)]
public partial class PooledLstm { }
";

    [Fact]
    public void Lstm_report_matches_hand_counts()
    {
        var report = Load(Lstm, "SmallLstm");

        // LSTM(4) on 2 features, first layer: GU = 16, 112 parameters, cache 6·4 per step (i, f, c̃, o, c, tanh c), gate gradients 16 per step.
        var lstm = report.Layers[0];
        Assert.Equal(new CostTerms(0, 0, 2 * (2 + 4) * 16), lstm.ForwardFlops); // 192
        Assert.Equal(new CostTerms(0, 0, 2 * 4 * 16 + 2 * (2 + 4) * 16), lstm.BackwardFlops); // dh + weight gradients, no dx: 320
        Assert.Equal(new CostTerms(4 * 112, 0, 4 * (2 + 4 + 24)), lstm.ForwardBytes); // x, h, cache
        // Per launch: gradients and parameters, and the transpose of kernel and recurrent kernel (2 · 6 · 16 floats);
        // per sample: the partial weight matrices [kernel; recurrent kernel; bias], 7 × 16 floats, written and read.
        Assert.Equal(new CostTerms(8 * 112 + 4 * 2 * 6 * 16, 4 * 2 * 7 * 16, 4 * ((4 + 24 + 16) + (2 + 4 + 16))), lstm.BackwardBytes);
        Assert.Equal((1, 2, 0), (lstm.ForwardLaunches, lstm.BackwardLaunches, lstm.FixedSteps)); // BPTT, partials (the transpose and the partials' sum are model-wide)

        // TimeDistributed(Dense(3)) on 4 features: 15 parameters.
        var head = report.Layers[1];
        Assert.Equal(new CostTerms(0, 0, 24), head.ForwardFlops);
        Assert.Equal(new CostTerms(0, 0, 48), head.BackwardFlops);
        Assert.Equal(new CostTerms(60, 0, 28), head.ForwardBytes);
        // Per launch: gradients and parameters (120), and the kernel transposed for the input gradient (4 · 3 read, 4 · 3
        // written: 4 features need no padding); per sample: its partial [kernel; bias], written and read.
        Assert.Equal(new CostTerms(120 + 4 * 2 * 4 * 3, 120, 80), head.BackwardBytes);
        Assert.Equal(2, head.BackwardLaunches); // backward, per-sample partials (the transpose and the partials' sum are model-wide)

        Assert.Equal(2, report.ModelWideLaunches); // both layers' transposes, then both layers' partial sums
        Assert.Equal(10, report.LaunchesPerTrainingStep); // 2 forward, 4 backward, 2 model-wide, loss, optimizer
        Assert.Equal(2, report.LaunchesPerInferenceBatch);

        // Batch 5 × 7 steps: (192 + 320 + 24 + 48 + 9) · 35 + 15 · 127 parameters.
        Assert.Equal(22660, report.TrainingFlops(5, 7));
        // 448 + 4,200 + 1,664 + 4,480 + 9,240 (LSTM) + 60 + 980 + 216 + 600 + 2,800 (head) + 40 + 840 (loss) + 4,064 (Adam).
        Assert.Equal(29632, report.TrainingBytes(5, 7));
        Assert.Equal(new CostTerms(0, 8, 24), report.Loss.ForwardBytes);
        Assert.Equal((192 + 24) * 7, report.InferenceFlopsPerSample(7));
        Assert.Equal((120 + 28) * 7, report.InferenceBytesPerSample(7));
        Assert.True(report.IsComplete);
    }

    private const string EncoderDecoder = @"
[SequenceModel(InputFeatures = 1)]
[Recurrent(GRU, 3)]
[RepeatVector(6)]
[Recurrent(GRU, 4, ReturnSequences = true)]
[TimeDistributed(Dense = 1)]
public partial class SmallEncoderDecoder { }
";

    /// <summary>
    /// RepeatVector(6) after an encoder that reads any length: the encoder's costs follow the input's steps, those of
    /// RepeatVector, the decoder, the head and the loss are per its 6 steps whatever the input's length.
    /// </summary>
    [Fact]
    public void Layers_after_RepeatVector_cost_its_steps()
    {
        var report = Load(EncoderDecoder, "SmallEncoderDecoder");
        Assert.Equal(new[] { 0, 6, 6, 6 }, report.Layers.Select(l => l.FixedSteps));
        Assert.Equal(6, report.Loss.FixedSteps);

        // One more input step adds one encoder step and nothing else.
        var encoder = report.Layers[0];
        double perEncoderStep = 5 * (encoder.ForwardFlops.PerStep + encoder.BackwardFlops.PerStep);
        Assert.True(perEncoderStep > 0);
        Assert.Equal(perEncoderStep, report.TrainingFlops(5, 21) - report.TrainingFlops(5, 20), 6);
        Assert.Equal(encoder.ForwardFlops.PerStep, report.InferenceFlopsPerSample(9) - report.InferenceFlopsPerSample(8), 6);
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
        // Per launch: gradients and parameters (224), and the kernel transposed for the input gradient (6 · 4 read, 6 · 4
        // written: fewer than 8 features are not padded).
        Assert.Equal(new CostTerms(224 + 4 * 2 * 6 * 4, 112, 0), hidden.BackwardBytes);

        Assert.Equal(1, report.ModelWideLaunches); // the two Dense kernels transposed; no layer sums per-sample partials
        Assert.Equal(10, report.LaunchesPerTrainingStep); // 3 forward, 0 + 2 + 2 backward (backward, weight gradients), 1 model-wide, loss, optimizer
        Assert.Equal(3, report.LaunchesPerInferenceBatch);

        // Batch 10: (48 + 96 + 16 + 32 + 6) · 10 + 15 · 38 parameters.
        Assert.Equal(2550, report.TrainingFlops(10, 6));
        // 480 (Flatten) + 2,048 (Dense(4)) + 1,064 (Dense(2)) + 240 (loss) + 1,216 (Adam).
        Assert.Equal(5048, report.TrainingBytes(10, 6));
        Assert.Equal(64, report.InferenceFlopsPerSample(6));
        Assert.Equal(112, report.InferenceBytesPerSample(6));
    }

    [Fact]
    public void Conv_report_matches_hand_counts()
    {
        var report = Load(Conv, "SmallConv");

        // Conv1D(3, 2, strides 2) on 2 features, first layer: 2 · 2 · 3 + 3 = 15 parameters, (8 − 2) / 2 + 1 = 4 output steps.
        var first = report.Layers[0];
        Assert.Equal((1, 1, 4), (first.ForwardLaunches, first.BackwardLaunches, first.FixedSteps)); // no input gradient: the partials
        Assert.Equal(new CostTerms(0, 0, 2 * 2 * 2 * 3), first.ForwardFlops);
        Assert.Equal(new CostTerms(0, 0, 2 * 2 * 2 * 3), first.BackwardFlops); // weight gradients only
        Assert.Equal(new CostTerms(4 * 15, 0, 4 * (2 + 3)), first.ForwardBytes);
        // Per step: output, its gradient, the pre-activation gradient (3 · 3), the input and the pre-activation gradient
        // again (2 + 3); per sample its partial [kernel; bias] (15 floats), written and read.
        Assert.Equal(new CostTerms(8 * 15, 8 * 15, 4 * (9 + 2 + 3)), first.BackwardBytes);

        // Conv1D(4, 3, same) on 3 features, no bias: 3 · 3 · 4 = 36 parameters, 4 output steps.
        var second = report.Layers[1];
        Assert.Equal((1, 1, 4), (second.ForwardLaunches, second.BackwardLaunches, second.FixedSteps)); // input gradient and partials in one launch
        Assert.Equal(new CostTerms(0, 0, 2 * 36), second.ForwardFlops);
        Assert.Equal(new CostTerms(0, 0, 2 * 2 * 36), second.BackwardFlops);
        Assert.Equal(new CostTerms(4 * 36, 0, 4 * (3 + 4)), second.ForwardBytes);
        // Per launch: parameters and gradients, and the kernel transposed for the input gradient (36 read, 3 · 4 · 3
        // written: fewer than 8 features are not padded); per step dx too.
        Assert.Equal(new CostTerms(8 * 36 + 4 * 2 * 36, 8 * 36, 4 * (12 + 3 + 3 + 4)), second.BackwardBytes);

        // The last Conv1D computes the Mse gradient from its output and the targets (issue 4): the loss kernel reads 4
        // predictions and 4 targets per step and writes no gradient; still one launch.
        Assert.Equal((1, 0), (report.Loss.ForwardLaunches, report.Loss.BackwardLaunches));
        Assert.Equal(new CostTerms(0, 8, 4 * (4 + 4)), report.Loss.ForwardBytes);

        Assert.Equal(2, report.ModelWideLaunches); // the second layer's transpose; both layers' partial sums
        Assert.Equal(8, report.LaunchesPerTrainingStep); // 2 forward, 1 + 1 backward, 2 model-wide, loss, optimizer
        // Batch 5 × 8 input steps, 4 output steps: 60 + 400 forward, 120 + 5 · (120 + 4 · 56) backward (first conv);
        // 144 + 560, 576 + 5 · (288 + 4 · 88) (second); the loss reads 4 × 4 predictions and targets, 5 · (8 + 4 · 32);
        // Adam 32 · 51.
        Assert.Equal(460 + 1840 + 704 + 3776 + 680 + 1632, report.TrainingBytes(5, 8));
    }

    /// <summary>
    /// A Bidirectional last layer computes the Huber gradient in each direction's BPTT (issue 4): the loss kernel reads the
    /// 6 merged predictions and targets per step (concat of 2 × 3 units) and writes no gradient.
    /// </summary>
    [Fact]
    public void Bidirectional_last_layer_report_counts_no_loss_gradient()
    {
        var report = Load(BidirectionalLast, "SmallBidirectionalLast");
        var layer = report.Layers[0];
        Assert.Equal((2, 4), (layer.ForwardLaunches, layer.BackwardLaunches)); // per direction: forward; BPTT, partials (the model-wide launch sums them)
        Assert.Equal((1, 0), (report.Loss.ForwardLaunches, report.Loss.BackwardLaunches));
        Assert.Equal(new CostTerms(0, 8, 6 * (4 + 4)), report.Loss.ForwardBytes);
        Assert.Equal(2, report.ModelWideLaunches); // both directions' transposes, then both directions' partial sums
        Assert.Equal(10, report.LaunchesPerTrainingStep); // 2 forward, 4 backward, 2 model-wide, loss, optimizer
    }

    /// <summary>
    /// A strided valid convolution in a model without InputSteps: every layer from the convolution on, and the loss,
    /// loops over the convolution's ⌊(n − 4) / 2⌋ + 1 output steps, not the n input steps.
    /// </summary>
    [Theory]
    [InlineData(9, 3)]
    [InlineData(14, 6)]
    public void Strided_convolution_without_input_steps_counts_its_output_steps(int inputSteps, int convSteps)
    {
        var report = Load(StridedConv, "StridedConvGru");

        // Conv1D(3, 4) on 2 features: 4 · 2 · 3 + 3 = 27 parameters; GRU(4) on 3 features, reset_after:
        // 3 · 12 + 4 · 12 + 2 · 12 = 108; Dense(2) on 4: 10.
        Assert.Equal(145, report.ParameterCount);
        Assert.Equal(4, report.MinimumInputSteps);
        Assert.All(report.Layers, layer => Assert.Equal(convSteps, layer.StepsFor(inputSteps)));
        Assert.Equal(convSteps, report.Loss.StepsFor(inputSteps));

        // Per step: conv 2 · 24 forward, 2 · 24 backward (first layer: weight gradients only); GRU(4), GU = 12,
        // 2 · (3 + 4) · 12 = 168 forward, 2 · 4 · 12 + 2 · 3 · 12 + 2 · 7 · 12 = 336 backward; Dense(2) 16 + 32; Mse 3 · 2.
        const int PerStep = 48 + 48 + 168 + 336 + 16 + 32 + 6;
        Assert.Equal(654, PerStep);
        Assert.Equal((15 * 145) + (5 * PerStep * convSteps), report.TrainingFlops(5, inputSteps));
        Assert.Equal((48 + 168 + 16) * convSteps, report.InferenceFlopsPerSample(inputSteps));
        // The conv's forward bytes: its weights once per launch, then per output step one 2-feature input row read and
        // 3 outputs written, 4 · (2 + 3).
        Assert.Equal(new CostTerms(4 * 27, 0, 4 * (2 + 3)), report.Layers[0].ForwardBytes);
        Assert.Equal(4 * 27 + (5 * 20 * convSteps), report.Layers[0].ForwardBytes.For(5, report.Layers[0].StepsFor(inputSteps)));

        // The same declaration with the steps fixed costs the same.
        var fixedReport = Load(StridedConv.Replace("InputFeatures = 2", "InputFeatures = 2, InputSteps = " + inputSteps, StringComparison.Ordinal), "StridedConvGru");
        Assert.Equal(fixedReport.TrainingFlops(5, inputSteps), report.TrainingFlops(5, inputSteps));
        Assert.Equal(fixedReport.TrainingBytes(5, inputSteps), report.TrainingBytes(5, inputSteps));
        Assert.Equal(fixedReport.InferenceBytesPerSample(inputSteps), report.InferenceBytesPerSample(inputSteps));
    }

    /// <summary>
    /// Pooling in a model without InputSteps: the LSTM before it loops over the n input steps, the pooling, the head and
    /// the loss over its ⌊(n − 2) / 2⌋ + 1 output steps.
    /// </summary>
    [Theory]
    [InlineData(8, 4)]
    [InlineData(11, 5)]
    public void Pooling_without_input_steps_counts_its_output_steps(int inputSteps, int pooledSteps)
    {
        var report = Load(Pooled, "PooledLstm");

        // LSTM(4) on 3 features: 3 · 16 + 4 · 16 + 16 = 128 parameters; Dense(2) on 4: 10.
        Assert.Equal(138, report.ParameterCount);
        Assert.Equal(2, report.MinimumInputSteps);
        Assert.Equal(new[] { inputSteps, pooledSteps, pooledSteps }, report.Layers.Select(l => l.StepsFor(inputSteps)));
        Assert.Equal(pooledSteps, report.Loss.StepsFor(inputSteps));

        // LSTM, first layer, GU = 16: 2 · 7 · 16 = 224 forward and 2 · 4 · 16 + 2 · 7 · 16 = 352 backward per input
        // step; the pooling has no products; Dense(2) 16 + 32 and Mse 6 per pooled step.
        Assert.Equal((15 * 138) + (2 * (((224 + 352) * inputSteps) + ((16 + 32 + 6) * pooledSteps))), report.TrainingFlops(2, inputSteps));
        Assert.Equal((224 * inputSteps) + (16 * pooledSteps), report.InferenceFlopsPerSample(inputSteps));

        // The pooling reads a window's stride of 4-feature rows and writes one 4-feature row per output step, and its
        // gradient goes back the same way: 4 · (4 · 2 + 4) = 48 bytes per pooled step, each way.
        var pool = report.Layers[1];
        Assert.Equal(new CostTerms(0, 0, 48), pool.ForwardBytes);
        Assert.Equal(2 * 2 * 48 * pooledSteps, pool.ForwardBytes.For(2, pool.StepsFor(inputSteps)) + pool.BackwardBytes.For(2, pool.StepsFor(inputSteps)));

        var fixedReport = Load(Pooled.Replace("InputFeatures = 3", "InputFeatures = 3, InputSteps = " + inputSteps, StringComparison.Ordinal), "PooledLstm");
        Assert.Equal(fixedReport.TrainingFlops(2, inputSteps), report.TrainingFlops(2, inputSteps));
        Assert.Equal(fixedReport.TrainingBytes(2, inputSteps), report.TrainingBytes(2, inputSteps));
    }

    /// <summary>
    /// The benchmark's finding (issue 10): the Conv1D+GRU model at batch 32 × 50 input steps. Per conv output step
    /// (24 of them): conv 160 + 160, two GRU(20) 4,800 + 9,600 each, the head 400 + 800, Mse 30 — 30,350 FLOPs; Adam
    /// 15 · 5,350. 23.39 MFLOP per training step, not the 48.64 of counting every layer at 50 steps.
    /// </summary>
    [Fact]
    public void Conv_gru_counts_its_layers_at_the_convolutions_output_steps()
    {
        var report = Load(Models.ConvGru, "ConvGru");
        Assert.Equal((30350 * 24 * 32) + (15 * 5350), report.TrainingFlops(32, 50));
        Assert.Equal(23389050, report.TrainingFlops(32, 50));
    }

    /// <summary>Below the fewest input steps a valid window accepts the report refuses, naming the argument.</summary>
    [Fact]
    public void Too_few_input_steps_are_refused()
    {
        var report = Load(Models.ConvGru, "ConvGru");
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => report.TrainingFlops(32, 3));
        Assert.Equal("steps", error.ParamName);
        Assert.Contains("4 input steps", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Load(Lstm, "SmallLstm").InferenceFlopsPerSample(0));
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
    [InlineData(nameof(Models.EncoderDecoder))]
    [InlineData(nameof(Models.EveryOtherLayer))]
    public void Launch_counts_follow_the_emitters(string model)
    {
        var plan = ShapeInferenceTests.Plan(GeneratorHarness.Usings + (string)typeof(Models).GetField(model)!.GetValue(null)!);
        Assert.Null(LayerEmitterFactory.Unsupported(plan));
        var emitters = LayerEmitterFactory.Create(plan);
        for (int i = 0; i < plan.Layers.Count; i++)
        {
            var cost = LayerCosts.For(plan.Layers[i]);
            var kernels = emitters[i].Kernels.ToList();
            Assert.Equal(kernels.Count(k => !k.GroupOnly && !k.BlockOnly), cost.ForwardLaunches + cost.BackwardLaunches);

            // The GPU schedule's launches beyond the report's (KernelReport's remarks): a recurrent layer it covers adds its
            // input projection, and after the first layer its input gradient. (Conv1D's GPU variants replace its kernels.)
            bool groupSchedule = emitters[i] is RecurrentEmitter && kernels.Any(k => k.Field.EndsWith("Forward", System.StringComparison.Ordinal) && k.GroupMethod is not null);
            Assert.Equal(groupSchedule ? (i == 0 ? 1 : 2) : 0, kernels.Count(k => k.GroupOnly));

            // The CPU thread schedule's block kernels replace the forward and backward launches, adding none.
            // The CPU thread schedule's own kernels: a wide layer's block forward and backward, a narrow one's joined backward and partials.
            Assert.Equal((RecurrentEmitter.HasSequenceBlocksFor(plan.Layers[i]) ? 2 : 0) + (emitters[i].ReplacedOnCpuThreadSchedule.Any() ? 1 : 0), kernels.Count(k => k.BlockOnly));
            Assert.Equal(plan.Layers[i].Spec.Kind == SeqDsl.Generator.Model.LayerKind.Bidirectional ? 2 : 1, cost.ForwardLaunches); // one per direction

            // The layer's share of the model-wide launches: its weight copies and whether it sums per-sample partials.
            Assert.Equal(emitters[i].Transposes.Count(), cost.WeightCopies);
            Assert.Equal(emitters[i].SummedPartials.Count(), cost.PartialSumBuffers);
        }

        Assert.Equal(ModelWideKernels.Fields(emitters).Count(), LayerCosts.ModelWideLaunches(plan.Layers.Select(LayerCosts.For)));
    }

    /// <summary>The simple WaveNet's report counts each convolution the attribute expands into.</summary>
    [Fact]
    public void WaveNet_report_counts_every_expanded_convolution()
    {
        var report = Load(Models.SimpleWaveNet, "SimpleWaveNet");
        Assert.Equal(9, report.Layers.Count); // 8 dilated causal convolutions and the 1×1 head
        Assert.Equal(2 * 2 * 1 * 20, report.Layers[0].ForwardFlops.PerStep); // 2 taps × 1 feature × 20 filters, × 2
    }

    [Fact]
    public void Conv1D_stacks_report_the_launches_they_save_on_CPU_devices()
    {
        var report = Load("[SequenceModel(InputFeatures = 1)]\n[WaveNet(20, Outputs = 10)]\npublic partial class Stacked { }\n", "Stacked");

        // A launch per layer and pass: 9 forward, 8 backward and the first layer's partials, the loss, 2 model-wide, the optimizer.
        Assert.Equal(22, report.LaunchesPerTrainingStep);
        Assert.Equal(9, report.LaunchesPerInferenceBatch);
        // On CPU devices: one forward stack of the nine layers; four backward pairs and the first layer on its own.
        Assert.Equal((8, 4), (report.ConvStackForwardLaunchesSaved, report.ConvStackBackwardLaunchesSaved));
        Assert.Equal(10, report.LaunchesPerTrainingStepWithConvStacks);
        Assert.Equal(1, report.LaunchesPerInferenceBatchWithConvStacks);
        Assert.EndsWith("on the thread schedule of a CPU device (Conv1D stacks): 10 launches per training step, 1 per inference batch", report.Describe(32, 50));

        // One Conv1D alone is no stack.
        var single = Load("[SequenceModel(InputFeatures = 1)]\n[Conv1D(4, 2, padding: Padding.Causal)]\n[Recurrent(GRU, 4)]\n[Dense(1)]\npublic partial class Single { }\n", "Single");
        Assert.Equal(single.LaunchesPerTrainingStep, single.LaunchesPerTrainingStepWithConvStacks);
        Assert.DoesNotContain("Conv1D stacks", single.Describe(4, 8));
        Assert.EndsWith("(each narrow recurrent layer's backward and partials in one kernel): " + (single.LaunchesPerTrainingStep - 1) + " launches per training step, 3 per inference batch", single.Describe(4, 8)); // the GRU's
    }

    [Fact]
    public void Joined_recurrent_backward_kernels_report_the_launches_they_save_on_CPU_devices()
    {
        var report = Load("[SequenceModel(InputFeatures = 1)]\n[Recurrent(LSTM, 20, ReturnSequences = true)]\n[Recurrent(LSTM, 20, ReturnSequences = true)]\n[TimeDistributed(Dense = 10)]\npublic partial class Seed { }\n", "Seed");

        // 3 forward; backward: BPTT and partials per LSTM, backward and partials for the head; the loss, 2 model-wide, the optimizer.
        Assert.Equal(13, report.LaunchesPerTrainingStep);
        // On CPU devices each LSTM's BPTT and partials are one kernel, and the whole pass one launch: the weight copies, the
        // pass, the sums and the optimizer.
        Assert.Equal(2, report.JoinedBackwardLaunchesSaved);
        Assert.Equal(7, report.TrainingPassLaunchesSaved);
        Assert.Equal(4, report.LaunchesPerTrainingStepOnCpuThreadSchedule);
        Assert.EndsWith("on the thread schedule of a CPU device (each narrow recurrent layer's backward and partials in one kernel, on PoCL the whole training pass in one kernel): 4 launches per training step, 3 per inference batch", report.Describe(32, 50));

        // A Dense head on the last state sums its weight gradients over the batch after the pass: 5 launches.
        var vector = Load("[SequenceModel(InputFeatures = 1)]\n[Recurrent(SimpleRNN, 20, ReturnSequences = true)]\n[Recurrent(SimpleRNN, 20)]\n[Dense(1)]\npublic partial class Deep { }\n", "Deep");
        Assert.Equal(13, vector.LaunchesPerTrainingStep);
        Assert.Equal(6, vector.TrainingPassLaunchesSaved);
        Assert.Equal(5, vector.LaunchesPerTrainingStepOnCpuThreadSchedule);

        // A wide layer (block kernels) and a layer with dropout keep their two launches.
        var other = Load("[SequenceModel(InputFeatures = 1)]\n[Recurrent(GRU, 48, ReturnSequences = true)]\n[Recurrent(LSTM, 8, Dropout = 0.2)]\n[Dense(1)]\npublic partial class Other { }\n", "Other");
        Assert.Equal(0, other.JoinedBackwardLaunchesSaved);
        Assert.Equal(0, other.TrainingPassLaunchesSaved);
        Assert.Equal(other.LaunchesPerTrainingStep, other.LaunchesPerTrainingStepOnCpuThreadSchedule);
        Assert.DoesNotContain("thread schedule of a CPU device", other.Describe(4, 8));
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
