using System.Diagnostics;
using System.Globalization;
using SeqDsl;
using SeqDsl.Samples.CharRnn;

// Next-character prediction on the opening of "Alice's Adventures in Wonderland" (public domain), with samples of
// generated text after every epoch and a comparison with the unigram (character frequency) baseline.
Options options;
try
{
    options = Options.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(Options.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(Options.Usage);
    return 0;
}

var inv = CultureInfo.InvariantCulture;
var plan = RunPlan.For(options);
var device = SeqDevice.Best();
Console.WriteLine($"Device: {device}");
var corpus = Corpus.Load(Corpus.DefaultPath);
var (xTrain, yTrain) = Windows.Cut(corpus.Train, plan.Steps, plan.Stride);
var (xValid, yValid) = Windows.Cut(corpus.Validation, plan.Steps, plan.Steps);
Console.WriteLine($"Text: {corpus.Train.Length + corpus.Validation.Length} characters, vocabulary {Vocabulary.Size}; "
    + $"{xTrain.GetLength(0)} training windows, {xValid.GetLength(0)} validation windows of {plan.Steps} steps");

var unigram = Unigram.Fit(corpus.Train, Vocabulary.Size);
double baselineLoss = unigram.CrossEntropy(yValid), baselineAccuracy = unigram.Accuracy(yValid);
Console.WriteLine(string.Format(inv, "Unigram baseline (validation): cross-entropy {0:F4} nats/char, accuracy {1:P1}", baselineLoss, baselineAccuracy));

using var model = new CharModel(device, seed: options.Seed);
using var generator = new TextGenerator(device);
Console.WriteLine($"Model: {CharModel.ParameterCount:N0} parameters");
var random = new Random(options.Seed);
var clock = Stopwatch.StartNew();
var fit = new FitOptions
{
    ClipNorm = 5,
    LearningRate = plan.LearningRate,
    OnEpochEnd = p =>
    {
        Console.WriteLine(string.Format(inv, "Epoch {0}/{1}: loss {2:F4}, accuracy {3:P1}, validation loss {4:F4}, validation accuracy {5:P1} ({6:F1} s)",
            p.Epoch, p.Epochs, p.Loss, p.Accuracy ?? double.NaN, p.ValidationLoss ?? double.NaN, p.ValidationAccuracy ?? double.NaN, p.Seconds));
        generator.CopyWeightsFrom(model);
        foreach (double temperature in plan.Temperatures)
        {
            string text = generator.Generate(plan.Prompt, plan.SampleLength, temperature, random);
            Console.WriteLine(string.Format(inv, "  T={0:F1}: {1}", temperature, text.Replace("\n", " / ", StringComparison.Ordinal)));
        }
    },
};
model.Fit(xTrain, yTrain, options.Epochs ?? plan.Epochs, plan.BatchSize, (xValid, yValid), fit);

var evaluation = model.Evaluate(xValid, yValid);
double accuracy = evaluation.Accuracy ?? double.NaN;
Console.WriteLine(string.Format(inv, "Validation: cross-entropy {0:F4} nats/char (unigram {1:F4}), accuracy {2:P1} (unigram {3:P1}); {4:F0} s in all",
    evaluation.Loss, baselineLoss, accuracy, baselineAccuracy, clock.Elapsed.TotalSeconds));
if (evaluation.Loss < baselineLoss)
{
    Console.WriteLine("Beats the unigram baseline.");
    return 0;
}

Console.WriteLine("The model did not beat the unigram baseline.");
return 1;
