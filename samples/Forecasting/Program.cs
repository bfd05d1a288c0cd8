using SeqDsl;
using SeqDsl.Samples.Forecasting;

// Chapter 15 of Hands-On Machine Learning (Géron), forecasting a time series, with SeqDsl models.
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

var device = SeqDevice.Best();
if (options.Csv is not null)
{
    CsvExperiment.Run(Console.Out, device, options.Csv, options.Column!, options.Epochs ?? 20, options.Seed);
    return 0;
}

var data = options.Quick ? ExperimentData.Quick(options.Seed) : ExperimentData.Chapter15(options.Seed);
int epochs = options.Epochs ?? (options.Quick ? Experiments.QuickEpochs : 20);
var selected = options.Model is null ? ExperimentCatalog.All : [ExperimentCatalog.Find(options.Model)!];
var results = Experiments.Run(Console.Out, device, data, epochs, options.Seed, selected);

var failures = Experiments.WorseThanNaive(results);
foreach (var failure in failures)
    Console.WriteLine($"{failure.Name} did not beat the naive forecast ({failure.Score:F5} vs {failure.NaiveMse:F5}).");
return options.Quick && failures.Count > 0 ? 1 : 0;
