using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SeqDsl.Samples.Forecasting;

/// <summary>The run's table as JSON (<c>--results FILE</c>), so scripts and tests need not parse the printed table.</summary>
public static class ResultsFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        // Titles hold arrows and multiplication signs; keep them readable instead of \uXXXX escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>What the file holds: where and how the run was made, then one entry per model in the table's order.</summary>
    /// <param name="Device">The device description.</param>
    /// <param name="DeviceKind">Cpu, OpenCLCpu, OpenCLGpu or Cuda.</param>
    /// <param name="Quick">Quick mode (small data).</param>
    /// <param name="Seed">Data and weight seed.</param>
    /// <param name="Results">The rows; each carries its score, the naive score on the same targets and whether it beat it.</param>
    public sealed record Contents(string Device, string DeviceKind, bool Quick, int Seed, IReadOnlyList<Row> Results);

    /// <summary>One row of the table.</summary>
    /// <param name="Name">Short model name.</param>
    /// <param name="Title">The model as the book describes it.</param>
    /// <param name="Unavailable">Why the model could not run, or null.</param>
    /// <param name="Error">The error that stopped the model, or null.</param>
    /// <param name="Trained">True when the model was trained.</param>
    /// <param name="Epochs">Epochs trained.</param>
    /// <param name="Parameters">Trainable parameters.</param>
    /// <param name="SecondsPerEpoch">Mean seconds per epoch after the first.</param>
    /// <param name="ValidationMse">Validation MSE over every predicted value.</param>
    /// <param name="LastStepMse">Seq-to-seq: last-step MSE.</param>
    /// <param name="Score">The figure compared with naive and the book.</param>
    /// <param name="NaiveMse">The naive forecast's MSE on the same targets.</param>
    /// <param name="BeatsNaive">Score below the naive MSE.</param>
    /// <param name="BookFigure">The book's figure, when it gives one.</param>
    /// <param name="RatioToBook">Score divided by the book's figure.</param>
    public sealed record Row(
        string Name, string Title, string? Unavailable, string? Error, bool Trained, int Epochs, int Parameters, double? SecondsPerEpoch,
        double? ValidationMse, double? LastStepMse, double? Score, double? NaiveMse, bool BeatsNaive, double? BookFigure, double? RatioToBook);

    /// <summary>Writes <paramref name="results"/> to <paramref name="path"/>, creating its folder.</summary>
    public static void Write(string path, SeqDevice device, bool quick, int seed, IEnumerable<ExperimentResult> results)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
            Directory.CreateDirectory(folder);
        var rows = results.Select(r => new Row(
            r.Name, r.Title, r.Unavailable, r.Error, r.Trained, r.Epochs, r.Parameters, r.SecondsPerEpoch, r.ValidationMse, r.LastStepMse,
            r.Score, r.NaiveMse, r.BeatsNaive, r.BookFigure, r.RatioToBook)).ToList();
        File.WriteAllText(path, JsonSerializer.Serialize(new Contents(device.Description, device.Kind.ToString(), quick, seed, rows), Json));
    }

    /// <summary>Reads a file written by <see cref="Write"/>.</summary>
    /// <exception cref="InvalidDataException">The file holds no results object.</exception>
    public static Contents Read(string path) =>
        JsonSerializer.Deserialize<Contents>(File.ReadAllText(path), Json)
        ?? throw new InvalidDataException($"{path} holds no results (JSON null).");
}
