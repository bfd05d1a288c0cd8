using SeqDsl.Engine;
using static SeqDsl.Cell;
using static SeqDsl.Kernels.Tests.CellTestSupport;

namespace SeqDsl.Kernels.Tests;

[SequenceModel(InputFeatures = 1)]
[Recurrent(GRU, 8)]
[Dense(1)]
public partial class LongGruModel { }

[SequenceModel(InputFeatures = 1)]
[Recurrent(LSTM, 8)]
[Dense(1)]
public partial class LongLstmModel { }

/// <summary>
/// Over long sequences the gradient backpropagation through time carries shrinks at every step until it would sink into
/// float's subnormal range, where x86 CPUs take a microcode assist per multiply (a 256-step GRU(128) trained 6× slower
/// on PoCL). The kernels flush carried gradients below 2^-100 to zero: here the gate gradients of the first steps of a
/// 400-step sequence are exactly zero, none is subnormal, on host code, PoCL and the group schedule alike, and the
/// parameter gradients still match the double-precision reference.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class CarriedGradientTests : IClassFixture<PoclScheduleFixture>
{
    private const int Samples = 3;
    private const int Steps = 400;

    /// <summary>Weights scaled down so the carried gradient shrinks by about half per step: under 2^-100 well before the first step.</summary>
    private const float WeightScale = 0.2f;

    private readonly SeqDevice cpu;
    private readonly PoclScheduleFixture pocl;

    public CarriedGradientTests(CpuDeviceFixture cpuFixture, PoclScheduleFixture poclFixture)
    {
        cpu = cpuFixture.Device;
        pocl = poclFixture;
    }

    public static TheoryData<string, string> Cases => new()
    {
        { nameof(LongGruModel), "host" }, { nameof(LongGruModel), "pocl" }, { nameof(LongGruModel), "group" },
        { nameof(LongLstmModel), "host" }, { nameof(LongLstmModel), "pocl" }, { nameof(LongLstmModel), "group" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Early_steps_get_exact_zeros_instead_of_subnormal_gradients(string name, string backend)
    {
        var device = backend switch
        {
            "host" => cpu,
            "group" => cpu.WithSchedule(KernelSchedule.GroupPerSequence),
            _ => pocl.Device,
        };
        if (device is null)
        {
            Console.WriteLine("PoCL unavailable: " + pocl.Missing);
            return;
        }

        using ModelBase model = name == nameof(LongGruModel) ? new LongGruModel(device, seed: 5) : new LongLstmModel(device, seed: 5);
        var scaled = model.GetWeights();
        for (int i = 0; i < scaled.Length; i++)
        {
            scaled[i] *= WeightScale;
        }

        model.SetWeights(scaled);
        var random = new Random(8);
        var x = Inputs(random, Samples, Steps, 1);
        var y = Vectors(random, Samples, 1);
        var (gradients, _) = model.ComputeGradients(TensorData.From(x), TensorData.From(y, "y"));

        var gates = ReadProgramBuffer(model, "layer0GateGradient");
        int width = gates.Length / (Samples * Steps); // gradient floats per step
        Assert.DoesNotContain(gates, float.IsSubnormal);
        for (int b = 0; b < Samples; b++)
        {
            var first = gates.AsSpan(b * Steps * width, width).ToArray();
            var last = gates.AsSpan(((b * Steps) + Steps - 1) * width, width).ToArray();
            Assert.All(first, g => Assert.Equal(0f, g));
            Assert.Contains(last, g => MathF.Abs(g) > 1e-6f);
        }

        var reference = new ReferenceNetwork(model.Description);
        reference = name == nameof(LongGruModel) ? reference.Gru("gru", 1, 8, false) : reference.Lstm("lstm", 1, 8, false);
        reference.Dense("dense", 8, 1);
        AssertParameterGradients(name + " on " + backend, model, reference, x, y.Cast<float>().ToArray(), gradients);
    }
}
