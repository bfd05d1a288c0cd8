using System.Reflection;
using SeqDsl.Engine;

namespace SeqDsl.Kernels.Tests;

// Two Conv1D layers: the backward stack holds both, the first layer's partials (read from the data set through the
// batch's rows) included; the MAE loss gradient is fused into the second.
[SequenceModel(InputFeatures = 2, Loss = Loss.Mae)]
[Conv1D(4, 2, padding: Padding.Causal, Activation = Activation.Tanh)]
[Conv1D(2, 1)]
public partial class TwoConvMaeModel { }

// A stack after RepeatVector: its layers run over the vector's 5 steps whatever the input's length.
[SequenceModel(InputFeatures = 2)]
[Recurrent(Cell.GRU, 4)]
[RepeatVector(5)]
[Conv1D(3, 2, padding: Padding.Causal, Activation = Activation.Tanh)]
[Conv1D(2, 2, padding: Padding.Causal)]
public partial class RepeatedConvStackModel { }

// A stack feeding a recurrent layer with block kernels (GRU(48): 144 gate columns), which the thread schedule on a CPU
// device loads under the same flag as the stacks.
[SequenceModel(InputFeatures = 2)]
[Conv1D(4, 2, padding: Padding.Causal, Activation = Activation.ReLU)]
[Conv1D(3, 2, padding: Padding.Causal)]
[Recurrent(Cell.GRU, 48)]
[Dense(1)]
public partial class ConvStackThenWideGruModel { }

