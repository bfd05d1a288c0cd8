using System.Globalization;
using SeqDsl;
using SeqDsl.Samples.Autoencoder;

// Seed 002's LSTM autoencoder: reconstruct the chapter 15 series, and flag injected anomalies by reconstruction error.
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

// Figures print with a dot whatever the machine's culture, so scripts and tests can read them.
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var device = SeqDevice.Best();
Console.WriteLine($"Device: {device.Description}");
var result = AutoencoderRun.Run(Console.Out, device, options);
if (!result.BeatsBaseline)
    Console.WriteLine($"The autoencoder did not beat the per-series mean ({result.ValidationMse:F5} vs {result.BaselineMse:F5}).");
if (!result.BeatsChance)
    Console.WriteLine("The reconstruction-error flag did no better than chance.");
return result.BeatsBaseline && result.BeatsChance ? 0 : 1;
