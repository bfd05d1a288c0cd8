using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using SeqDsl.Engine;
using static SeqDsl.Cell;

namespace SeqDsl.Kernels.Tests;

// The CPU thread schedule's block kernels (a thread per four sequences, RecurrentEmitter.SequenceBlocks) run the layers
// whose gates are wider than 128 columns: LSTM(33)'s 132 columns are 8 blocks of 16 and 4 after them, its transposed rows
// of 40 two blocks and 8; LSTM(40)'s 160 are whole blocks; the later layer also computes its input gradient.
[SequenceModel(InputFeatures = 3)]
[Recurrent(LSTM, 33, ReturnSequences = true)]
[Recurrent(LSTM, 40)]
[Dense(2)]
public partial class SequenceBlocksLstmModel { }

// Reset-after GRUs of 129 and 144 gate columns (blocks and a remainder of one column, or whole blocks) and a SimpleRNN
// of 130, returning sequences to a time-distributed head; the GRU(5) between them has no block kernels.
[SequenceModel(InputFeatures = 2)]
[Recurrent(GRU, 43, ReturnSequences = true)]
[Recurrent(GRU, 5, ReturnSequences = true)]
[Recurrent(GRU, 48, ReturnSequences = true)]
[Recurrent(SimpleRNN, 130, ReturnSequences = true)]
[TimeDistributed(Dense = 1)]
public partial class SequenceBlocksGruModel { }

// A last recurrent layer with the loss gradient fused into its backward (no group kernels, but block kernels): the
// prediction is the last state (LSTM(33)), or every state (GRU(43) returning sequences, Mae).
[SequenceModel(InputFeatures = 2)]
[Recurrent(GRU, 9, ReturnSequences = true)]
[Recurrent(LSTM, 33)]
public partial class SequenceBlocksFusedLossModel { }

[SequenceModel(InputFeatures = 2, Loss = Loss.Mae)]
[Recurrent(SimpleRNN, 6, ReturnSequences = true)]
[Recurrent(GRU, 43, ReturnSequences = true)]
public partial class SequenceBlocksFusedSequenceLossModel { }

// One wide layer that is both the first (its input read through the batch's rows, no input gradient) and the last
// (the Huber loss gradient fused in, at every step), without a bias and with non-default activations.
[SequenceModel(InputFeatures = 3, Loss = Loss.Huber)]
[Recurrent(LSTM, 33, UseBias = false, Activation = Activation.Sigmoid, RecurrentActivation = Activation.Tanh, ReturnSequences = true)]
public partial class SequenceBlocksOnlyLayerModel { }

