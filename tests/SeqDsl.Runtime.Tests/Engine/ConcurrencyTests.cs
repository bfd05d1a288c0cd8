namespace SeqDsl.Runtime.Tests.Engine;

/// <summary>
/// One model instance used from several threads: inference calls are serialized and all answer correctly; while
/// Fit trains, other threads' calls fail at once with a clear message and change nothing.
/// </summary>
[Collection(EngineCollection.Name)]
public sealed class ConcurrencyTests(CpuDeviceFixture fixture)
{
    private static readonly double[,] W = { { 2.0, -1.0 }, { 0.5, 1.5 }, { -0.75, 0.25 } };
    private static readonly double[] B = { 0.5, -0.3 };
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PredictAndEvaluate_FromManyThreadsAtOnce_EachAnswerAsIfAlone()
    {
        var (x, y) = LinearData.Make(48, 3, W, B, seed: 61);
        var (other, otherY) = LinearData.Make(20, 3, W, B, seed: 62);
        using var model = new LastStepDenseModel(fixture.Device, seed: 2);
        var expectedX = model.Predict(x, batchSize: 7);
        var expectedOther = model.Predict(other, batchSize: 64);
        double expectedLoss = model.Evaluate(other, otherY, batchSize: 5).Loss;
        const int Threads = 6;
        using var start = new Barrier(Threads);

        var tasks = Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            start.SignalAndWait(Patience);
            for (int i = 0; i < 5; i++)
            {
                // Different inputs and batch sizes per thread: shared buffers that leaked between calls would show.
                if (t % 3 == 0)
                {
                    Assert.Equal(expectedX, model.Predict(x, batchSize: 7));
                }
                else if (t % 3 == 1)
                {
                    Assert.Equal(expectedOther, model.Predict(other, batchSize: 64));
                }
                else
                {
                    Assert.Equal(expectedLoss, model.Evaluate(other, otherY, batchSize: 5).Loss);
                }
            }
        })).ToArray();
        await Task.WhenAll(tasks).WaitAsync(Patience);
    }

    [Fact]
    public async Task WhileFitTrains_OtherThreadsCallsThrowAtOnce_AndChangeNothing()
    {
        var (x, y) = LinearData.Make(32, 3, W, B, seed: 63);
        using var model = new LastStepDenseModel(fixture.Device, seed: 2);
        using var reference = new LastStepDenseModel(fixture.Device, seed: 2);
        using var training = new ManualResetEventSlim();
        using var attemptsDone = new ManualResetEventSlim();
        string path = Path.Combine(Path.GetTempPath(), $"seqdsl-concurrency-{Guid.NewGuid():N}.seqw");
        model.Save(path);

        var fit = Task.Run(() => model.Fit(x, y, epochs: 3, batchSize: 8, options: new FitOptions
        {
            OnEpochEnd = p =>
            {
                if (p.Epoch == 2)
                {
                    training.Set();
                    Assert.True(attemptsDone.Wait(Patience), "the other thread's attempts did not finish");
                }
            },
        }));
        Assert.True(training.Wait(Patience), "Fit did not reach its second epoch");

        var attempts = new (string Name, Action Call)[]
        {
            ("Predict", () => model.Predict(x)),
            ("PredictWithUncertainty", () => model.PredictWithUncertainty(x)),
            ("ResetStates", () => model.ResetStates()),
            ("Evaluate", () => model.Evaluate(x, y)),
            ("GetWeights", () => model.GetWeights()),
            ("SetWeights", () => model.SetWeights(new float[model.ParameterCount])),
            ("Save", () => model.Save(new MemoryStream())),
            ("Load", () => model.Load(path)),
            ("Fit", () => model.Fit(x, y)),
        };
        var errors = await Task.Run(() => attempts.Select(a => (a.Name, Error: Record.Exception(a.Call))).ToArray());
        attemptsDone.Set();
        var history = await fit.WaitAsync(Patience);
        File.Delete(path);

        Assert.All(errors, e =>
        {
            var error = Assert.IsType<InvalidOperationException>(e.Error);
            Assert.Contains("LastStepDense is being trained by Fit on another thread", error.Message);
            Assert.Contains("Wait for Fit to return", error.Message);
        });
        Assert.Equal(3, history.Epochs);
        // Nothing the other thread tried reached the model: it trained exactly as an undisturbed twin.
        reference.Fit(x, y, epochs: 3, batchSize: 8);
        Assert.Equal(reference.GetWeights(), model.GetWeights());
        Assert.Equal(reference.Predict(x), model.Predict(x)); // and it is usable again afterwards
    }

    [Fact]
    public void FitCallbacks_MayReadTheModel_ButNotStartAnotherFit()
    {
        var (x, y) = LinearData.Make(16, 3, W, B, seed: 64);
        using var model = new LastStepDenseModel(fixture.Device, seed: 2);
        Exception? nested = null;
        float[,]? predicted = null;
        float[]? weights = null;

        model.Fit(x, y, epochs: 1, batchSize: 8, options: new FitOptions
        {
            OnEpochEnd = _ =>
            {
                weights = model.GetWeights();
                predicted = model.Predict(x);
                nested = Record.Exception(() => model.Fit(x, y));
            },
        });

        var error = Assert.IsType<InvalidOperationException>(nested);
        Assert.Contains("Fit was called on LastStepDense from inside one of its own callbacks", error.Message);
        Assert.Equal(model.GetWeights(), weights);
        Assert.Equal(model.Predict(x), predicted);
        model.Fit(x, y, epochs: 1, batchSize: 8); // the failed nested call left no training mark behind
    }

    [Fact]
    public async Task AFitThatFails_LeavesNoTrainingMarkBehind()
    {
        var (x, y) = LinearData.Make(16, 3, W, B, seed: 65);
        using var model = new LastStepDenseModel(fixture.Device, seed: 2);
        Assert.Throws<InvalidOperationException>(() => model.Fit(x, y, options: new FitOptions { OnEpochEnd = _ => throw new InvalidOperationException("callback failed") }));

        var fromOtherThread = await Task.Run(() => model.Predict(x));

        Assert.Equal(model.Predict(x), fromOtherThread);
    }
}
