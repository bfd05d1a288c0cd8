using System;
using System.IO;

namespace SeqDsl.Engine;

public abstract partial class ModelBase
{
    /// <summary>
    /// Saves the weights to <paramref name="path"/> (format in <see cref="WeightsFile"/>): written to a temporary file
    /// in the same folder, flushed to disk, then renamed over <paramref name="path"/>, so a crash never leaves a
    /// half-written file under that name.
    /// </summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        lock (Gate)
        {
            ThrowIfDisposed();
            bytes = WeightsFile.Write(Description.Fingerprint, DownloadWeights());
        }

        WeightsFile.WriteAtomically(path, bytes);
    }

    /// <summary>Writes the weights file to <paramref name="stream"/>.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        lock (Gate)
        {
            ThrowIfDisposed();
            stream.Write(WeightsFile.Write(Description.Fingerprint, DownloadWeights()));
        }
    }

    /// <summary>
    /// Loads weights saved by <see cref="Save(string)"/> from a model of the same architecture. Every check (format,
    /// version, length, checksum, architecture fingerprint, parameter count, finiteness) runs before the weights are
    /// touched, so on failure the model keeps its weights.
    /// </summary>
    /// <exception cref="InvalidDataException">The file failed a check; the message says which (both fingerprints for another architecture).</exception>
    public void Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = File.ReadAllBytes(path);
        ApplyWeightsFile(bytes, $"'{path}'");
    }

    /// <summary>Loads weights from <paramref name="stream"/> (read to its end); see <see cref="Load(string)"/>.</summary>
    /// <exception cref="InvalidDataException">The data failed a check; the message says which.</exception>
    public void Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        ApplyWeightsFile(copy.ToArray(), "the stream");
    }

    private void ApplyWeightsFile(byte[] bytes, string source)
    {
        var weights = WeightsFile.Read(bytes, Description, source);
        lock (Gate)
        {
            ThrowIfDisposed();
            UploadWeights(weights);
        }
    }
}
