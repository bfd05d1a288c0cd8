using System.Reflection;
using SeqDsl.Engine;
using static SeqDsl.Cell;

namespace SeqDsl.Kernels.Tests;

// A recurrent kernel too large for static shared memory (GRU(64): 64 × 192 floats = 48 KB, plus the state arrays):
// its group kernels read the recurrent kernel from global memory. Not the first layer, so it also propagates to its input.
[SequenceModel(InputFeatures = 2)]
[Recurrent(SimpleRNN, 3, ReturnSequences = true)]
[Recurrent(GRU, 64)]
[Dense(1)]
public partial class WideGruModel { }

// Gates wider than 128 columns in whole blocks of 64 (LSTM(48) and a reset-before GRU(64): 192 columns): the thread
// schedule's forward products run one block of columns at a time (RecurrentEmitter.ColumnBlock); WideGruModel covers
// the reset-after GRU. CellNumericsTests checks this model's forward against the double reference.
[SequenceModel(InputFeatures = 2)]
[Recurrent(LSTM, 48, ReturnSequences = true)]
[Recurrent(GRU, 64, ResetAfter = false)]
[Dense(1)]
public partial class BlockedGateColumnsModel { }

// The same blocks in layers without group kernels: a bidirectional LSTM(48) and a GRU(64) going backwards with
// recurrent dropout (masks read in the products' loads).
[SequenceModel(InputFeatures = 2)]
[Bidirectional(LSTM, 48, ReturnSequences = true)]
[Recurrent(GRU, 64, GoBackwards = true, RecurrentDropout = 0.2)]
[Dense(1)]
public partial class BlockedGateColumnsVariantsModel { }

// Rows of more than 128 gate columns, so the CPU partial-sum kernels give each thread four rows of one kind: 3 and 5
// features (one block of 3 or 4 + 1 rows), 33, 34, 43, 45, 46 units (blocks of 4 and a last block of 1, 2 or 3 rows).
// Stateful, dropout with reset-before GRU and GoBackwards, and bidirectional layers have no group kernels, so their
// two schedules differ only in the weight-gradient partials (see Per_column_and_per_row_partials_give_the_same_bits).
[SequenceModel(InputFeatures = 3, BatchSize = 3)]
[Recurrent(LSTM, 33, Stateful = true, ReturnSequences = true)]
[Recurrent(GRU, 45, Stateful = true, ResetAfter = false)]
[Dense(1)]
public partial class WideStatefulModel { }

[SequenceModel(InputFeatures = 3, Loss = Loss.Mae)]
[Recurrent(GRU, 45, ResetAfter = false, Dropout = 0.3, RecurrentDropout = 0.4, ReturnSequences = true)]
[Recurrent(GRU, 46, ResetAfter = false, RecurrentDropout = 0.3, GoBackwards = true)]
[Dense(1)]
public partial class WideDropoutGruResetBeforeModel { }

// Rows in whole tiles of 16 gate columns (LSTM(36): 144; GRU(48): 144), so ILGPU devices run the tiled partial sums
// (RecurrentEmitter.TileColumns): 37 steps make two whole chunks of 16 steps and a partial one, 3 features a block of
// 3 kernel rows. Stateful layers' recurrent sums start at step 0 (h(−1) is the carried state); the reset-before GRUs'
// candidate tiles scale their multipliers by r; dropout masks the multipliers.
[SequenceModel(InputFeatures = 3, InputSteps = 37, BatchSize = 3)]
[Recurrent(LSTM, 36, Stateful = true, ReturnSequences = true)]
[Recurrent(GRU, 48, Stateful = true, ResetAfter = false)]
[Dense(1)]
public partial class TiledStatefulModel { }

[SequenceModel(InputFeatures = 3, InputSteps = 37)]
[Recurrent(GRU, 48, ResetAfter = false, Dropout = 0.3, RecurrentDropout = 0.4, ReturnSequences = true)]
[Recurrent(LSTM, 36, Dropout = 0.2, GoBackwards = true)]
[Dense(1)]
public partial class TiledDropoutModel { }

