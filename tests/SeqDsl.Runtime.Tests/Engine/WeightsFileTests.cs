using System.Buffers.Binary;

namespace SeqDsl.Runtime.Tests.Engine;

[Collection(EngineCollection.Name)]
public sealed class WeightsFileTests(CpuDeviceFixture fixture) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("seqdsl-weights-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void SaveLoad_RoundTrip_RestoresWeightsAndPredictions_WithoutTemporaryFiles()
    {
        var (x, y) = LinearData.Make(20, 2, new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } }, new double[] { 1, 1 }, seed: 41);
        using var trained = new LastStepDenseModel(fixture.Device, seed: 1);
        trained.Fit(x, y, epochs: 2, batchSize: 8);
        string path = Path.Combine(folder, "model.seqw");

        trained.Save(path);
        trained.Save(path); // overwriting is allowed
        using var loaded = new LastStepDenseModel(fixture.Device, seed: 2);
        Assert.NotEqual(trained.GetWeights(), loaded.GetWeights());
        loaded.Load(path);

        Assert.Equal(trained.GetWeights(), loaded.GetWeights());
        Assert.Equal(trained.Predict(x), loaded.Predict(x));
        Assert.Equal(new[] { "model.seqw" }, Directory.GetFiles(folder).Select(Path.GetFileName));
        Assert.Equal(28 + "last-step-dense-v1".Length + 9 * 4 + 8, new FileInfo(path).Length);
    }

    [Fact]
    public void SaveLoad_Stream_RoundTrips()
    {
        using var source = new LastStepDenseModel(fixture.Device, seed: 1);
        using var target = new LastStepDenseModel(fixture.Device, seed: 2);
        using var stream = new MemoryStream();

        source.Save(stream);
        stream.Position = 0;
        target.Load(stream);

        Assert.Equal(source.GetWeights(), target.GetWeights());
    }

    [Fact]
    public void Load_OtherArchitecture_NamesBothFingerprints_AndKeepsWeights()
    {
        using var other = new LastStepDenseModel(fixture.Device, seed: 1, fingerprint: "other-arch");
        using var model = new LastStepDenseModel(fixture.Device, seed: 2);
        var bytes = Save(other);

        var error = AssertLoadFails(model, bytes);

        Assert.Contains("different architecture", error.Message);
        Assert.Contains("'other-arch'", error.Message);
        Assert.Contains("'last-step-dense-v1'", error.Message);
    }

    [Fact]
    public void Load_Truncated_SaysTruncated_AndKeepsWeights()
    {
        using var model = new LastStepDenseModel(fixture.Device, seed: 2);
        var bytes = Save(model);

        foreach (int length in new[] { 5, 20, bytes.Length - 9, bytes.Length - 1 })
        {
            var error = AssertLoadFails(model, bytes[..length]);
            Assert.Contains("truncated", error.Message);
        }
    }

    [Fact]
    public void Load_FlippedByte_FailsTheChecksum_AndKeepsWeights()
    {
        using var model = new LastStepDenseModel(fixture.Device, seed: 2);
        var bytes = Save(model);

        foreach (int at in new[] { 30, 28 + 18 + 5, bytes.Length - 10 }) // fingerprint, payload, last payload byte
        {
            var corrupt = (byte[])bytes.Clone();
            corrupt[at] ^= 0x10;
            var error = AssertLoadFails(model, corrupt);
            Assert.Contains("checksum mismatch", error.Message);
        }
    }

    [Fact]
    public void Load_NewerFormatVersion_AsksToUpdate_AndKeepsWeights()
    {
        using var model = new LastStepDenseModel(fixture.Device, seed: 2);
        var bytes = Save(model);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 2);

        var error = AssertLoadFails(model, bytes);

        Assert.Contains("format version 2, newer than the version 1", error.Message);
    }

    [Fact]
    public void Load_NotAWeightsFile_SaysSo()
    {
        using var model = new LastStepDenseModel(fixture.Device, seed: 2);

        var error = AssertLoadFails(model, "hello, this is not a weights file at all"u8.ToArray());

        Assert.Contains("not a SeqDsl weights file", error.Message);
    }

    [Fact]
    public void Load_TrailingBytes_AreRejected()
    {
        using var model = new LastStepDenseModel(fixture.Device, seed: 2);
        var bytes = Save(model).Concat(new byte[] { 1, 2, 3 }).ToArray();

        var error = AssertLoadFails(model, bytes);

        Assert.Contains("3 unexpected bytes after its checksum", error.Message);
    }

    private static byte[] Save(LastStepDenseModel model)
    {
        using var stream = new MemoryStream();
        model.Save(stream);
        return stream.ToArray();
    }

    /// <summary>Loads from a file and from a stream; both must fail with the same message and leave the weights alone.</summary>
    private InvalidDataException AssertLoadFails(LastStepDenseModel model, byte[] bytes)
    {
        var before = model.GetWeights();
        string path = Path.Combine(folder, $"bad-{Guid.NewGuid():N}.seqw");
        File.WriteAllBytes(path, bytes);

        var fromFile = Assert.Throws<InvalidDataException>(() => model.Load(path));
        var fromStream = Assert.Throws<InvalidDataException>(() => model.Load(new MemoryStream(bytes)));

        Assert.Contains(path, fromFile.Message);
        Assert.Equal(fromFile.Message.Replace($"'{path}'", "the stream"), fromStream.Message);
        Assert.Equal(before, model.GetWeights());
        return fromFile;
    }
}
