using System.Reflection;
using SeqDsl.Engine;
using static SeqDsl.Cell;

namespace SeqDsl.Kernels.Tests;

// Classifiers whose whole training pass runs in one kernel on CPU devices: the head stores its logits for the loss kernel.
[SequenceModel(InputFeatures = 2, Loss = Loss.SparseCategoricalCrossEntropy)]
[Recurrent(GRU, 6, ReturnSequences = true)]
[TimeDistributed(Dense = 4, Activation = Activation.Softmax)]
public partial class TrainingPassSequenceClassifier { }

[SequenceModel(InputFeatures = 2, Loss = Loss.BinaryCrossEntropy)]
[Recurrent(SimpleRNN, 5, ReturnSequences = true)]
[Recurrent(LSTM, 4)]
[Dense(2, Activation = Activation.Sigmoid)]
public partial class TrainingPassBinaryClassifier { }

// Linear outputs are the logits themselves: the loss kernel reads the predictions twice.
[SequenceModel(InputFeatures = 2, Loss = Loss.SparseCategoricalCrossEntropy)]
[Recurrent(LSTM, 5)]
[Dense(3)]
public partial class TrainingPassLogitsClassifier { }

/// <summary>
/// The training-pass kernel (Emit.Kernels.TrainingPassKernel): on PoCL's thread schedule, models of narrow
/// recurrent layers under a Dense head run a batch's forward, loss and backward in one launch, a thread per sequence.
/// Each sequence runs each layer kernel's own loop, so training must give the bits of the separate launches: the same
/// model with the kernel's launcher removed (its program then calls Forward, ComputeLoss and Backward) is the reference.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class TrainingPassTests : IClassFixture<PoclScheduleFixture>
{
    private readonly SeqDevice cpu;
    private readonly PoclScheduleFixture pocl;

    public TrainingPassTests(CpuDeviceFixture cpuFixture, PoclScheduleFixture poclFixture)
    {
        cpu = cpuFixture.Device;
        pocl = poclFixture;
    }

    public static TheoryData<Type> Models => new()
    {
        typeof(LstmSequenceModel), // one LSTM, a TimeDistributed head: its partials per sample inside the pass
        typeof(LstmStackModel), // a Dense head on the last state: its weight gradients after the pass
        typeof(GruStackModel), // MAE
        typeof(SimpleRnnStackModel), // Huber, a tanh head
        typeof(DeepRnn),
        typeof(TrainingPassSequenceClassifier),
        typeof(TrainingPassBinaryClassifier),
        typeof(TrainingPassLogitsClassifier),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Training_gives_the_bits_of_the_separate_launches_on_PoCL(Type model)
    {
        if (pocl.Device is null)
        {
            Console.WriteLine("PoCL unavailable: " + pocl.Missing);
            return;
        }

        AssertSameTraining(model, pocl.Device.WithSchedule(KernelSchedule.ThreadPerSequence), "PoCL", samples: 10, batchSize: 4, shuffle: false);
    }

    /// <summary>Shuffled batches of 16 sequences over 40 samples: more groups than PoCL has workers, in a new order each epoch.</summary>
    [Fact]
    public void Shuffled_batches_give_the_bits_of_the_separate_launches_on_PoCL()
    {
        if (pocl.Device is null)
        {
            Console.WriteLine("PoCL unavailable: " + pocl.Missing);
            return;
        }

        AssertSameTraining(typeof(SimpleRnnStackModel), pocl.Device.WithSchedule(KernelSchedule.ThreadPerSequence), "PoCL", samples: 40, batchSize: 16, shuffle: true);
    }

    [Fact]
    public void Only_the_thread_schedule_on_PoCL_loads_the_kernel()
    {
        foreach (var schedule in new[] { KernelSchedule.ThreadPerSequence, KernelSchedule.HostCode, KernelSchedule.GroupPerSequence })
        {
            using var onCpu = new LstmStackModel(cpu.WithSchedule(schedule), seed: 1);
            Assert.Null(TrainingPassLauncher(onCpu)); // ILGPU's CPU accelerator builds launchers that may not see the private views struct
        }

        if (pocl.Device is not null)
        {
            using var threaded = new LstmStackModel(pocl.Device.WithSchedule(KernelSchedule.ThreadPerSequence), seed: 1);
            Assert.NotNull(TrainingPassLauncher(threaded));
            using var grouped = new LstmStackModel(pocl.Device.WithSchedule(KernelSchedule.GroupPerSequence), seed: 1);
            Assert.Null(TrainingPassLauncher(grouped));
        }

        // A model with a layer the pass does not cover (a Dense between the GRU and the head) has no such kernel at all.
        using var other = new GruDenseModel(cpu.WithSchedule(KernelSchedule.ThreadPerSequence), seed: 1);
        Assert.Null(ProgramOf(other).GetType().GetField("trainingPass", BindingFlags.NonPublic | BindingFlags.Instance));
    }

    /// <summary>
    /// Trains two copies of <paramref name="modelType"/> from one seed on <paramref name="device"/> for two epochs of
    /// <paramref name="batchSize"/> over <paramref name="samples"/> samples (10 and 4: the last batch short), one with the
    /// training-pass kernel and one without, and asserts the same losses and weights to the bit; then the same for one
    /// gradient computation after the training.
    /// </summary>
    private static void AssertSameTraining(Type modelType, SeqDevice device, string where, int samples, int batchSize, bool shuffle)
    {
        using var fused = (ModelBase)Activator.CreateInstance(modelType, device, 5)!;
        using var separate = (ModelBase)Activator.CreateInstance(modelType, device, 5)!;
        Assert.NotNull(TrainingPassLauncher(fused));
        RemoveTrainingPass(separate);

        var d = fused.Description;
        const int steps = 6;
        var x = Inputs(samples, steps, d.InputFeatures);
        var y = Targets(modelType, samples, d.OutputIsSequence ? steps : 1, d.OutputFeatures, d.OutputIsSequence);
        var fusedHistory = Fit(fused, x, y, batchSize, new FitOptions { Shuffle = shuffle });
        var separateHistory = Fit(separate, x, y, batchSize, new FitOptions { Shuffle = shuffle });

        Assert.Equal(separateHistory.Loss, fusedHistory.Loss);
        Assert.True(fusedHistory.Loss.All(double.IsFinite), $"{modelType.Name} on {where}: losses {string.Join(", ", fusedHistory.Loss)}");
        var fusedWeights = fused.GetWeights();
        var separateWeights = separate.GetWeights();
        Assert.Equal(separateWeights.Length, fusedWeights.Length);
        for (int i = 0; i < fusedWeights.Length; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(separateWeights[i]) == BitConverter.SingleToInt32Bits(fusedWeights[i]),
                $"{modelType.Name} on {where}: weight {i} is {fusedWeights[i]:R} with the training-pass kernel, {separateWeights[i]:R} without");
        }

        using (var initial = Create(modelType, device))
        {
            Assert.NotEqual(initial.GetWeights(), fusedWeights); // the training moved the weights
        }

        var (fusedGradients, fusedLoss) = fused.ComputeGradients(TensorData.From(x), y);
        var (separateGradients, separateLoss) = separate.ComputeGradients(TensorData.From(x), y);
        Assert.Equal(separateLoss, fusedLoss);
        Assert.Contains(fusedGradients, g => g != 0f);
        Assert.Equal(separateGradients.Select(BitConverter.SingleToInt32Bits), fusedGradients.Select(BitConverter.SingleToInt32Bits));
    }

    private static ModelBase Create(Type modelType, SeqDevice device) => (ModelBase)Activator.CreateInstance(modelType, device, 5)!;

    private static History Fit(ModelBase model, float[,,] x, TensorData y, int batchSize, FitOptions options)
    {
        var fit = typeof(ModelBase).GetMethod("FitCore", BindingFlags.NonPublic | BindingFlags.Instance)!;
        return (History)fit.Invoke(model, new object?[] { TensorData.From(x), y, 2, batchSize, null, null, options })!;
    }

    private static NetworkProgram ProgramOf(ModelBase model) => DeviceComparison.ProgramOf(model);

    /// <summary>The program's training-pass launcher (null where it is not loaded).</summary>
    private static object? TrainingPassLauncher(ModelBase model)
    {
        var program = ProgramOf(model);
        var field = program.GetType().GetField("trainingPass", BindingFlags.NonPublic | BindingFlags.Instance);
        Assert.True(field is not null, program.GetType().FullName + " has no training-pass kernel");
        return field.GetValue(program);
    }

    /// <summary>Unloads the training-pass kernel, so the program runs the pass as its separate launches.</summary>
    private static void RemoveTrainingPass(ModelBase model)
    {
        var program = ProgramOf(model);
        program.GetType().GetField("trainingPass", BindingFlags.NonPublic | BindingFlags.Instance)!.SetValue(program, null);
        Assert.Null(TrainingPassLauncher(model));
    }

    private static float[,,] Inputs(int samples, int steps, int features)
    {
        var random = new Random(3);
        var x = new float[samples, steps, features];
        for (int i = 0; i < samples; i++) for (int t = 0; t < steps; t++) for (int f = 0; f < features; f++) x[i, t, f] = (float)(random.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>Targets the model's loss takes: class indices, 0/1 labels, or values in (−1, 1).</summary>
    private static TensorData Targets(Type modelType, int samples, int steps, int outputs, bool sequence)
    {
        var random = new Random(7);
        bool sparse = modelType == typeof(TrainingPassSequenceClassifier) || modelType == typeof(TrainingPassLogitsClassifier);
        int width = sparse ? 1 : outputs;
        var values = new float[samples * steps * width];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = sparse ? random.Next(outputs) : modelType == typeof(TrainingPassBinaryClassifier) ? random.Next(2) : (float)(random.NextDouble() * 2 - 1);
        }

        return new TensorData(values, samples, steps, width, sequence ? 3 : 2, "y");
    }
}
