using SeqDsl.Engine;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// Each generated model's forward pass against the double-precision reference, and its gradients against central
/// finite differences of that reference: ‖g − g_ref‖ / ‖g_ref‖ ≤ 1e-3 for every parameter tensor.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class LayerNumericsTests
{
    private readonly SeqDevice device;

    public LayerNumericsTests(CpuDeviceFixture fixture) => device = fixture.Device;

    public static TheoryData<string> Cases => new() { "LstmSequence", "LstmStack", "GruStack", "SimpleRnnStack", "FlattenDense", "GruDense" };

    private (ModelBase Model, ReferenceNetwork Reference, float[,,] X, Array Y) Build(string name)
    {
        var random = new Random(7);
        float[,,] X(int n, int t, int f)
        {
            var x = new float[n, t, f];
            for (int i = 0; i < n; i++) for (int j = 0; j < t; j++) for (int k = 0; k < f; k++) x[i, j, k] = (float)(random.NextDouble() * 2 - 1);
            return x;
        }

        float[,] Y2(int n, int o)
        {
            var y = new float[n, o];
            for (int i = 0; i < n; i++) for (int j = 0; j < o; j++) y[i, j] = (float)(random.NextDouble() - 0.5);
            return y;
        }

        float[,,] Y3(int n, int t, int o) => X(n, t, o);

        switch (name)
        {
            case "LstmSequence":
            {
                var m = new LstmSequenceModel(device, seed: 3);
                return (m, new ReferenceNetwork(m.Description).Lstm("lstm", 3, 5, true).Dense("time_distributed", 5, 2), X(4, 6, 3), Y3(4, 6, 2));
            }

            case "LstmStack":
            {
                var m = new LstmStackModel(device, seed: 4);
                return (m, new ReferenceNetwork(m.Description).Lstm("lstm", 2, 4, true).Lstm("lstm_1", 4, 3, false).Dense("dense", 3, 2), X(3, 5, 2), Y2(3, 2));
            }

            case "GruStack":
            {
                var m = new GruStackModel(device, seed: 5);
                return (m, new ReferenceNetwork(m.Description).Gru("gru", 2, 5, true).Gru("gru_1", 5, 4, false).Dense("dense", 4, 1), X(3, 5, 2), Y2(3, 1));
            }

            case "SimpleRnnStack":
            {
                var m = new SimpleRnnStackModel(device, seed: 6);
                return (m, new ReferenceNetwork(m.Description).SimpleRnn("simple_rnn", 2, 4, true).SimpleRnn("simple_rnn_1", 4, 3, true).Dense("time_distributed", 3, 2, Activation.Tanh), X(3, 5, 2), Y3(3, 5, 2));
            }

            case "FlattenDense":
            {
                var m = new FlattenDenseModel(device, seed: 8);
                return (m, new ReferenceNetwork(m.Description).Flatten().Dense("dense", 8, 5, Activation.Sigmoid).Dense("dense_1", 5, 3, Activation.Softmax), X(5, 4, 2), Y2(5, 3));
            }

            default:
            {
                var m = new GruDenseModel(device, seed: 9);
                return (m, new ReferenceNetwork(m.Description).Gru("gru", 1, 6, false).Dense("dense", 6, 4, Activation.ReLU).Dense("dense_1", 4, 1), X(4, 7, 1), Y2(4, 1));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_reference(string name)
    {
        var (model, reference, x, _) = Build(name);
        using (model)
        {
            var weights = model.GetWeights().Select(v => (double)v).ToArray();
            var predicted = Flatten(Predict(model, x));
            int n = x.GetLength(0);
            int perSample = predicted.Length / n;
            for (int b = 0; b < n; b++)
            {
                var expected = reference.Forward(weights, ReferenceNetwork.Sample(x, b));
                Assert.Equal(perSample, expected.Length);
                for (int e = 0; e < perSample; e++)
                {
                    Assert.True(Math.Abs(expected[e] - predicted[b * perSample + e]) <= 1e-5, $"{name}: sample {b}, output {e}: expected {expected[e]}, got {predicted[b * perSample + e]}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_match_finite_differences(string name)
    {
        var (model, reference, x, y) = Build(name);
        using (model)
        {
            var targets = Flatten(y);
            var (gradients, loss) = model.ComputeGradients(TensorData.From(x), TensorData.From(y, "y"));
            var weights = model.GetWeights().Select(v => (double)v).ToArray();
            double referenceLoss = reference.Loss(weights, x, targets, model.Description.Loss);
            GradientCheck.AssertLoss(loss, referenceLoss);

            // A tensor whose reference gradient is zero passes only if its gradient is zero too (error relative to at least 1e-8).
            GradientCheck.AssertParameterGradients(name, model, weights, gradients, w => reference.Loss(w, x, targets, model.Description.Loss), minimumNorm: null);
        }
    }

    private static Array Predict(ModelBase model, float[,,] x) => model switch
    {
        LstmSequenceModel m => m.Predict(x),
        LstmStackModel m => m.Predict(x),
        GruStackModel m => m.Predict(x),
        SimpleRnnStackModel m => m.Predict(x),
        FlattenDenseModel m => m.Predict(x),
        GruDenseModel m => m.Predict(x),
        _ => throw new ArgumentException(model.GetType().Name),
    };

    private static float[] Flatten(Array a) => a.Cast<float>().ToArray();
}
