namespace SeqDsl.Kernels.Tests;

/// <summary>
/// Checkpoints with generated recurrent kernels: a run cancelled after an epoch and resumed from its checkpoint by a
/// fresh instance ends with bit-identical weights and losses to a run that never stopped.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public sealed class CheckpointResumeTests(CpuDeviceFixture fixture) : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("seqdsl-kernel-checkpoint-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Gru_stack_resumed_after_cancellation_matches_an_uninterrupted_run()
    {
        var random = new Random(5);
        var x = new float[40, 6, 2];
        var y = new float[40, 1];
        for (int s = 0; s < 40; s++)
        {
            for (int t = 0; t < 6; t++)
            {
                x[s, t, 0] = (float)(random.NextDouble() * 2 - 1);
                x[s, t, 1] = (float)(random.NextDouble() * 2 - 1);
            }

            y[s, 0] = 0.5f * x[s, 5, 0] - 0.25f * x[s, 2, 1];
        }

        const int Epochs = 4;
        using var uninterrupted = new GruStackModel(fixture.Device, seed: 8);
        var expected = uninterrupted.Fit(x, y, epochs: Epochs, batchSize: 8, options: new FitOptions { LearningRate = 0.01 });

        string path = Path.Combine(folder, "gru.ckpt");
        using var cancellation = new CancellationTokenSource();
        using var stopped = new GruStackModel(fixture.Device, seed: 8);
        Assert.Throws<TrainingCancelledException>(() => stopped.Fit(x, y, epochs: Epochs, batchSize: 8, options: new FitOptions
        {
            LearningRate = 0.01,
            CheckpointPath = path,
            CancellationToken = cancellation.Token,
            OnEpochEnd = p =>
            {
                if (p.Epoch == 2)
                {
                    cancellation.Cancel();
                }
            },
        }));

        using var resumed = new GruStackModel(fixture.Device, seed: 99);
        var history = resumed.Fit(x, y, epochs: Epochs, batchSize: 8, options: new FitOptions { LearningRate = 0.01, ResumeFrom = path });

        Assert.Equal(expected.Loss, history.Loss);
        Assert.Equal(uninterrupted.GetWeights(), resumed.GetWeights());
    }
}