/// <summary>
/// The block kernels against the one-sequence kernels they replace on the CPU thread schedule: the same sums in the
/// same order, so predictions, loss and every gradient must agree to the last bit, for a whole block and a partial one
/// (5 = 4 + 1, 7, 9), whole blocks (8), and four blocks (13 = three whole blocks and one sequence). The blocked side
/// counts its block launches, so a launch that always fell back to the one-sequence kernel would fail.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class SequenceBlockTests : IClassFixture<PoclScheduleFixture>
{
    private readonly SeqDevice cpu;
    private readonly PoclScheduleFixture pocl;

    public SequenceBlockTests(CpuDeviceFixture cpuFixture, PoclScheduleFixture poclFixture)
    {
        cpu = cpuFixture.Device;
        pocl = poclFixture;
    }

    public static TheoryData<Type, int> Cases => new()
    {
        { typeof(SequenceBlocksLstmModel), 5 },
        { typeof(SequenceBlocksLstmModel), 13 },
        { typeof(SequenceBlocksGruModel), 5 },
        { typeof(SequenceBlocksGruModel), 8 },
        { typeof(WideGruModel), 6 },
        { typeof(SequenceBlocksFusedLossModel), 7 },
        { typeof(SequenceBlocksFusedSequenceLossModel), 9 },
        { typeof(SequenceBlocksOnlyLayerModel), 6 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Block_kernels_give_the_bits_of_the_one_sequence_kernels_on_the_CPU_accelerator(Type model, int batch) =>
        AssertSameBits(cpu.WithSchedule(KernelSchedule.ThreadPerSequence), model, batch);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Block_kernels_give_the_bits_of_the_one_sequence_kernels_on_PoCL(Type model, int batch)
    {
        if (pocl.Device is null)
        {
            Console.WriteLine("PoCL unavailable: " + pocl.Missing);
            return;
        }

        AssertSameBits(pocl.Device, model, batch);
    }

    /// <summary>Only the CPU thread schedule loads block kernels: not host code, and not the GPU schedule.</summary>
    [Fact]
    public void Only_the_thread_schedule_on_a_CPU_loads_block_kernels()
    {
        using (var threaded = new SequenceBlocksLstmModel(cpu.WithSchedule(KernelSchedule.ThreadPerSequence), seed: 1))
        {
            Assert.Equal(4, BlockFields(threaded).Count(f => f.GetValue(ProgramOf(threaded)) is not null));
        }

        foreach (var schedule in new[] { KernelSchedule.HostCode, KernelSchedule.GroupPerSequence })
        {
            using var model = new SequenceBlocksLstmModel(cpu.WithSchedule(schedule), seed: 1);
            Assert.Equal(4, BlockFields(model).Count);
            Assert.All(BlockFields(model), f => Assert.Null(f.GetValue(ProgramOf(model))));
        }
    }

    private static void AssertSameBits(SeqDevice device, Type model, int batch)
    {
        var launches = new List<(string Kernel, StrongBox<int> Count)>();
        var result = DeviceComparison.Compare(model, device, device, (reference, blocked) =>
        {
            // The reference runs the one-sequence kernels: its block kernels are unloaded, so every launch falls back.
            var fields = BlockFields(reference);
            Assert.NotEmpty(fields);
            foreach (var field in fields)
            {
                field.SetValue(ProgramOf(reference), null);
            }

            foreach (var field in BlockFields(blocked))
            {
                launches.Add((field.Name, CountLaunches(ProgramOf(blocked), field)));
            }
        }, batch);
        Assert.All(launches, l => Assert.True(l.Count.Value > 0, $"{model.Name}, batch {batch} on {device}: {l.Kernel} never launched"));
        Assert.True(result.AnyNonZeroGradient, model.Name + ": every gradient is zero");
        Assert.All(result.Differences, d => Assert.True(d.Problem is null && d.Relative == 0, $"{model.Name}, batch {batch} on {device}: {d.What}: {d.Problem ?? "relative difference " + d.Relative.ToString("E2")}, expected none"));
        Assert.Equal(result.ExpectedLoss, result.ActualLoss);
    }

    private static object ProgramOf(ModelBase model) => DeviceComparison.ProgramOf(model);

    /// <summary>Replaces the launcher in <paramref name="field"/> with one that counts its calls, then launches.</summary>
    internal static StrongBox<int> CountLaunches(object program, FieldInfo field)
    {
        var original = (Delegate)field.GetValue(program)!;
        var count = new StrongBox<int>();
        var parameters = field.FieldType.GetMethod("Invoke")!.GetParameters().Select(p => Expression.Parameter(p.ParameterType, p.Name)).ToArray();
        var body = Expression.Block(
            Expression.PreIncrementAssign(Expression.Field(Expression.Constant(count), nameof(StrongBox<int>.Value))),
            Expression.Invoke(Expression.Constant(original), parameters));
        field.SetValue(program, Expression.Lambda(field.FieldType, body, parameters).Compile());
        return count;
    }

    /// <summary>The program's block-kernel launchers (fields named layerNBlockForward and layerNBlockBackward).</summary>
    private static List<FieldInfo> BlockFields(ModelBase model) =>
        ProgramOf(model).GetType().GetFields(BindingFlags.NonPublic | BindingFlags.Instance)
            .Where(f => f.Name.StartsWith("layer", StringComparison.Ordinal) && (f.Name.EndsWith("BlockForward", StringComparison.Ordinal) || f.Name.EndsWith("BlockBackward", StringComparison.Ordinal)))
            .ToList();
}
