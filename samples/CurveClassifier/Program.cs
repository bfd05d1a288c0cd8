using System.Diagnostics;
using System.Globalization;
using SeqDsl;
using SeqDsl.Samples.CurveClassifier;

// Seed 002: curves of 1,500 values, each with any of seven shape labels; Conv1D front + GRU + Dense(7, Sigmoid).
bool quick = args.Contains("--quick");
int epochs = quick ? 8 : 20;
for (int i = 0; i < args.Length - 1; i++)
    if (args[i] == "--epochs")
        epochs = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
int length = quick ? 300 : 1500;
int trainCount = quick ? 800 : 3000, testCount = quick ? 300 : 1000;
const int Seed = 42;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var device = SeqDevice.Best();
Console.WriteLine($"Device: {device}");
Console.WriteLine($"{(quick ? "Quick" : "Full")} run: {trainCount} training / {testCount} test curves of {length} steps, {epochs} epochs, seed {Seed}");

var (x, y) = new CurveGenerator(Seed).Batch(trainCount, length);
var (xt, yt) = new CurveGenerator(Seed + 1).Batch(testCount, length);

using var model = new CurveShapeModel(device, seed: Seed);
Console.WriteLine($"Model: {CurveShapeModel.ParameterCount:N0} parameters");
var clock = Stopwatch.StartNew();
// --epochs 0 evaluates the untrained model (the tests use it to see the exit code 1 path).
if (epochs > 0)
{
    var history = model.Fit(x, y, epochs: epochs, batchSize: 32);
    for (int e = 0; e < history.Loss.Count; e++)
        Console.WriteLine($"  epoch {e + 1,2}: loss {history.Loss[e]:F4}");
}

clock.Stop();
Console.WriteLine($"Training took {clock.Elapsed.TotalSeconds:F1} s");

var predicted = model.Predict(xt);
var frequencies = MultiLabelMetrics.Frequencies(y);
var baseline = MultiLabelMetrics.FrequencyBaseline(frequencies, testCount);
var modelCounts = MultiLabelMetrics.Counts(yt, predicted);
var baselineCounts = MultiLabelMetrics.Counts(yt, baseline);

Console.WriteLine();
Console.WriteLine($"{"class",-11} {"train freq",10} {"precision",9} {"recall",7} | {"baseline P",10} {"baseline R",10}");
for (int k = 0; k < CurveShapes.Count; k++)
    Console.WriteLine($"{CurveShapes.Names[k],-11} {frequencies[k],10:F3} {modelCounts[k].Precision,9:F3} {modelCounts[k].Recall,7:F3} | " +
                      $"{baselineCounts[k].Precision,10:F3} {baselineCounts[k].Recall,10:F3}");

double accuracy = MultiLabelMetrics.BinaryAccuracy(yt, predicted);
double baselineAccuracy = MultiLabelMetrics.BinaryAccuracy(yt, baseline);
double bce = MultiLabelMetrics.BinaryCrossEntropy(yt, predicted);
double baselineBce = MultiLabelMetrics.BinaryCrossEntropy(yt, baseline);
Console.WriteLine();
Console.WriteLine($"Binary accuracy: model {accuracy:F4}, baseline {baselineAccuracy:F4}");
Console.WriteLine($"Binary cross-entropy: model {bce:F4}, baseline {baselineBce:F4}");
bool beats = accuracy > baselineAccuracy && bce < baselineBce;
Console.WriteLine($"Beats baseline: {(beats ? "yes" : "no")}");
return beats ? 0 : 1;
