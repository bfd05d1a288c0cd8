using System.Diagnostics;
using SeqDsl;
using SeqDsl.Benchmarks;
using SeqDsl.Data;

// W1 of the performance issue: one training epoch of LSTM(20)→LSTM(20)→TimeDistributed(Dense(10)) on the seed's
// 7,000 × 50 series (batch 32), and inference on 2,000 series. Prints seconds, GFLOP/s and the device.
// FLOPs count the multiply-adds of the recurrences and the head (2 per MAC); backward ≈ 2 × forward.
var data = ForecastData.Chapter15(seed: 42, steps: 50, ahead: 10);
using var model = new SeqToSeqLstm(seed: 42);
Console.WriteLine("device: " + model.Device.Description);

const int Steps = 50, Units = 20, Gates = 4 * Units;
double forwardFlopsPerSample = 2.0 * Steps * (Gates * (1 + Units) + Gates * (Units + Units) + Units * 10);
double trainFlops = 3 * forwardFlopsPerSample * data.XTrain.GetLength(0);
double inferFlops = forwardFlopsPerSample * data.XValid.GetLength(0);

model.Fit(data.XTrain, data.YTrainSequence, epochs: 1, batchSize: 32); // warm-up: kernel compilation
var times = new List<double>();
for (int i = 0; i < 3; i++)
{
    var watch = Stopwatch.StartNew();
    model.Fit(data.XTrain, data.YTrainSequence, epochs: 1, batchSize: 32);
    times.Add(watch.Elapsed.TotalSeconds);
}

model.Predict(data.XValid);
var predictWatch = Stopwatch.StartNew();
model.Predict(data.XValid, batchSize: 2000);
double predictSeconds = predictWatch.Elapsed.TotalSeconds;

double best = times.Min();
Console.WriteLine($"W1 training epoch: best {best:F3} s of {times.Count} (median {times.OrderBy(t => t).ElementAt(1):F3} s), {trainFlops / best / 1e9:F1} GFLOP/s");
Console.WriteLine($"W1 inference, 2,000 series: {predictSeconds * 1000:F1} ms, {inferFlops / predictSeconds / 1e9:F1} GFLOP/s");
