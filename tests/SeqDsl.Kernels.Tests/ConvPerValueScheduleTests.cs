namespace SeqDsl.Kernels.Tests;

/// <summary>
/// Conv1D's GPU variants (a thread per output value, input-gradient value and partial weight gradient; the group
/// schedule loads them) add every value's terms in the order of the CPU forms (a thread per step or per block of kernel
/// rows, or the layers' Conv1D stack kernels), so the two schedules give the same predictions, loss and gradients to the
/// last bit: on ILGPU's CPU accelerator (a multiply and an add) and on PoCL (OpenCL's fma, compiled by LLVM). The models
/// cover strides, same and causal padding, dilation, a layer without bias, a first layer with one and with several input
/// features, folded activations, fused Mse and Huber gradients in the last layer, and Conv1D before a GRU.
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
        typeof(DeepConvStackModel),
        typeof(ConvRowBlocksModel),
        typeof(ConvGruForecaster),
        typeof(SimpleWaveNetForecaster),
        typeof(ConvHeadHuberModel),
        typeof(ConvPaddedFiltersModel),
        typeof(ConvLastStrideHuberModel),
        typeof(ConvOnlyModel),
        typeof(ConvFoldedActivationsModel),
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