/// <summary>
/// Runs of Conv1D layers on CPU devices run as stack kernels, a thread per sample through every layer of the run, one
/// launch per pass or per part of it (Emit.Kernels.ConvStacks). The group schedule keeps a launch per layer, its kernels
/// a thread per value (Conv1DEmitter.PerValue) adding the same terms in the same order, so the two must agree to the
/// last bit: on ILGPU's CPU accelerator and on PoCL, where LLVM compiles the stacks.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class ConvStackTests : IClassFixture<PoclScheduleFixture>
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;

    private readonly SeqDevice cpu;
    private readonly PoclScheduleFixture pocl;

    public ConvStackTests(CpuDeviceFixture cpuFixture, PoclScheduleFixture poclFixture)
    {
        cpu = cpuFixture.Device;
        pocl = poclFixture;
    }

    /// <summary>
    /// The stacks these models cover: nine layers in one forward stack and pairs in the backward (the seed's WaveNet);
    /// fifteen layers, whose forward comes in two parts and whose backward ends with the first layer's partials on their
    /// own; stacks after a Dense layer (the stack's first layer reads a workspace, not the data set), one without bias,
    /// one ending in the Huber loss fused into the last layer; same padding, strides and every foldable activation
    /// before a pooling layer; two layers whose backward stack ends with the first layer's partials, under the MAE loss;
    /// a stack after RepeatVector (its steps a constant); a stack feeding a recurrent layer's block kernels.
    /// </summary>
    public static TheoryData<Type> Models => new()
    {
        typeof(TwoConvMaeModel),
        typeof(ConvStackThenWideGruModel),
        typeof(RepeatedConvStackModel),
        typeof(SimpleWaveNetForecaster),
        typeof(DeepConvStackModel),
        typeof(ConvRowBlocksModel),
        typeof(ConvPaddedFiltersModel),
        typeof(ConvFoldedActivationsModel),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Stacks_give_the_group_schedules_bits_on_the_CPU_accelerator(Type model) =>
        AssertSameBits(model, cpu, "the CPU accelerator");

    [Theory]
    [MemberData(nameof(Models))]
    public void Stacks_give_the_group_schedules_bits_on_PoCL(Type model)
    {
        if (pocl.Device is null)
        {
            Console.WriteLine("PoCL unavailable: " + pocl.Missing);
            return;
        }

        AssertSameBits(model, pocl.Device, "PoCL");
    }

    [Fact]
    public void The_thread_schedule_on_a_CPU_device_loads_the_stacks_and_the_other_schedules_do_not()
    {
        var threaded = StackLaunchers(typeof(DeepConvStackModel), cpu.WithSchedule(KernelSchedule.ThreadPerSequence));
        Assert.Equal(
            ["layers0To8Forward", "layers9To14Forward", "layers13To14Backward", "layers11To12Backward", "layers9To10Backward", "layers7To8Backward", "layers5To6Backward", "layers3To4Backward", "layers1To2Backward"],
            threaded.Keys);
        Assert.All(threaded, launcher => Assert.True(launcher.Value, launcher.Key + " is not loaded in the thread schedule"));
        // The layers' own kernels that only the stacks' fallback branches launch are not compiled where the stacks run;
        // the first layer's partials, in no backward stack, are.
        Assert.Equal((false, false, true), LayerLaunchersLoaded(cpu.WithSchedule(KernelSchedule.ThreadPerSequence)));

        foreach (var schedule in new[] { KernelSchedule.GroupPerSequence, KernelSchedule.HostCode })
        {
            Assert.All(StackLaunchers(typeof(DeepConvStackModel), cpu.WithSchedule(schedule)), launcher => Assert.False(launcher.Value, launcher.Key + " is loaded in the " + schedule + " schedule"));
            Assert.Equal((true, true, true), LayerLaunchersLoaded(cpu.WithSchedule(schedule)));
        }
    }

    [Fact]
    public void The_stacks_and_a_recurrent_layers_block_kernels_load_together_in_the_thread_schedule()
    {
        foreach (var (schedule, loaded) in new[] { (KernelSchedule.ThreadPerSequence, true), (KernelSchedule.GroupPerSequence, false) })
        {
            using var model = new ConvStackThenWideGruModel(cpu.WithSchedule(schedule), 1);
            var stacks = StackLaunchers(model);
            Assert.Equal(["layers0To1Forward", "layers0To1Backward"], stacks.Keys);
            Assert.All(stacks, launcher => Assert.Equal(loaded, launcher.Value));
            var program = ProgramOf(model);
            foreach (string blocks in new[] { "layer2BlockForward", "layer2BlockBackward" })
            {
                Assert.Equal(loaded, program.GetType().GetField(blocks, Private)!.GetValue(program) is not null);
            }
        }
    }

    /// <summary>Whether DeepConvStackModel's program loads layer 3's forward and backward launchers and layer 0's partials.</summary>
    private static (bool Forward, bool Backward, bool FirstPartials) LayerLaunchersLoaded(SeqDevice device)
    {
        using var model = new DeepConvStackModel(device, 1);
        var program = ProgramOf(model);
        bool Loaded(string field) => program.GetType().GetField(field, Private)!.GetValue(program) is not null;
        return (Loaded("layer3Forward"), Loaded("layer3Backward"), Loaded("layer0WeightGradientPartials"));
    }

    private static void AssertSameBits(Type model, SeqDevice device, string where)
    {
        var threaded = device.WithSchedule(KernelSchedule.ThreadPerSequence);
        DeviceComparison.Compare(model, device.WithSchedule(KernelSchedule.GroupPerSequence), threaded,
            inspect: (_, stacked) => Assert.Contains(StackLaunchers(stacked), launcher => launcher.Value))
            .AssertSameBits(where);
    }

    /// <summary>The generated program of <paramref name="model"/>, created here if the model has not run yet.</summary>
    private static object ProgramOf(ModelBase model) => typeof(ModelBase).GetProperty("Program", Private)!.GetValue(model)!;

    /// <summary>Each stack launcher of <paramref name="model"/>'s program (fields named layersNToM…), in declaration order, and whether it is loaded.</summary>
    private static Dictionary<string, bool> StackLaunchers(ModelBase model)
    {
        var program = ProgramOf(model);
        return program.GetType().GetFields(Private)
            .Where(f => f.Name.StartsWith("layers", StringComparison.Ordinal))
            .ToDictionary(f => f.Name, f => f.GetValue(program) is not null);
    }

    private static Dictionary<string, bool> StackLaunchers(Type modelType, SeqDevice device)
    {
        using var model = (ModelBase)Activator.CreateInstance(modelType, device, 1)!;
        return StackLaunchers(model);
    }
}
