using System.Buffers.Binary;
using SeqDsl.Training;

namespace SeqDsl.Runtime.Tests.Engine;

/// <summary>
/// Checkpoints: a run stopped after some epochs and resumed reaches exactly the weights of a run that was never
/// stopped, and a checkpoint that cannot be used is refused before the model is touched.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class CheckpointTests(CpuDeviceFixture fixture) : IDisposable
{
    private static readonly double[,] W = { { 2.0, -1.0 }, { 1.0, 1.5 }, { -1.0, 0.5 } };
    private static readonly double[] B = { 0.5, -0.5 };
    private readonly string folder = Directory.CreateTempSubdirectory("seqdsl-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    public static TheoryData<Optimizer, double> Optimizers => new() { { Optimizer.Adam, 0.05 }, { Optimizer.Sgd, 0.02 } };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void CancelledAfterAnEpoch_ThenResumed_ReachesBitIdenticalWeightsAndHistory(Optimizer optimizer, double learningRate)
    {
        var (x, y) = LinearData.Make(90, 3, W, B, seed: 51, noise: 0.3);
        FitOptions Options(string? checkpoint = null, string? resume = null, CancellationToken token = default, Action<TrainingProgress>? onEpochEnd = null) => new()
        {
            Optimizer = optimizer,
            LearningRate = learningRate,
            Momentum = optimizer == Optimizer.Sgd ? 0.9 : 0,
            CheckpointPath = checkpoint,
            CheckpointEvery = 2,
            ResumeFrom = resume,
            CancellationToken = token,
            OnEpochEnd = onEpochEnd,
        };
        const int Epochs = 6;

        using var uninterrupted = new LastStepDenseModel(fixture.Device, seed: 7);
        var expected = uninterrupted.Fit(x, y, epochs: Epochs, batchSize: 8, options: Options());

        // Checkpoints after epochs 2, 4 and 6; cancelled during epoch 4, so the last checkpoint is epoch 2's.
        string path = Path.Combine(folder, "run.ckpt");
        using var cancellation = new CancellationTokenSource();
        using var stopped = new LastStepDenseModel(fixture.Device, seed: 7);
        var cancelled = Assert.Throws<TrainingCancelledException>(() => stopped.Fit(x, y, epochs: Epochs, batchSize: 8, options: Options(checkpoint: path, token: cancellation.Token, onEpochEnd: p =>
        {
            if (p.Epoch == 3)
            {
                cancellation.Cancel();
            }
        })));
        Assert.Equal(3, cancelled.History.Epochs);
        Assert.Equal(new[] { "run.ckpt" }, Directory.GetFiles(folder).Select(Path.GetFileName)); // no temporary file left behind

        // A model with another seed: everything that matters comes from the checkpoint.
        using var resumed = new LastStepDenseModel(fixture.Device, seed: 1234);
        var history = resumed.Fit(x, y, epochs: Epochs, batchSize: 8, options: Options(resume: path));

        Assert.Equal(uninterrupted.GetWeights(), resumed.GetWeights());
        Assert.Equal(Epochs, history.Epochs);
        Assert.Equal(expected.Loss, history.Loss);
        Assert.Equal(expected.BestEpoch, history.BestEpoch);
    }

    [Fact]
    public void AFinishedRunExtendedFromItsLastCheckpoint_MatchesALongerRun_AndTheGeneratorContinues()
    {
        var (x, y) = LinearData.Make(64, 2, W, B, seed: 52, noise: 0.2);
        string path = Path.Combine(folder, "finished.ckpt");

        using var longer = new LastStepDenseModel(fixture.Device, seed: 9);
        longer.Fit(x, y, epochs: 5, batchSize: 16);
        longer.Fit(x, y, epochs: 1, batchSize: 16); // a later Fit continues the model's generator

        using var first = new LastStepDenseModel(fixture.Device, seed: 9);
        first.Fit(x, y, epochs: 3, batchSize: 16, options: new FitOptions { CheckpointPath = path, CheckpointEvery = 10 }); // the last epoch is always saved
        using var extended = new LastStepDenseModel(fixture.Device, seed: 77);
        var history = extended.Fit(x, y, epochs: 5, batchSize: 16, options: new FitOptions { ResumeFrom = path });
        extended.Fit(x, y, epochs: 1, batchSize: 16);

        Assert.Equal(5, history.Epochs);
        Assert.Equal(longer.GetWeights(), extended.GetWeights());
    }

    [Fact]
    public void ResumingACheckpointOfTheLastEpoch_TrainsNothingMore()
    {
        var (x, y) = LinearData.Make(40, 2, W, B, seed: 53);
        string path = Path.Combine(folder, "done.ckpt");
        using var model = new LastStepDenseModel(fixture.Device, seed: 3);
        var trained = model.Fit(x, y, epochs: 2, batchSize: 8, options: new FitOptions { CheckpointPath = path });
        using var other = new LastStepDenseModel(fixture.Device, seed: 4);
        var epochs = 0;

        var history = other.Fit(x, y, epochs: 2, batchSize: 8, options: new FitOptions { ResumeFrom = path, OnEpochEnd = _ => epochs++ });

        Assert.Equal(0, epochs);
        Assert.Equal(trained.Loss, history.Loss);
        Assert.Equal(model.GetWeights(), other.GetWeights());
    }

    [Fact]
    public void EarlyStoppingState_SurvivesTheCheckpoint()
    {
        // Training pulls towards W, validation wants W / 2: the validation loss falls, then rises, and the run stops.
        var (x, y) = LinearData.Make(96, 2, W, B, seed: 54);
        var (vx, vy) = LinearData.Make(48, 2, new double[,] { { 1.0, -0.5 }, { 0.5, 0.75 }, { -0.5, 0.25 } }, new[] { 0.25, -0.25 }, seed: 55);
        FitOptions Options(string? checkpoint = null, string? resume = null, CancellationToken token = default, Action<TrainingProgress>? onEpochEnd = null) => new()
        {
            Optimizer = Optimizer.Sgd,
            LearningRate = 0.02,
            EarlyStopping = new EarlyStopping(Patience: 3),
            CheckpointPath = checkpoint,
            ResumeFrom = resume,
            CancellationToken = token,
            OnEpochEnd = onEpochEnd,
        };
        using var reference = new LastStepDenseModel(fixture.Device, seed: 4);
        reference.SetWeights(new float[9] { 0, 0, 0, 0, 0, 0, 0, 0, 1 });
        var expected = reference.Fit(x, y, epochs: 200, batchSize: 16, validation: (vx, vy), options: Options());
        Assert.True(expected.StoppedEarly);
        Assert.True(expected.BestEpoch >= 1, "the validation loss must improve first");

        string path = Path.Combine(folder, "early.ckpt");
        using var cancellation = new CancellationTokenSource();
        using var stopped = new LastStepDenseModel(fixture.Device, seed: 4);
        stopped.SetWeights(new float[9] { 0, 0, 0, 0, 0, 0, 0, 0, 1 });
        int stopAfter = expected.BestEpoch + 2; // past the best epoch: the best weights must come from the checkpoint
        Assert.Throws<TrainingCancelledException>(() => stopped.Fit(x, y, epochs: 200, batchSize: 16, validation: (vx, vy), options: Options(checkpoint: path, token: cancellation.Token, onEpochEnd: p =>
        {
            if (p.Epoch == stopAfter)
            {
                cancellation.Cancel();
            }
        })));
        using var resumed = new LastStepDenseModel(fixture.Device, seed: 5);
        var history = resumed.Fit(x, y, epochs: 200, batchSize: 16, validation: (vx, vy), options: Options(resume: path));

        Assert.True(history.StoppedEarly);
        Assert.Equal(expected.Epochs, history.Epochs);
        Assert.Equal(expected.BestEpoch, history.BestEpoch);
        Assert.Equal(expected.ValidationLoss, history.ValidationLoss);
        Assert.Equal(reference.GetWeights(), resumed.GetWeights());
    }

    [Fact]
    public void ABadCheckpoint_IsRefusedWithWhatIsWrong_AndLeavesTheModelUnchanged()
    {
        var (x, y) = LinearData.Make(32, 2, W, B, seed: 56);
        string good = Path.Combine(folder, "good.ckpt");
        using (var writer = new LastStepDenseModel(fixture.Device, seed: 2))
        {
            writer.Fit(x, y, epochs: 1, batchSize: 8, options: new FitOptions { CheckpointPath = good });
        }

        byte[] bytes = File.ReadAllBytes(good);
        var flipped = (byte[])bytes.Clone();
        flipped[bytes.Length / 2] ^= 0x04;
        var newer = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(newer.AsSpan(8), CheckpointFile.FormatVersion + 1);
        string otherArchitecture = Path.Combine(folder, "other.ckpt");
        using (var other = new LastStepDenseModel(fixture.Device, seed: 2, fingerprint: "another-architecture"))
        {
            other.Fit(x, y, epochs: 1, batchSize: 8, options: new FitOptions { CheckpointPath = otherArchitecture });
        }

        string weightsFile = Path.Combine(folder, "weights.seqw");
        using (var saved = new LastStepDenseModel(fixture.Device, seed: 2))
        {
            saved.Save(weightsFile);
        }

        var cases = new (string Name, byte[]? Bytes, string Expected)[]
        {
            ("truncated-header", bytes[..12], "the file is truncated: it has 12 bytes"),
            ("truncated-payload", bytes[..(bytes.Length - 5)], $"the file is truncated: its header announces {bytes.Length} bytes, but it has only {bytes.Length - 5}"),
            ("flipped", flipped, "checksum mismatch"),
            ("newer", newer, $"format version {CheckpointFile.FormatVersion + 1}, newer than the version {CheckpointFile.FormatVersion}"),
            ("trailing", bytes.Concat(new byte[] { 0, 0 }).ToArray(), "2 unexpected bytes after its checksum"),
            ("text", "not a checkpoint at all, just text"u8.ToArray(), "not a SeqDsl checkpoint"),
            ("other", null, "different architecture: checkpoint fingerprint 'another-architecture', LastStepDense fingerprint 'last-step-dense-v1'"),
            ("weights", null, "It is a weights file: load it with Load(path) instead."),
        };

        foreach (var (name, content, expectedMessage) in cases)
        {
            string path = name switch
            {
                "other" => otherArchitecture,
                "weights" => weightsFile,
                _ => Path.Combine(folder, name + ".ckpt"),
            };
            if (content is not null)
            {
                File.WriteAllBytes(path, content);
            }

            var error = AssertRefusedWithoutChange<InvalidDataException>(x, y, new FitOptions { ResumeFrom = path });
            Assert.Contains($"Cannot resume LastStepDense from the checkpoint '{path}': ", error.Message);
            Assert.Contains(expectedMessage, error.Message);
        }

        var missing = AssertRefusedWithoutChange<FileNotFoundException>(x, y, new FitOptions { ResumeFrom = Path.Combine(folder, "missing.ckpt") });
        Assert.Contains("the file does not exist", missing.Message);
    }

    [Fact]
    public void ACheckpointOfAnotherRun_IsRefusedNamingTheDifference_AndLeavesTheModelUnchanged()
    {
        var (x, y) = LinearData.Make(32, 2, W, B, seed: 57);
        string path = Path.Combine(folder, "adam.ckpt");
        using (var writer = new LastStepDenseModel(fixture.Device, seed: 2))
        {
            writer.Fit(x, y, epochs: 1, batchSize: 8, options: new FitOptions { CheckpointPath = path });
        }

        var optimizer = AssertRefusedWithoutChange<ArgumentException>(x, y, new FitOptions { ResumeFrom = path, Optimizer = Optimizer.Sgd });
        var batch = AssertRefusedWithoutChange<ArgumentException>(x, y, new FitOptions { ResumeFrom = path }, batchSize: 16);
        var (fewer, fewerY) = LinearData.Make(24, 2, W, B, seed: 58);
        var samples = AssertRefusedWithoutChange<ArgumentException>(fewer, fewerY, new FitOptions { ResumeFrom = path });

        Assert.Contains("it holds Adam state, but this Fit uses Sgd", optimizer.Message);
        Assert.Contains("written by a Fit with batchSize 8, but this Fit has 16", batch.Message);
        Assert.Equal("batchSize", batch.ParamName);
        Assert.Contains("written by a Fit on 32 samples, but x has 24", samples.Message);
    }

    [Fact]
    public void InvalidCheckpointOptions_AreRejected()
    {
        var (x, y) = LinearData.Make(8, 2, W, B, seed: 59);
        using var model = new LastStepDenseModel(fixture.Device, seed: 2);

        var every = Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(x, y, options: new FitOptions { CheckpointPath = Path.Combine(folder, "c"), CheckpointEvery = 0 }));
        var empty = Assert.Throws<ArgumentException>(() => model.Fit(x, y, options: new FitOptions { ResumeFrom = "" }));

        Assert.Contains("CheckpointEvery must be at least 1 epoch, got 0", every.Message);
        Assert.Equal("ResumeFrom", empty.ParamName);
        Assert.Empty(Directory.GetFiles(folder));
    }

    /// <summary>
    /// Fit must throw <typeparamref name="T"/>, and the model must be exactly as before: same weights, and the same
    /// generator state, which shows as the same result of a following ordinary Fit as a model that never failed.
    /// </summary>
    private T AssertRefusedWithoutChange<T>(float[,,] x, float[,] y, FitOptions options, int batchSize = 8) where T : Exception
    {
        using var model = new LastStepDenseModel(fixture.Device, seed: 21);
        using var untouched = new LastStepDenseModel(fixture.Device, seed: 21);
        var before = model.GetWeights();

        var error = Assert.Throws<T>(() => model.Fit(x, y, epochs: 3, batchSize: batchSize, options: options));

        Assert.Equal(before, model.GetWeights());
        model.Fit(x, y, epochs: 1, batchSize: 8);
        untouched.Fit(x, y, epochs: 1, batchSize: 8);
        Assert.Equal(untouched.GetWeights(), model.GetWeights());
        return error;
    }
}
