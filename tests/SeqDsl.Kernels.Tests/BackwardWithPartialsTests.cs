using System.Reflection;
using System.Runtime.CompilerServices;
using static SeqDsl.Cell;

namespace SeqDsl.Kernels.Tests;

// Narrow plain layers, each with the CPU thread schedule's joined backward and partials: LSTMs returning sequences to a
// time-distributed head (the seed's shape), the first reading its input through the batch's rows.
[SequenceModel(InputFeatures = 2)]
[Recurrent(LSTM, 6, ReturnSequences = true)]
[Recurrent(LSTM, 5, ReturnSequences = true)]
[TimeDistributed(Dense = 2)]
public partial class JoinedPartialsLstmModel { }

// A reset-after GRU (two bias rows) and a SimpleRNN without bias (no bias rows), then a Dense head on the last state.
[SequenceModel(InputFeatures = 3)]
[Recurrent(GRU, 5, ReturnSequences = true)]
[Recurrent(SimpleRNN, 4, UseBias = false)]
[Dense(1)]
public partial class JoinedPartialsGruRnnModel { }

// A reset-after GRU after a SimpleRNN, last, with the MAE loss gradient fused into its backward: its joined kernel takes
// the targets instead of an output gradient, and walks its recurrent-side gradient (dzh) beside the input gradient's.
[SequenceModel(InputFeatures = 2, Loss = Loss.Mae)]
[Recurrent(SimpleRNN, 6, ReturnSequences = true)]
[Recurrent(GRU, 3, ReturnSequences = true)]
public partial class JoinedPartialsFusedLossModel { }

/// <summary>
/// The CPU thread schedule runs a narrow plain recurrent layer's backward and weight-gradient partials as one kernel, a
/// thread per sequence (RecurrentEmitter.BackwardWithPartials.cs). The GPU schedule keeps its own kernels, which give the
/// thread schedule's bits (ScheduleTests), so the two must agree to the last bit, on the CPU accelerator and on PoCL;
/// the joined side counts its launches, so a program that fell back to the two kernels would fail. (On PoCL, models
/// under a Dense head run them inside the training-pass kernel, unloaded here: see TrainingPassTests.)
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class BackwardWithPartialsTests : IClassFixture<PoclScheduleFixture>
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;

    private readonly SeqDevice cpu;
    private readonly PoclScheduleFixture pocl;

    public BackwardWithPartialsTests(CpuDeviceFixture cpuFixture, PoclScheduleFixture poclFixture)
    {
        cpu = cpuFixture.Device;
        pocl = poclFixture;
    }

    public static TheoryData<Type, int> Cases => new()
    {
        { typeof(JoinedPartialsLstmModel), 5 },
        { typeof(JoinedPartialsLstmModel), 1 },
        { typeof(JoinedPartialsGruRnnModel), 7 },
        { typeof(JoinedPartialsFusedLossModel), 6 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_joined_kernels_give_the_separate_kernels_bits_on_the_CPU_accelerator(Type model, int batch) =>
        AssertSameBits(cpu, model, batch, "the CPU accelerator");

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_joined_kernels_give_the_separate_kernels_bits_on_PoCL(Type model, int batch)
    {
        if (pocl.Device is null)
        {
            Console.WriteLine("PoCL unavailable: " + pocl.Missing);
            return;
        }

        AssertSameBits(pocl.Device, model, batch, "PoCL");
    }

    /// <summary>
    /// Only the thread schedule on a CPU device loads the joined kernels, and there not the layers' own backward and
    /// partials kernels, which only the fallback launches; host code and the GPU schedule load the two and not the joined.
    /// </summary>
    [Fact]
    public void Each_schedule_loads_either_the_joined_kernels_or_the_separate_ones()
    {
        foreach (var (schedule, joined) in new[] { (KernelSchedule.ThreadPerSequence, true), (KernelSchedule.GroupPerSequence, false), (KernelSchedule.HostCode, false) })
        {
            using var model = new JoinedPartialsLstmModel(cpu.WithSchedule(schedule), 1);
            var program = DeviceComparison.ProgramOf(model);
            bool Loaded(string field) => program.GetType().GetField(field, Private)!.GetValue(program) is not null;
            foreach (int layer in new[] { 0, 1 })
            {
                Assert.Equal(joined, Loaded("layer" + layer + "BackwardWithPartials"));
                Assert.Equal(!joined, Loaded("layer" + layer + "Backward"));
                Assert.Equal(!joined, Loaded("layer" + layer + "WeightGradientPartials"));
            }
        }
    }

    private static void AssertSameBits(SeqDevice device, Type model, int batch, string where)
    {
        var launches = new List<(string Kernel, StrongBox<int> Count)>();
        DeviceComparison.Compare(model, device.WithSchedule(KernelSchedule.GroupPerSequence), device.WithSchedule(KernelSchedule.ThreadPerSequence), (_, joined) =>
        {
            var program = DeviceComparison.ProgramOf(joined);
            // On PoCL the training-pass kernel runs these kernels' loops inside itself (TrainingPassTests); without it the
            // program launches them.
            program.GetType().GetField("trainingPass", Private)?.SetValue(program, null);
            var fields = program.GetType().GetFields(Private).Where(f => f.Name.EndsWith("BackwardWithPartials", StringComparison.Ordinal)).ToList();
            Assert.Equal(2, fields.Count);
            launches.AddRange(fields.Select(f => (f.Name, SequenceBlockTests.CountLaunches(program, f))));
        }, batch).AssertSameBits(where + ", batch " + batch);
        Assert.All(launches, l => Assert.True(l.Count.Value > 0, $"{model.Name}, batch {batch} on {where}: {l.Kernel} never launched"));
    }
}
