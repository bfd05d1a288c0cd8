namespace SeqDsl.Kernels.Tests;

/// <summary>
/// Conv1D's GPU variants (a thread per output value, input-gradient value and partial weight gradient; the group
/// schedule loads them) add every value's terms in the order of the CPU forms (a thread per step or per block of kernel
/// rows, or the layers' Conv1D stack kernels), so the two schedules give the same predictions, loss and gradients to the
/// last bit: on ILGPU's CPU accelerator (a multiply and an add) and on PoCL (OpenCL's fma, compiled by LLVM). The models
/// here cover strides, same and causal padding, dilation, a layer without bias, a first layer with one and with several
/// input features, fused Mse, MAE and Huber gradients in the last layer, and Conv1D before a GRU; ConvStackTests makes
/// the same comparison for five more (the seed's WaveNet, fifteen layers, folded activations, padded filters, blocks of
/// kernel rows), checking there that the thread schedule ran its Conv1D stacks.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class ConvPerValueScheduleTests : IClassFixture<PoclScheduleFixture>
{
    private readonly SeqDevice cpu;
    private readonly PoclScheduleFixture pocl;

    public ConvPerValueScheduleTests(CpuDeviceFixture cpuFixture, PoclScheduleFixture poclFixture)
    {
        cpu = cpuFixture.Device;
        pocl = poclFixture;
    }

    public static TheoryData<Type> ConvModels => new()
    {
        typeof(ConvValidStrideModel),
        typeof(ConvSameStrideModel),
        typeof(ConvCausalDilatedModel),
        typeof(ConvSameDilatedModel),
        typeof(ConvFirstModel),
        typeof(ConvFirstStrideModel),
        typeof(SmallWaveNetModel),
        typeof(ConvGruForecaster),
        typeof(ConvHeadHuberModel),
        typeof(ConvLastStrideHuberModel),
        typeof(ConvOnlyModel),
    };

    [Theory]
    [MemberData(nameof(ConvModels))]
    public void Per_value_kernels_give_the_thread_schedules_bits_on_the_CPU_accelerator(Type model) =>
        DeviceComparison.Compare(model, cpu.WithSchedule(KernelSchedule.ThreadPerSequence), cpu.WithSchedule(KernelSchedule.GroupPerSequence))
            .AssertSameBits("the CPU accelerator");

    [Theory]
    [MemberData(nameof(ConvModels))]
    public void Per_value_kernels_give_the_thread_schedules_bits_on_PoCL(Type model)
    {
        if (pocl.Device is null)
        {
            Console.WriteLine("PoCL unavailable: " + pocl.Missing);
            return;
        }

        DeviceComparison.Compare(model, pocl.Device.WithSchedule(KernelSchedule.ThreadPerSequence), pocl.Device.WithSchedule(KernelSchedule.GroupPerSequence))
            .AssertSameBits("PoCL");
    }
}