// Rows in whole blocks of 16, so the tiled partials give each thread 16 rows kept as vectors (RecurrentEmitter.VectorRows):
// 16 input features in vectors with a reset-before GRU(48)'s units in blocks of four (r(t) ⊙ h(t−1)); then 48 features
// and LSTM(64)'s units, both in vectors, no bias rows, going backwards; then a bidirectional GRU(48), both directions in
// vectors. GRU(48)'s 144 columns go in tiles of 6, LSTM(64)'s 256 in tiles of 4. None of these layers has group kernels.
[SequenceModel(InputFeatures = 16, InputSteps = 37)]
[Recurrent(GRU, 48, ResetAfter = false, ReturnSequences = true)]
[Recurrent(LSTM, 64, UseBias = false, GoBackwards = true, ReturnSequences = true)]
[Bidirectional(GRU, 48)]
[Dense(1)]
public partial class RowVectorPartialsModel { }

// One side in row vectors and the other in blocks of four rows in the same kernel: 3 input features (blocks) with
// GRU(48)'s units (vectors), then 96 features (vectors) with a recurrent-dropout GRU's units (blocks: masked multipliers).
[SequenceModel(InputFeatures = 3, InputSteps = 37)]
[Bidirectional(GRU, 48, ReturnSequences = true)]
[Recurrent(GRU, 48, RecurrentDropout = 0.3, GoBackwards = true)]
[Dense(1)]
public partial class MixedRowVectorPartialsModel { }

[SequenceModel(InputFeatures = 5)]
[Bidirectional(LSTM, 34, ReturnSequences = true)]
[Bidirectional(GRU, 43, MergeMode = MergeMode.Sum)]
[Dense(2)]
public partial class WideBidirectionalModel { }

/// <summary>PoCL for the schedule tests, or null (with the reason) where it is missing and that is explicitly allowed.</summary>
public sealed class PoclScheduleFixture : IDisposable
{
    public PoclScheduleFixture()
    {
        try
        {
            Device = SeqDevice.PoCL();
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("SEQDSL_REQUIRE_POCL") == "0")
        {
            // A machine without PoCL (CI installs it, so this branch does not run there).
            Missing = e.Message;
        }
    }

    public SeqDevice? Device { get; }

    public string? Missing { get; }

    public void Dispose() => Device?.Dispose();
}

