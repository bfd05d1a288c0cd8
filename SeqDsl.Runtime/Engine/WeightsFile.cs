using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;

namespace SeqDsl.Engine;

/// <summary>
/// The weights file format, version 1. All integers and floats little-endian:
/// <code>
/// offset  size  field
///  0       8    magic "SEQDSLW1"
///  8       4    format version (int32) = 1
/// 12       4    dtype code (int32) = 1 (float32)
/// 16       8    parameter count N (int64)
/// 24       4    fingerprint length L (int32, bytes of UTF-8)
/// 28       L    architecture fingerprint (ModelDescription.Fingerprint, UTF-8)
/// 28+L     4·N  parameters (float32)
/// 28+L+4N  8    FNV-1a 64 checksum of every byte before it (uint64)
/// </code>
/// Reading checks everything (magic, version, length, checksum, fingerprint, dtype, count, finiteness) before the
/// caller touches the model, and each failure says which check failed.
/// </summary>
internal static class WeightsFile
{
    public const int FormatVersion = 1;
    public const int Float32Code = 1;
    private const int FixedHeaderLength = 28;
    private const int MaxFingerprintBytes = 1 << 16;
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("SEQDSLW1");

    public static byte[] Write(string fingerprint, ReadOnlySpan<float> weights)
    {
        byte[] fingerprintBytes = Encoding.UTF8.GetBytes(fingerprint);
        int payloadStart = FixedHeaderLength + fingerprintBytes.Length;
        var bytes = new byte[payloadStart + 4L * weights.Length + 8];
        Magic.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), Float32Code);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(16), weights.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(24), fingerprintBytes.Length);
        fingerprintBytes.CopyTo(bytes, FixedHeaderLength);
        for (int i = 0; i < weights.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(payloadStart + 4 * i), weights[i]);
        }

        int checksumAt = bytes.Length - 8;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(checksumAt), Fnv1a64(bytes.AsSpan(0, checksumAt)));
        return bytes;
    }

    /// <summary>Parses and checks <paramref name="bytes"/> against <paramref name="description"/>; returns the weights.</summary>
    /// <exception cref="InvalidDataException">A check failed; the message says which, with both values.</exception>
    public static float[] Read(ReadOnlySpan<byte> bytes, ModelDescription description, string source)
    {
        string prefix = $"Cannot load weights into {description.Name} from {source}: ";
        if (bytes.Length < Magic.Length)
        {
            if (bytes.SequenceEqual(Magic.AsSpan(0, bytes.Length)))
            {
                throw new InvalidDataException(prefix + $"the file is truncated: it has {bytes.Length} bytes, shorter than the {FixedHeaderLength}-byte header.");
            }

            throw new InvalidDataException(prefix + "not a SeqDsl weights file (it does not start with \"SEQDSLW1\").");
        }

        if (!bytes[..Magic.Length].SequenceEqual(Magic))
        {
            throw new InvalidDataException(prefix + $"not a SeqDsl weights file (it starts with {Convert.ToHexString(bytes[..Magic.Length])}, expected \"SEQDSLW1\").");
        }

        if (bytes.Length < FixedHeaderLength)
        {
            throw new InvalidDataException(prefix + $"the file is truncated: it has {bytes.Length} bytes, shorter than the {FixedHeaderLength}-byte header.");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        if (version > FormatVersion)
        {
            throw new InvalidDataException(prefix + $"the file has format version {version}, newer than the version {FormatVersion} this SeqDsl reads; update SeqDsl to load it.");
        }

        if (version < 1)
        {
            throw new InvalidDataException(prefix + $"the file has an invalid format version {version}; the file is corrupt.");
        }

        int dtype = BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
        long count = BinaryPrimitives.ReadInt64LittleEndian(bytes[16..]);
        int fingerprintLength = BinaryPrimitives.ReadInt32LittleEndian(bytes[24..]);
        if (fingerprintLength < 0 || fingerprintLength > MaxFingerprintBytes || count < 0 || count > int.MaxValue / 4)
        {
            throw new InvalidDataException(prefix + $"the header is corrupt (fingerprint length {fingerprintLength}, parameter count {count}).");
        }

        long expectedLength = FixedHeaderLength + fingerprintLength + 4 * count + 8;
        if (bytes.Length < expectedLength)
        {
            throw new InvalidDataException(prefix + $"the file is truncated: its header announces {count} parameters ({expectedLength} bytes in all), but it has only {bytes.Length} bytes.");
        }

        if (bytes.Length > expectedLength)
        {
            throw new InvalidDataException(prefix + $"the file has {bytes.Length - expectedLength} unexpected bytes after its checksum ({expectedLength} bytes expected, {bytes.Length} found).");
        }

        int checksumAt = (int)expectedLength - 8;
        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(bytes[checksumAt..]);
        ulong computed = Fnv1a64(bytes[..checksumAt]);
        if (stored != computed)
        {
            throw new InvalidDataException(prefix + $"checksum mismatch (stored 0x{stored:X16}, computed 0x{computed:X16}): the file is corrupt.");
        }

        string fingerprint = Encoding.UTF8.GetString(bytes.Slice(FixedHeaderLength, fingerprintLength));
        if (fingerprint != description.Fingerprint)
        {
            throw new InvalidDataException(prefix + $"the file was saved from a different architecture: file fingerprint '{fingerprint}', {description.Name} fingerprint '{description.Fingerprint}'.");
        }

        if (dtype != Float32Code)
        {
            throw new InvalidDataException(prefix + $"unsupported dtype code {dtype}; this SeqDsl reads float32 (code {Float32Code}).");
        }

        if (count != description.ParameterCount)
        {
            throw new InvalidDataException(prefix + $"the file holds {count} parameters, {description.Name} has {description.ParameterCount}.");
        }

        int payloadStart = FixedHeaderLength + fingerprintLength;
        var weights = new float[count];
        for (int i = 0; i < weights.Length; i++)
        {
            float value = BinaryPrimitives.ReadSingleLittleEndian(bytes[(payloadStart + 4 * i)..]);
            if (!float.IsFinite(value))
            {
                throw new InvalidDataException(prefix + $"parameter {i} is {value}; weights must be finite.");
            }

            weights[i] = value;
        }

        return weights;
    }

    /// <summary>FNV-1a, 64 bits.</summary>
    public static ulong Fnv1a64(ReadOnlySpan<byte> data)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (byte b in data)
        {
            hash ^= b;
            hash *= 0x100000001B3UL;
        }

        return hash;
    }

    /// <summary>Writes to a temporary file next to <paramref name="path"/>, flushes it to disk, then renames it over <paramref name="path"/>.</summary>
    public static void WriteAtomically(string path, byte[] bytes)
    {
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? ".";
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
