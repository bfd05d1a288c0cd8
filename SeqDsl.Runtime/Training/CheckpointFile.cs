using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;
using SeqDsl.Engine;

namespace SeqDsl.Training;

/// <summary>
/// The training checkpoint format, version 1. Little-endian throughout:
/// <code>
/// offset  size  field
///  0       8    magic "SEQDSLC1"
///  8       4    format version (int32) = 1
/// 12       8    total file length in bytes (int64), checksum included
/// 20       4    fingerprint length L (int32, bytes of UTF-8), then L bytes: the architecture fingerprint
///          8    parameter count N (int64)
///          4    completed epochs, 4 samples, 4 batch size (int32 each)
///          4    optimizer (int32: 0 Adam, 1 SGD), 8 optimizer steps (int64), 4 moment count M (int32: 2 Adam, 1 SGD)
///         32    generator state (4 × uint64)
///          4    best epoch (int32), 8 best monitored loss (float64), 4 epochs without improvement (int32)
///          4    history length H (int32); H × (loss, last-step error: float64; has validation: byte;
///               validation loss, validation last-step error, seconds: float64;
///               has accuracy: byte; accuracy: float64; has validation accuracy: byte; validation accuracy: float64)
///         4N    weights (float32)
///       M·4N    optimizer moments (float32)
///          1    has best weights (byte), then 4N best weights (float32) when 1
/// end−8    8    FNV-1a 64 checksum of every byte before it (uint64)
/// </code>
/// The length field tells a truncated file from a corrupt one; every check runs before the model is touched.
/// </summary>
internal static class CheckpointFile
{
    public const int FormatVersion = 1;
    private const int LengthOffset = 12;
    private const int FixedHeaderLength = 20;
    private const int MaxFingerprintBytes = 1 << 16;
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("SEQDSLC1");

    /// <summary>Serializes <paramref name="checkpoint"/>.</summary>
    public static byte[] Write(TrainingCheckpoint checkpoint)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(0L); // total length, patched below
            byte[] fingerprint = Encoding.UTF8.GetBytes(checkpoint.Fingerprint);
            writer.Write(fingerprint.Length);
            writer.Write(fingerprint);
            writer.Write((long)checkpoint.Weights.Length);
            writer.Write(checkpoint.CompletedEpochs);
            writer.Write(checkpoint.Samples);
            writer.Write(checkpoint.BatchSize);
            writer.Write((int)checkpoint.Optimizer);
            writer.Write(checkpoint.OptimizerSteps);
            writer.Write(checkpoint.Moments.Length);
            var (s0, s1, s2, s3) = checkpoint.Random;
            writer.Write(s0);
            writer.Write(s1);
            writer.Write(s2);
            writer.Write(s3);
            writer.Write(checkpoint.BestEpoch);
            writer.Write(checkpoint.BestMonitored);
            writer.Write(checkpoint.EpochsWithoutImprovement);
            writer.Write(checkpoint.Epochs.Count);
            foreach (var epoch in checkpoint.Epochs)
            {
                writer.Write(epoch.Loss);
                writer.Write(epoch.LastStepError);
                writer.Write(epoch.ValidationLoss.HasValue);
                writer.Write(epoch.ValidationLoss ?? 0);
                writer.Write(epoch.ValidationLastStepError ?? 0);
                writer.Write(epoch.Seconds);
                writer.Write(epoch.Accuracy.HasValue);
                writer.Write(epoch.Accuracy ?? 0);
                writer.Write(epoch.ValidationAccuracy.HasValue);
                writer.Write(epoch.ValidationAccuracy ?? 0);
            }

            WriteFloats(writer, checkpoint.Weights);
            foreach (var moment in checkpoint.Moments)
            {
                WriteFloats(writer, moment);
            }

            writer.Write(checkpoint.BestWeights is not null);
            if (checkpoint.BestWeights is not null)
            {
                WriteFloats(writer, checkpoint.BestWeights);
            }

