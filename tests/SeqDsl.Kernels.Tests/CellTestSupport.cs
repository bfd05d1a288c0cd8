using System.Reflection;
using ILGPU;
using ILGPU.Runtime;
using SeqDsl.Engine;

namespace SeqDsl.Kernels.Tests;

/// <summary>Data, typed calls and finite differences shared by the recurrent-cell tests.</summary>
internal static class CellTestSupport
{
    public static float[,,] Inputs(Random random, int n, int t, int f)
    {
        var x = new float[n, t, f];
        for (int i = 0; i < n; i++) for (int j = 0; j < t; j++) for (int k = 0; k < f; k++) x[i, j, k] = (float)(random.NextDouble() * 2 - 1);
        return x;
    }

    public static float[,] Vectors(Random random, int n, int o)
    {
        var y = new float[n, o];
        for (int i = 0; i < n; i++) for (int j = 0; j < o; j++) y[i, j] = (float)(random.NextDouble() - 0.5);
        return y;
    }

    /// <summary>Steps [from, from + count) of every sample.</summary>
    public static float[,,] Slice(float[,,] x, int from, int count)
    {
        var s = new float[x.GetLength(0), count, x.GetLength(2)];
        for (int i = 0; i < x.GetLength(0); i++) for (int t = 0; t < count; t++) for (int f = 0; f < x.GetLength(2); f++) s[i, t, f] = x[i, from + t, f];
        return s;
    }

    /// <summary>The generated, typed <c>Predict(x, batchSize)</c> of any model.</summary>
    public static float[] Predict(ModelBase model, float[,,] x, int batchSize = 256) =>
        ((Array)model.GetType().GetMethod("Predict", new[] { typeof(float[,,]), typeof(int) })!.Invoke(model, new object[] { x, batchSize })!).Cast<float>().ToArray();

    /// <summary>
    /// A device buffer of the model's generated program, read back (test-only access by reflection): e.g.
    /// <c>layer0OutputGradient</c>, which the backward pass of layer 1 fills with the gradient of its input (between two
    /// Conv1D layers with a non-linear first activation: already times that activation's derivative, the first layer's
    /// pre-activation gradient, so <see cref="AssertInputGradient"/> does not apply there).
    /// </summary>
    public static float[] ReadProgramBuffer(ModelBase model, string field)
    {
        var program = typeof(ModelBase).GetField("program", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(model)
            ?? throw new InvalidOperationException("the model has not run yet");
        var buffer = (MemoryBuffer1D<float, Stride1D.Dense>)(program.GetType().GetField(field, BindingFlags.NonPublic | BindingFlags.Instance)?.GetValue(program)
            ?? throw new InvalidOperationException(program.GetType().FullName + " has no buffer " + field));
        var data = new float[buffer.Length];
        buffer.View.CopyToCPU(data);
        return data;
    }

    /// <summary>
    /// Computes the model's gradients on (<paramref name="x"/>, <paramref name="y"/>), checks its loss against the
    /// reference's and every parameter tensor's gradient against central differences; returns the tensors checked.
    /// </summary>
    public static int AssertLossAndParameterGradients(string name, ModelBase model, ReferenceNetwork reference, float[,,] x, Array y, double? minimumNorm = 0)
    {
        var targets = y.Cast<float>().ToArray();
        var (gradients, loss) = model.ComputeGradients(TensorData.From(x), TensorData.From(y, "y"));
        var weights = model.GetWeights().Select(v => (double)v).ToArray();
        GradientCheck.AssertLoss(loss, reference.Loss(weights, x, targets, model.Description.Loss), name);
        return GradientCheck.AssertParameterGradients(name, model, weights, gradients, w => reference.Loss(w, x, targets, model.Description.Loss), minimumNorm);
    }

    /// <summary>‖g − g_ref‖ / ‖g_ref‖ of every parameter tensor, g_ref by central differences of the reference loss.</summary>
    public static void AssertParameterGradients(string name, ModelBase model, ReferenceNetwork reference, float[,,] x, float[] targets, float[] gradients)
    {
        var weights = model.GetWeights().Select(v => (double)v).ToArray();
        GradientCheck.AssertParameterGradients(name, model, weights, gradients, w => reference.Loss(w, x, targets, model.Description.Loss));
    }

    /// <summary>
    /// The gradient of the batch-mean loss with respect to layer <paramref name="layer"/>'s input, as that layer's
    /// backward pass wrote it, against central differences of the reference evaluated from that layer on.
    /// </summary>
    public static void AssertInputGradient(string name, ModelBase model, ReferenceNetwork reference, int layer, float[,,] x, float[] targets)
    {
        var computed = ReadProgramBuffer(model, "layer" + (layer - 1) + "OutputGradient");
        var weights = model.GetWeights().Select(v => (double)v).ToArray();
        int n = x.GetLength(0);
        int perSample = targets.Length / n;
        var loss = model.Description.Loss;
        var error = new RelativeError();
        for (int b = 0; b < n; b++)
        {
            reference.ForSample(b);
            var input = reference.Through(weights, ReferenceNetwork.Sample(x, b), layer);
            int rows = input.Length, width = input[0].Length;
            for (int t = 0; t < rows; t++)
            {
                for (int f = 0; f < width; f++)
                {
                    // The sample's loss, divided by n: the gradient is of the batch mean.
                    double numeric = GradientCheck.CentralDifference(input[t], f, () => reference.SampleLossFrom(weights, layer, input, targets, b, perSample, loss)) / n;
                    error.Add(computed[((long)b * rows + t) * width + f], numeric);
                }
            }
        }

        Assert.True(error.SquaredNorm > 0, $"{name}: the reference input gradient of layer {layer} is zero");
        error.AssertWithin($"{name}: input gradient of layer {layer}");
    }

    public static void AssertForward(string name, ModelBase model, ReferenceNetwork reference, float[,,] x, float[] predicted)
    {
        var weights = model.GetWeights().Select(v => (double)v).ToArray();
        int n = x.GetLength(0);
        int perSample = predicted.Length / n;
        for (int b = 0; b < n; b++)
        {
            reference.ForSample(b);
            var expected = reference.Forward(weights, ReferenceNetwork.Sample(x, b));
            Assert.Equal(perSample, expected.Length);
            for (int e = 0; e < perSample; e++)
            {
                Assert.True(Math.Abs(expected[e] - predicted[b * perSample + e]) <= 1e-5, $"{name}: sample {b}, output {e}: expected {expected[e]}, got {predicted[b * perSample + e]}");
            }
        }
    }
}
