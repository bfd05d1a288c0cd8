using SeqDsl.Engine;
using static SeqDsl.Kernels.Tests.CellTestSupport;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// Dropout and RecurrentDropout on recurrent layers: gradients with the seeded per-sequence masks against central
/// finite differences of the double reference (parameters and input gradients), the identity at inference,
/// reproducible training, and MC Dropout spread coming from recurrent dropout alone.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class RecurrentDropoutTests
{
    /// <summary>ComputeGradients runs one training batch with BatchContext.Seed left at 0.</summary>
    private const int GradientSeed = 0;

    private readonly SeqDevice device;

    public RecurrentDropoutTests(CpuDeviceFixture fixture) => device = fixture.Device;

    public static TheoryData<string> Cases => new() { "LstmGru", "FirstRnn", "Bidirectional", "GruResetBefore", "LayerNormGru" };

    public static TheoryData<string, int> InputGradientCases => new() { { "LstmGru", 1 }, { "LstmGru", 2 }, { "Bidirectional", 1 }, { "GruResetBefore", 1 }, { "GruResetBefore", 2 }, { "LayerNormGru", 1 }, { "LayerNormGru", 2 }, { "LayerNormGru", 3 } };

    /// <summary>The model and its reference with the masks on (<paramref name="training"/>) or off.</summary>
    private (ModelBase Model, ReferenceNetwork Reference, float[,,] X, Array Y) Build(string name, bool training)
    {
        var random = new Random(29);
        DropoutMasks? Masks(string layer) => training ? new DropoutMasks(layer, GradientSeed) : null;
        switch (name)
        {
            case "LstmGru":
            {
                var m = new DropoutLstmGruModel(device, seed: 7);
                var r = new ReferenceNetwork(m.Description).Dense("time_distributed", 2, 3)
                    .Recurrent("lstm", new CellOptions(Cell.LSTM, 3, 4) { ReturnSequences = true, Dropout = 0.3, RecurrentDropout = 0.4, Masks = Masks("Layer1") })
                    .Recurrent("gru", new CellOptions(Cell.GRU, 4, 3) { Dropout = 0.2, RecurrentDropout = 0.3, Masks = Masks("Layer2") })
                    .Dense("dense", 3, 2);
                return (m, r, Inputs(random, 4, 6, 2), Vectors(random, 4, 2));
            }

            case "FirstRnn":
            {
                var m = new DropoutFirstRnnModel(device, seed: 8);
                var r = new ReferenceNetwork(m.Description)
                    .Recurrent("simple_rnn", new CellOptions(Cell.SimpleRNN, 3, 4) { ReturnSequences = true, Dropout = 0.25, RecurrentDropout = 0.35, Masks = Masks("Layer0") })
                    .Dense("time_distributed", 4, 2);
                return (m, r, Inputs(random, 4, 5, 3), Inputs(random, 4, 5, 2));
            }

            case "Bidirectional":
            {
                var m = new DropoutBidirectionalModel(device, seed: 9);
                var r = new ReferenceNetwork(m.Description).Dense("time_distributed", 2, 3)
                    .Bidirectional("bidirectional", new CellOptions(Cell.LSTM, 3, 3) { Dropout = 0.2, RecurrentDropout = 0.3, Masks = Masks("Layer1") }, MergeMode.Concat)
                    .Dense("dense", 6, 1);
                return (m, r, Inputs(random, 4, 5, 2), Vectors(random, 4, 1));
            }

            case "GruResetBefore":
            {
                var m = new DropoutGruResetBeforeModel(device, seed: 10);
                var r = new ReferenceNetwork(m.Description).Dense("time_distributed", 2, 3)
                    .Recurrent("gru", new CellOptions(Cell.GRU, 3, 4) { ResetAfter = false, ReturnSequences = true, Dropout = 0.3, RecurrentDropout = 0.4, Masks = Masks("Layer1") })
                    .Recurrent("gru_1", new CellOptions(Cell.GRU, 4, 3) { ResetAfter = false, GoBackwards = true, RecurrentDropout = 0.3, Masks = Masks("Layer2") })
                    .Dense("dense", 3, 1);
                return (m, r, Inputs(random, 4, 6, 2), Vectors(random, 4, 1));
            }

            case "LayerNormGru":
            {
                var m = new DropoutLayerNormGruModel(device, seed: 11);
                var r = new ReferenceNetwork(m.Description).Dense("time_distributed", 2, 3)
                    .Recurrent("gru", new CellOptions(Cell.GRU, 3, 4) { LayerNorm = true, ReturnSequences = true, Dropout = 0.3, RecurrentDropout = 0.4, Masks = Masks("Layer1") })
                    .Recurrent("gru_1", new CellOptions(Cell.GRU, 4, 3) { LayerNorm = true, ResetAfter = false, ReturnSequences = true, RecurrentDropout = 0.3, Masks = Masks("Layer2") })
                    .Bidirectional("bidirectional", new CellOptions(Cell.GRU, 3, 3) { Dropout = 0.2, RecurrentDropout = 0.3, Masks = Masks("Layer3") }, MergeMode.Multiply)
                    .Dense("dense", 3, 1);
                return (m, r, Inputs(random, 4, 6, 2), Vectors(random, 4, 1));
            }

            default:
                throw new ArgumentException(name);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parameter_gradients_match_finite_differences_with_the_seeded_masks(string name)
    {
        var (model, reference, x, y) = Build(name, training: true);
        using (model)
        {
            var targets = y.Cast<float>().ToArray();
            var (gradients, loss) = model.ComputeGradients(TensorData.From(x), TensorData.From(y, "y"));
            var weights = model.GetWeights().Select(v => (double)v).ToArray();
            double masked = reference.Loss(weights, x, targets, model.Description.Loss);
            GradientCheck.AssertLoss(loss, masked);

            // The masks matter: without them the loss differs.
            var (_, plain, _, _) = Build(name, training: false);
            double unmasked = plain.Loss(weights, x, targets, model.Description.Loss);
            Assert.True(Math.Abs(masked - unmasked) > 1e-4, $"{name}: the masks changed nothing ({masked} vs {unmasked})");

            AssertParameterGradients(name, model, reference, x, targets, gradients);
        }
    }

    [Theory]
    [MemberData(nameof(InputGradientCases))]
    public void Input_gradient_matches_finite_differences_with_the_seeded_masks(string name, int layer)
    {
        var (model, reference, x, y) = Build(name, training: true);
        using (model)
        {
            model.ComputeGradients(TensorData.From(x), TensorData.From(y, "y"));
            AssertInputGradient(name, model, reference, layer, x, y.Cast<float>().ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Recurrent_dropout_is_the_identity_at_inference(string name)
    {
        var (model, reference, x, _) = Build(name, training: false);
        using (model)
        {
            AssertForward(name, model, reference, x, Predict(model, x));
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_weights_after_training_with_recurrent_dropout()
    {
        var random = new Random(31);
        var x = Inputs(random, 24, 6, 2);
        var y = Vectors(random, 24, 2);
        float[] Train(int seed)
        {
            using var model = new DropoutLstmGruModel(device, seed: seed);
            model.Fit(x, y, epochs: 2, batchSize: 8);
            return model.GetWeights();
        }

        var a = Train(12);
        Assert.Equal(a, Train(12));
        Assert.NotEqual(a, Train(13));
    }

    [Fact]
    public void MC_dropout_spreads_predictions_with_recurrent_dropout_only()
    {
        var x = Inputs(new Random(37), 10, 8, 1);
        using var model = new RecurrentDropoutMcModel(device, seed: 5);
        var deterministic = model.Predict(x);
        var (mean, std) = model.PredictWithUncertainty(x, samples: 200);
        for (int i = 0; i < 10; i++)
        {
            Assert.True(std[i, 0] > 1e-4, $"sample {i}: standard deviation {std[i, 0]}");
            Assert.True(float.IsFinite(mean[i, 0]), $"sample {i}: mean {mean[i, 0]}");
        }

        // Predict stays deterministic (no dropout at inference) and MC Dropout is reproducible.
        Assert.Equal(LayerChecks.Flatten(deterministic), LayerChecks.Flatten(model.Predict(x)));
        var (mean2, std2) = model.PredictWithUncertainty(x, samples: 200);
        Assert.Equal(LayerChecks.Flatten(mean), LayerChecks.Flatten(mean2));
        Assert.Equal(LayerChecks.Flatten(std), LayerChecks.Flatten(std2));
    }

    [Fact]
    public void PoCL_draws_the_same_masks_as_the_CPU_accelerator()
    {
        var pocl = PoclDevice.OpenOrExplain();
        if (pocl is null)
        {
            return; // only with SEQDSL_REQUIRE_POCL=0 on a machine without PoCL (CI installs it)
        }

        using (pocl)
        {
            var random = new Random(41);
            var x = Inputs(random, 4, 6, 2);
            var y = Vectors(random, 4, 2);
            using var onCpu = new DropoutLstmGruModel(device, seed: 43);
            using var onPocl = new DropoutLstmGruModel(pocl, seed: 43);
            GradientCheck.AssertDevicesAgree(onCpu.GetType().Name, onCpu.ComputeGradients(TensorData.From(x), TensorData.From(y, "y")), onPocl.ComputeGradients(TensorData.From(x), TensorData.From(y, "y")));
        }
    }
}