/// <summary>
/// The two kernel schedules of the recurrent layers (one thread per sequence for CPU backends, or four per thread in
/// wide plain layers such as WideGruModel's GRU(64), and one group per sequence for GPUs) compute the same predictions, loss and gradients, on ILGPU's CPU accelerator (groups of 2 threads, so
/// every thread strides over several columns) and on PoCL (full groups with real barriers). The group kernels'
/// PTX compile is covered by <see cref="BackendTests"/>, which compiles every kernel of every model here.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class ScheduleTests : IClassFixture<PoclScheduleFixture>
{
    private const double Tolerance = 1e-5;

    private readonly SeqDevice cpu;
    private readonly PoclScheduleFixture pocl;

    public ScheduleTests(CpuDeviceFixture cpuFixture, PoclScheduleFixture poclFixture)
    {
        cpu = cpuFixture.Device;
        pocl = poclFixture;
    }

    public static TheoryData<string> Models => new()
    {
        nameof(LstmSequenceModel),
        nameof(LstmStackModel),
        nameof(GruStackModel),
        nameof(GruDenseModel),
        nameof(SimpleRnnStackModel),
        nameof(WideGruModel),
        nameof(BlockedGateColumnsModel),
    };

    /// <summary>
    /// Models whose recurrent layers have no group kernels (stateful, dropout with reset-before GRU and GoBackwards,
    /// bidirectional), so the two schedules differ only in the weight-gradient partials: per row or block of four rows (CPU;
    /// in chunks of steps and tiles of columns where the columns make whole tiles, as in the Tiled models) or per column
    /// (GPU), and the partials' sums: 16 consecutive weights per thread (CPU) or one (GPU). Both add the same terms in the
    /// same order, so the gradients must agree to the last bit. (Convolutions: ConvPerValueScheduleTests and ConvStackTests.)
    /// </summary>
    [Theory]
    [InlineData(typeof(StatefulModel))]
    [InlineData(typeof(DropoutGruResetBeforeModel))]
    [InlineData(typeof(BidirectionalModel))]
    [InlineData(typeof(WideStatefulModel))]
    [InlineData(typeof(WideDropoutGruResetBeforeModel))]
    [InlineData(typeof(WideBidirectionalModel))]
    [InlineData(typeof(BlockedGateColumnsVariantsModel))]
    [InlineData(typeof(TiledStatefulModel))]
    [InlineData(typeof(TiledDropoutModel))]
    [InlineData(typeof(RowVectorPartialsModel))]
    [InlineData(typeof(MixedRowVectorPartialsModel))]
    public void Per_column_and_per_row_partials_give_the_same_bits(Type model)
    {
        DeviceComparison.Compare(model, cpu.WithSchedule(KernelSchedule.ThreadPerSequence), cpu.WithSchedule(KernelSchedule.GroupPerSequence))
            .AssertSameBits("the CPU accelerator");
    }

    /// <summary>
    /// The same comparison on PoCL for the models whose partials run tiled in the thread schedule: LLVM compiles the
    /// tiled kernel there (its sums kept in registers, as vectors in the row-vector blocks), and it must still give the
    /// per-column kernel's bits.
    /// </summary>
    [Theory]
    [InlineData(typeof(TiledStatefulModel))]
    [InlineData(typeof(TiledDropoutModel))]
    [InlineData(typeof(BlockedGateColumnsVariantsModel))]
    [InlineData(typeof(RowVectorPartialsModel))]
    [InlineData(typeof(MixedRowVectorPartialsModel))]
    public void Tiled_and_per_column_partials_give_the_same_bits_on_PoCL(Type model)
    {
        if (pocl.Device is null)
        {
            Console.WriteLine("PoCL unavailable: " + pocl.Missing);
            return;
        }

        DeviceComparison.Compare(model, pocl.Device.WithSchedule(KernelSchedule.ThreadPerSequence), pocl.Device.WithSchedule(KernelSchedule.GroupPerSequence))
            .AssertSameBits("PoCL");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Group_schedule_matches_thread_schedule_on_the_CPU_accelerator(string model) => CompareSchedules(cpu, model);

    [Theory]
    [MemberData(nameof(Models))]
    public void Group_schedule_matches_thread_schedule_on_PoCL(string model)
    {
        if (pocl.Device is null)
        {
            Console.WriteLine("PoCL unavailable: " + pocl.Missing);
            return;
        }

        CompareSchedules(pocl.Device, model);
    }

    [Fact]
    public void Devices_pick_host_code_on_the_CPU_accelerator_and_the_thread_schedule_on_PoCL_unless_told_otherwise()
    {
        if (Environment.GetEnvironmentVariable("SEQDSL_SCHEDULE") is null)
        {
            Assert.Equal(KernelSchedule.HostCode, cpu.Schedule);
            Assert.Equal(KernelSchedule.ThreadPerSequence, pocl.Device?.Schedule ?? KernelSchedule.ThreadPerSequence);
        }

        var grouped = cpu.WithSchedule(KernelSchedule.GroupPerSequence);
        Assert.Equal(KernelSchedule.GroupPerSequence, grouped.Schedule);
        Assert.Same(cpu.Accelerator, grouped.Accelerator);
        grouped.Dispose(); // owns nothing: the shared accelerator stays usable
        using var model = new GruDenseModel(cpu, seed: 1);
        Assert.Equal(3, model.Predict(Inputs(3, 4, 1, seed: 9)).GetLength(0));
    }

    private static void CompareSchedules(SeqDevice device, string name)
    {
        using var threaded = Create(name, device.WithSchedule(KernelSchedule.ThreadPerSequence), seed: 17);
        using var grouped = Create(name, device.WithSchedule(KernelSchedule.GroupPerSequence), seed: 17);
        int features = threaded.Description.InputFeatures;
        const int samples = 5, steps = 6;
        var x = Inputs(samples, steps, features, seed: 3);

        var expected = Predict(threaded, x);
        var actual = Predict(grouped, x);
        Assert.False(UsesGroupKernels(threaded));
        Assert.True(UsesGroupKernels(grouped));
        AssertClose(expected, actual, "predictions");

        // Targets shaped like the predictions, off by a little, so the loss and its gradient are not zero.
        var random = new Random(11);
        var targets = expected.Select(v => v + (float)(random.NextDouble() - 0.5)).ToArray();
        var y = new TensorData(targets, samples, threaded.Description.OutputIsSequence ? steps : 1, threaded.Description.OutputFeatures, threaded.Description.OutputIsSequence ? 3 : 2, "y");
        var (gradientsThread, lossThread) = threaded.ComputeGradients(TensorData.From(x), y);
        var (gradientsGroup, lossGroup) = grouped.ComputeGradients(TensorData.From(x), y);
        Assert.True(Math.Abs(lossThread - lossGroup) <= Tolerance * Math.Max(1, Math.Abs(lossThread)), $"{name} on {device}: loss {lossThread} vs {lossGroup}");
        Assert.Contains(gradientsThread, g => g != 0f);
        foreach (var tensor in threaded.Parameters)
        {
            AssertClose(gradientsThread.AsSpan(tensor.Offset, tensor.Length).ToArray(), gradientsGroup.AsSpan(tensor.Offset, tensor.Length).ToArray(), name + " gradient of " + tensor.Layer + "/" + tensor.Name);
        }
    }

    private static ModelBase Create(string name, SeqDevice device, int seed) => name switch
    {
        nameof(LstmSequenceModel) => new LstmSequenceModel(device, seed),
        nameof(LstmStackModel) => new LstmStackModel(device, seed),
        nameof(GruStackModel) => new GruStackModel(device, seed),
        nameof(GruDenseModel) => new GruDenseModel(device, seed),
        nameof(SimpleRnnStackModel) => new SimpleRnnStackModel(device, seed),
        nameof(WideGruModel) => new WideGruModel(device, seed),
        nameof(BlockedGateColumnsModel) => new BlockedGateColumnsModel(device, seed),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown test model"),
    };

    private static float[,,] Inputs(int samples, int steps, int features, int seed)
    {
        var random = new Random(seed);
        var x = new float[samples, steps, features];
        for (int i = 0; i < samples; i++) for (int t = 0; t < steps; t++) for (int f = 0; f < features; f++) x[i, t, f] = (float)(random.NextDouble() * 2 - 1);
        return x;
    }

    /// <summary>The generated typed Predict (its return rank depends on the model).</summary>
    private static float[] Predict(ModelBase model, float[,,] x)
    {
        var predict = model.GetType().GetMethod("Predict", new[] { typeof(float[,,]), typeof(int) })!;
        return ((Array)predict.Invoke(model, new object[] { x, 256 })!).Cast<float>().ToArray();
    }

    /// <summary>Which kernels the model's generated program loaded (its private flag), so a test cannot pass by running one schedule twice.</summary>
    private static bool UsesGroupKernels(ModelBase model)
    {
        var program = typeof(ModelBase).GetProperty("Program", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(model)!;
        var flag = program.GetType().GetField("groupPerSequence", BindingFlags.NonPublic | BindingFlags.Instance);
        Assert.True(flag is not null, program.GetType().FullName + " has no schedule flag: no layer got GPU kernel variants");
        return (bool)flag.GetValue(program)!;
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double diff = 0, norm = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(float.IsFinite(actual[i]), $"{what}[{i}] is {actual[i]}");
            diff += (expected[i] - actual[i]) * (double)(expected[i] - actual[i]);
            norm += expected[i] * (double)expected[i];
        }

        Assert.True(Math.Sqrt(diff) <= Tolerance * Math.Max(Math.Sqrt(norm), 1e-6), $"{what}: relative difference {Math.Sqrt(diff / Math.Max(norm, 1e-30)):E2} (norm {Math.Sqrt(norm):E2})");
    }
}
