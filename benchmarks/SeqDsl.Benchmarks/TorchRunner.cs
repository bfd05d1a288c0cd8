using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace SeqDsl.Benchmarks;

/// <summary>Times TorchSharp training epochs and inference the way SeqDsl's Fit and Predict run: same batches, same order (no shuffling), Adam with Keras's constants.</summary>
internal static class TorchRunner
{
    public static string Version => torch.__version__;

    public static Tensor Tensor(float[,,] data) => torch.tensor(data);

    public static Tensor Tensor(float[,] data) => torch.tensor(data);

    /// <summary>One epoch; returns the seconds, the mean per-sample loss over the epoch (as Keras and SeqDsl report it), and the first batch's seconds.</summary>
    public static (double Seconds, double Loss, double FirstBatch) TrainEpoch(TorchStack net, Tensor x, Tensor y, int batch, double learningRate, int maxBatches = int.MaxValue)
    {
        using var optimizer = torch.optim.Adam(net.parameters(), learningRate, beta1: 0.9, beta2: 0.999, eps: 1e-7);
        using var loss = nn.MSELoss();
        int samples = (int)x.shape[0];
        double total = 0;
        int seen = 0;
        double first = 0;
        var watch = Stopwatch.StartNew();
        for (int start = 0, b = 0; start < samples && b < maxBatches; start += batch, b++)
        {
            using var scope = torch.NewDisposeScope();
            int count = Math.Min(batch, samples - start);
            optimizer.zero_grad();
            var output = loss.forward(net.forward(x.narrow(0, start, count)), y.narrow(0, start, count));
            output.backward();
            optimizer.step();
            total += output.item<float>() * count;
            seen += count;
            if (b == 0)
            {
                first = watch.Elapsed.TotalSeconds;
            }
        }

        return (watch.Elapsed.TotalSeconds, total / seen, first);
    }

    /// <summary>The forward pass over <paramref name="x"/> in batches of <paramref name="batch"/>, without gradients; returns the seconds and the predictions.</summary>
    public static (double Seconds, float[] Predictions) Infer(TorchStack net, Tensor x, int batch)
    {
        using var noGrad = torch.no_grad();
        int samples = (int)x.shape[0];
        var parts = new List<float[]>();
        var watch = Stopwatch.StartNew();
        for (int start = 0; start < samples; start += batch)
        {
            using var scope = torch.NewDisposeScope();
            int count = Math.Min(batch, samples - start);
            using var output = net.forward(x.narrow(0, start, count)).contiguous();
            parts.Add(output.data<float>().ToArray());
        }

        double seconds = watch.Elapsed.TotalSeconds;
        return (seconds, parts.SelectMany(p => p).ToArray());
    }
}