            writer.Write(0UL); // checksum, patched below
        }

        byte[] bytes = memory.ToArray();
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(LengthOffset), bytes.Length);
        int checksumAt = bytes.Length - 8;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(checksumAt), WeightsFile.Fnv1a64(bytes.AsSpan(0, checksumAt)));
        return bytes;
    }

    /// <summary>Reads the checkpoint at <paramref name="path"/> for <paramref name="description"/>'s architecture.</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">A check failed; the message says which.</exception>
    public static TrainingCheckpoint Load(string path, ModelDescription description)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Cannot resume {description.Name} from the checkpoint '{path}': the file does not exist.", path);
        }

        return Read(File.ReadAllBytes(path), description, $"'{path}'");
    }

    /// <summary>Parses and checks <paramref name="bytes"/>.</summary>
    /// <exception cref="InvalidDataException">A check failed; the message says which, with both values.</exception>
    public static TrainingCheckpoint Read(byte[] bytes, ModelDescription description, string source)
    {
        string prefix = $"Cannot resume {description.Name} from the checkpoint {source}: ";
        if (bytes.Length < FixedHeaderLength)
        {
            int compared = Math.Min(bytes.Length, Magic.Length);
            bool magicSoFar = bytes.AsSpan(0, compared).SequenceEqual(Magic.AsSpan(0, compared));
            throw new InvalidDataException(prefix + (magicSoFar
                ? $"the file is truncated: it has {bytes.Length} bytes, shorter than the {FixedHeaderLength}-byte header."
                : "not a SeqDsl checkpoint (it does not start with \"SEQDSLC1\")."));
        }

        if (!bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            string hint = bytes.AsSpan(0, Magic.Length).SequenceEqual(Encoding.ASCII.GetBytes("SEQDSLW1"))
                ? " It is a weights file: load it with Load(path) instead."
                : string.Empty;
            throw new InvalidDataException(prefix + $"not a SeqDsl checkpoint (it starts with {Convert.ToHexString(bytes.AsSpan(0, Magic.Length))}, expected \"SEQDSLC1\").{hint}");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        if (version > FormatVersion)
        {
            throw new InvalidDataException(prefix + $"the file has format version {version}, newer than the version {FormatVersion} this SeqDsl reads; update SeqDsl to resume from it.");
        }

        if (version < 1)
        {
            throw new InvalidDataException(prefix + $"the file has an invalid format version {version}; the file is corrupt.");
        }

        long declared = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(LengthOffset));
        if (declared < bytes.Length && declared >= FixedHeaderLength + 8)
        {
            throw new InvalidDataException(prefix + $"the file has {bytes.Length - declared} unexpected bytes after its checksum ({declared} bytes expected, {bytes.Length} found).");
        }

        if (declared > bytes.Length)
        {
            throw new InvalidDataException(prefix + $"the file is truncated: its header announces {declared} bytes, but it has only {bytes.Length}.");
        }

        if (declared != bytes.Length)
        {
            throw new InvalidDataException(prefix + $"the header is corrupt (declared length {declared}).");
        }

        int checksumAt = bytes.Length - 8;
        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(checksumAt));
        ulong computed = WeightsFile.Fnv1a64(bytes.AsSpan(0, checksumAt));
        if (stored != computed)
        {
            throw new InvalidDataException(prefix + $"checksum mismatch (stored 0x{stored:X16}, computed 0x{computed:X16}): the file is corrupt.");
        }

        try
        {
            return Parse(bytes, checksumAt, description, prefix);
        }
        catch (EndOfStreamException)
        {
            // The checksum matched, so this is a file written inconsistently, not damaged on disk.
            throw new InvalidDataException(prefix + "its fields run past the end of the file; the file is corrupt.");
        }
    }

    private static TrainingCheckpoint Parse(byte[] bytes, int end, ModelDescription description, string prefix)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, FixedHeaderLength, end - FixedHeaderLength, writable: false), Encoding.UTF8);
        int fingerprintLength = reader.ReadInt32();
        if (fingerprintLength < 0 || fingerprintLength > MaxFingerprintBytes)
        {
            throw new InvalidDataException(prefix + $"the header is corrupt (fingerprint length {fingerprintLength}).");
        }

        string fingerprint = Encoding.UTF8.GetString(ReadExactly(reader, fingerprintLength));
        if (fingerprint != description.Fingerprint)
        {
            throw new InvalidDataException(prefix + $"the checkpoint was written by a different architecture: checkpoint fingerprint '{fingerprint}', {description.Name} fingerprint '{description.Fingerprint}'.");
        }

        long count = reader.ReadInt64();
        if (count != description.ParameterCount)
        {
            throw new InvalidDataException(prefix + $"the checkpoint holds {count} parameters, {description.Name} has {description.ParameterCount}.");
        }

        int completed = reader.ReadInt32();
        int samples = reader.ReadInt32();
        int batchSize = reader.ReadInt32();
        int optimizer = reader.ReadInt32();
        long steps = reader.ReadInt64();
        int momentCount = reader.ReadInt32();
        if (completed < 0 || samples < 1 || batchSize < 1 || steps < 0 || !Enum.IsDefined(typeof(Optimizer), optimizer)
            || momentCount != ((Optimizer)optimizer == Optimizer.Adam ? 2 : 1))
        {
            throw new InvalidDataException(prefix + $"the header is corrupt (epochs {completed}, samples {samples}, batch size {batchSize}, optimizer {optimizer} with {momentCount} moment buffers, {steps} steps).");
        }

        var random = (reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64());
        int bestEpoch = reader.ReadInt32();
        double bestMonitored = reader.ReadDouble();
        int withoutImprovement = reader.ReadInt32();
        int historyLength = reader.ReadInt32();
        if (historyLength != completed || bestEpoch < -1 || bestEpoch >= completed || withoutImprovement < 0)
        {
            throw new InvalidDataException(prefix + $"the header is corrupt (history of {historyLength} epochs for {completed} completed, best epoch {bestEpoch}).");
        }

        var epochs = new List<EpochRecord>(historyLength);
        for (int i = 0; i < historyLength; i++)
        {
            double loss = reader.ReadDouble();
            double error = reader.ReadDouble();
            bool hasValidation = reader.ReadBoolean();
            double validationLoss = reader.ReadDouble();
            double validationError = reader.ReadDouble();
            double seconds = reader.ReadDouble();
            bool hasAccuracy = reader.ReadBoolean();
            double accuracy = reader.ReadDouble();
            bool hasValidationAccuracy = reader.ReadBoolean();
            double validationAccuracy = reader.ReadDouble();
            epochs.Add(new EpochRecord(
                loss, error, hasValidation ? validationLoss : null, hasValidation ? validationError : null, seconds,
                hasAccuracy ? accuracy : null, hasValidationAccuracy ? validationAccuracy : null));
        }

        var weights = ReadFloats(reader, (int)count, "weight", prefix);
        var moments = new float[momentCount][];
        for (int m = 0; m < momentCount; m++)
        {
            moments[m] = ReadFloats(reader, (int)count, "optimizer state value", prefix);
        }

        float[]? bestWeights = reader.ReadBoolean() ? ReadFloats(reader, (int)count, "best weight", prefix) : null;
        if (reader.BaseStream.Position != reader.BaseStream.Length)
        {
            throw new InvalidDataException(prefix + $"{reader.BaseStream.Length - reader.BaseStream.Position} bytes before the checksum belong to no field; the file is corrupt.");
        }

        return new TrainingCheckpoint
        {
            Fingerprint = fingerprint,
            CompletedEpochs = completed,
            Samples = samples,
            BatchSize = batchSize,
            Optimizer = (Optimizer)optimizer,
            OptimizerSteps = steps,
            Moments = moments,
            Random = random,
            Weights = weights,
            Epochs = epochs,
            BestEpoch = bestEpoch,
            BestMonitored = bestMonitored,
            EpochsWithoutImprovement = withoutImprovement,
            BestWeights = bestWeights,
        };
    }

    private static void WriteFloats(BinaryWriter writer, float[] values)
    {
        foreach (float value in values)
        {
            writer.Write(value);
        }
    }

    private static float[] ReadFloats(BinaryReader reader, int count, string what, string prefix)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = reader.ReadSingle();
            if (!float.IsFinite(values[i]))
            {
                throw new InvalidDataException(prefix + $"{what} {i} is {values[i]}; a checkpoint holds only finite values.");
            }
        }

        return values;
    }

    private static byte[] ReadExactly(BinaryReader reader, int count)
    {
        byte[] bytes = reader.ReadBytes(count);
        if (bytes.Length != count)
        {
            throw new EndOfStreamException();
        }

        return bytes;
    }
}
