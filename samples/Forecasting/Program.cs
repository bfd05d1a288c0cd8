using SeqDsl;
using SeqDsl.Samples.Forecasting;
using SeqDsl.Samples.Forecasting.Plots;

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
IReadOnlyList<ExperimentResult> results;
if (options.Csv is not null)
{
    results = CsvExperiment.Run(Console.Out, device, options.Csv, options.Column!, options.Epochs ?? EpochPlan.BookEpochs, options.Seed);
}
else
{
    var data = options.Quick ? ExperimentData.Quick(options.Seed) : ExperimentData.Chapter15(options.Seed);
    var selected = options.Models.Count == 0 ? ExperimentCatalog.All : options.Models.Select(name => ExperimentCatalog.Find(name)!).ToList();
    results = Experiments.Run(Console.Out, device, data, new EpochPlan(options.Epochs, options.Quick), options.Seed, selected);
}

if (options.Results is not null)
{
    ResultsFile.Write(options.Results, device, options.Quick, options.Seed, results);
    Console.WriteLine($"Results: {options.Results}");
}

if (options.Plots is not null)
{
    var figures = FigureWriter.WriteAll(options.Plots, results);
    Console.WriteLine($"Figures: {figures.Count} PNG files in {options.Plots}");
}

var errors = Experiments.Failures(results);
foreach (var failure in errors)
    Console.WriteLine($"{failure.Name} failed: {failure.Error}");
var worse = Experiments.WorseThanNaive(results);
foreach (var failure in worse)
    Console.WriteLine($"{failure.Name} did not beat the naive forecast ({failure.Score:F5} vs {failure.NaiveMse:F5}).");
return errors.Count > 0 || (options.Quick && worse.Count > 0) ? 1 : 0;
