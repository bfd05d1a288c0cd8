using System.Buffers.Binary;
using System.Text;

namespace SeqDsl.Samples.Tests;

/// <summary>The parts of a PNG file the tests check: signature, IHDR, chunk CRCs, IDAT and IEND (PNG spec, ISO/IEC 15948).</summary>
public sealed record PngFile(int Width, int Height, int BitDepth, int ColorType, int DataChunks)
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>Parses <paramref name="path"/>; throws <see cref="InvalidDataException"/> saying what is wrong.</summary>
    public static PngFile Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < Signature.Length || !bytes.AsSpan(0, Signature.Length).SequenceEqual(Signature))
            throw new InvalidDataException($"{path}: no PNG signature ({bytes.Length} bytes).");

        int offset = Signature.Length;
        PngFile? header = null;
        int dataChunks = 0;
        bool ended = false;
        while (offset < bytes.Length)
        {
            if (ended)
                throw new InvalidDataException($"{path}: bytes after IEND at offset {offset}.");
            if (offset + 12 > bytes.Length)
                throw new InvalidDataException($"{path}: truncated chunk header at offset {offset}.");
            int length = checked((int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset)));
            string type = Encoding.ASCII.GetString(bytes, offset + 4, 4);
            if (offset + 12 + length > bytes.Length)
                throw new InvalidDataException($"{path}: chunk {type} at offset {offset} runs past the end.");
            var data = bytes.AsSpan(offset + 8, length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset + 8 + length));
            uint computed = Crc(bytes.AsSpan(offset + 4, length + 4));
            if (stored != computed)
                throw new InvalidDataException($"{path}: chunk {type} at offset {offset} has CRC {stored:x8}, expected {computed:x8}.");

            if (header is null && type != "IHDR")
                throw new InvalidDataException($"{path}: first chunk is {type}, expected IHDR.");
            switch (type)
            {
                case "IHDR" when length == 13:
                    header = new PngFile(
                        checked((int)BinaryPrimitives.ReadUInt32BigEndian(data)),
                        checked((int)BinaryPrimitives.ReadUInt32BigEndian(data[4..])),
                        data[8], data[9], 0);
                    break;
                case "IHDR":
                    throw new InvalidDataException($"{path}: IHDR has {length} bytes, expected 13.");
                case "IDAT":
                    dataChunks++;
                    break;
                case "IEND":
                    ended = true;
                    break;
            }

            offset += 12 + length;
        }

        if (header is null || !ended)
            throw new InvalidDataException($"{path}: missing {(header is null ? "IHDR" : "IEND")}.");
        return header with { DataChunks = dataChunks };
    }

    private static uint Crc(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc ^ 0xFFFFFFFF;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }

        return table;
    }
}
