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

    [Fact]
    public void Dropout_classifier_resumed_keeps_its_masks_and_its_accuracy_history()
    {
        // Dropout draws its masks from the training generator, and a classification loss reports accuracy per epoch:
        // both must survive the checkpoint for the resumed run to match.
        var random = new Random(17);
        var x = new float[48, 4, 2];
        var y = new float[48, 1];
        for (int s = 0; s < 48; s++)
        {
            for (int t = 0; t < 4; t++)
            {
                x[s, t, 0] = (float)(random.NextDouble() * 2 - 1);
                x[s, t, 1] = (float)(random.NextDouble() * 2 - 1);
            }

            y[s, 0] = x[s, 3, 0] > 0.3f ? 2 : x[s, 3, 0] < -0.3f ? 0 : 1;
        }

        const int Epochs = 4;
        var validation = (x, y);
        using var uninterrupted = new DropoutLogitsClassifier(fixture.Device, seed: 3);
        var expected = uninterrupted.Fit(x, y, epochs: Epochs, batchSize: 12, validation: validation);
        Assert.Equal(Epochs, expected.Accuracy.Count);

        string path = Path.Combine(folder, "classifier.ckpt");
        using var cancellation = new CancellationTokenSource();
        using var stopped = new DropoutLogitsClassifier(fixture.Device, seed: 3);
        Assert.Throws<TrainingCancelledException>(() => stopped.Fit(x, y, epochs: Epochs, batchSize: 12, validation: validation, options: new FitOptions
        {
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

        using var resumed = new DropoutLogitsClassifier(fixture.Device, seed: 50);
        var history = resumed.Fit(x, y, epochs: Epochs, batchSize: 12, validation: validation, options: new FitOptions { ResumeFrom = path });

        Assert.Equal(expected.Loss, history.Loss);
        Assert.Equal(expected.Accuracy, history.Accuracy);
        Assert.Equal(expected.ValidationAccuracy, history.ValidationAccuracy);
        Assert.Equal(uninterrupted.GetWeights(), resumed.GetWeights());
    }
}
