namespace SeqDsl.Samples.Forecasting;

/// <summary>Runs a selection of the chapter 15 experiments and prints the report.</summary>
public static class Experiments
{
    /// <summary>
    /// Epochs in quick mode unless <c>--epochs</c> says otherwise. With 1,000 series an epoch is only 32 Adam steps;
    /// SimpleRNN(1) at the book's learning rate needs about 30 epochs to pass the naive forecast.
    /// </summary>
    public const int QuickEpochs = 30;

    /// <summary>
    /// Quick mode: every model on 1,000 training / 300 validation series for <see cref="QuickEpochs"/> epochs.
    /// Prints progress and the table to <paramref name="output"/> and returns the results.
    /// </summary>
    public static IReadOnlyList<ExperimentResult> RunQuick(TextWriter output, SeqDevice? device = null, int seed = 42) =>
        Run(output, device ?? SeqDevice.Best(), ExperimentData.Quick(seed), QuickEpochs, seed, ExperimentCatalog.All);

    /// <summary>Runs <paramref name="experiments"/> in order on one data set, then prints the report table.</summary>
    public static IReadOnlyList<ExperimentResult> Run(
        TextWriter output, SeqDevice device, ExperimentData data, int epochs, int seed, IEnumerable<Experiment> experiments)
    {
        PrintDevice(output, device);
        output.WriteLine($"Data: {data.OneAhead.XTrain.GetLength(0)} training / {data.OneAhead.XValid.GetLength(0)} validation series of 50 steps; {epochs} epochs; seed {seed}.");
        var results = new List<ExperimentResult>();
        using (var runner = new ExperimentRunner(device, data, epochs, seed, output))
        {
            foreach (var experiment in experiments)
            {
                output.WriteLine($"{experiment.Name}:");
                results.Add(experiment.Run(runner));
            }
        }

        ReportTable.Write(output, results);
        return results;
    }

    /// <summary>Trained models that did not beat the naive forecast on their own targets.</summary>
    public static IReadOnlyList<ExperimentResult> WorseThanNaive(IEnumerable<ExperimentResult> results) =>
        results.Where(r => r.Trained && !r.BeatsNaive).ToList();

    /// <summary>Prints the device and, on ILGPU's CPU simulator, how to get a much faster one.</summary>
    public static void PrintDevice(TextWriter output, SeqDevice device)
    {
        output.WriteLine($"Device: {device.Description}");
        if (device.Kind == DeviceKind.Cpu)
        {
            output.WriteLine("This is ILGPU's CPU simulator (slow). Install PoCL for a large speed-up: apt-get install pocl-opencl-icd ocl-icd-opencl-dev");
        }
    }
}
