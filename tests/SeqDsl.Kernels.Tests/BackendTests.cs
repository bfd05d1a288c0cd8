using System.Reflection;
using ILGPU;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using SeqDsl.Engine;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// The generated kernels on the other backends: every kernel compiles to PTX without a GPU (a fresh Context per
/// kernel, since a failed compile poisons the context), and PoCL computes what the CPU accelerator computes.
/// </summary>
[Collection(CpuDeviceCollection.Name)]
public class BackendTests
{
    private readonly SeqDevice cpu;

    public BackendTests(CpuDeviceFixture fixture) => cpu = fixture.Device;

    /// <summary>Every generated model of this test assembly (any class with a nested <c>Kernels</c> class), so a model added in any file gets PTX coverage.</summary>
    public static TheoryData<Type> ModelTypes
    {
        get
        {
            var data = new TheoryData<Type>();
            foreach (var type in typeof(BackendTests).Assembly.GetTypes().Where(t => t.GetNestedType("Kernels", BindingFlags.NonPublic) is not null).OrderBy(t => t.FullName, StringComparer.Ordinal))
            {
                data.Add(type);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(ModelTypes))]
    public void Every_generated_kernel_compiles_to_ptx(Type model)
    {
        var kernels = model.GetNestedType("Kernels", BindingFlags.NonPublic)!.GetMethods(BindingFlags.Public | BindingFlags.Static);
        Assert.NotEmpty(kernels);
        foreach (var kernel in kernels)
        {
            using var context = Context.Create(b => DeviceProbes.ConfigureKernelCompiler(b)); // as the library's CUDA device
            var entry = EntryPointDescription.FromExplicitlyGroupedKernel(kernel);
            var architecture = CudaArchitecture.SM_75;
            var instructionSet = CudaAccelerator.GetInstructionSet(architecture, CudaDriverVersion.FromMajorMinor(12, 0));
            using var backend = new PTXBackend(context, new CudaCapabilityContext(architecture), architecture, instructionSet, nvvmAPI: null);
            var compiled = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);
            Assert.Contains(".entry", compiled.PTXAssembly);
        }
    }

    [Fact]
    public void PoCL_agrees_with_the_CPU_accelerator()
    {
        var pocl = PoclDevice.OpenOrExplain();
        if (pocl is null)
        {
            return; // only with SEQDSL_REQUIRE_POCL=0 on a machine without PoCL (CI installs it)
        }

        using (pocl)
        {
            var random = new Random(5);
            var x = new float[6, 7, 2];
            var y = new float[6, 1];
            for (int i = 0; i < 6; i++)
            {
                y[i, 0] = (float)random.NextDouble();
                for (int t = 0; t < 7; t++) for (int f = 0; f < 2; f++) x[i, t, f] = (float)(random.NextDouble() * 2 - 1);
            }

            using var onCpu = new GruStackModel(cpu, seed: 21);
            using var onPocl = new GruStackModel(pocl, seed: 21);
            var (gCpu, lossCpu) = onCpu.ComputeGradients(TensorData.From(x), TensorData.From(y, "y"));
            var (gPocl, lossPocl) = onPocl.ComputeGradients(TensorData.From(x), TensorData.From(y, "y"));
            Assert.True(Math.Abs(lossCpu - lossPocl) <= 1e-5 * Math.Max(1, Math.Abs(lossCpu)), $"loss {lossCpu} vs {lossPocl}");
            double diff = 0, norm = 0;
            for (int i = 0; i < gCpu.Length; i++)
            {
                diff += (gCpu[i] - gPocl[i]) * (double)(gCpu[i] - gPocl[i]);
                norm += gCpu[i] * (double)gCpu[i];
            }

            Assert.True(Math.Sqrt(diff) <= 1e-5 * Math.Sqrt(norm), $"gradients differ: relative {Math.Sqrt(diff / norm):E2}");

            var lstmX = new float[5, 9, 3];
            for (int i = 0; i < 5; i++) for (int t = 0; t < 9; t++) for (int f = 0; f < 3; f++) lstmX[i, t, f] = (float)Math.Sin(i + t * 0.3 + f);
            using var lstmCpu = new LstmSequenceModel(cpu, seed: 2);
            using var lstmPocl = new LstmSequenceModel(pocl, seed: 2);
            var a = lstmCpu.Predict(lstmX).Cast<float>().ToArray();
            var b = lstmPocl.Predict(lstmX).Cast<float>().ToArray();
            for (int i = 0; i < a.Length; i++)
            {
                Assert.True(Math.Abs(a[i] - b[i]) <= 1e-5 * Math.Max(1, Math.Abs(a[i])), $"prediction {i}: {a[i]} vs {b[i]}");
            }
        }
    }

    private static void MultiplyAddKernel(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, ArrayView<float> result) =>
        result[i] = KernelMath.MultiplyAdd(a[i], b[i], c[i]);

    /// <summary>KernelMath.MultiplyAdd(a, b, c) computed on <paramref name="device"/>.</summary>
    private static float MultiplyAddOn(SeqDevice device, float a, float b, float c)
    {
        var accelerator = device.Accelerator;
        var kernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(MultiplyAddKernel);
        using var av = accelerator.Allocate1D(new[] { a });
        using var bv = accelerator.Allocate1D(new[] { b });
        using var cv = accelerator.Allocate1D(new[] { c });
        using var result = accelerator.Allocate1D<float>(1);
        kernel(1, av.View, bv.View, cv.View, result.View);
        accelerator.Synchronize();
        return result.GetAsArray1D()[0];
    }

    [Fact]
    public void MultiplyAdd_rounds_once_on_PoCL_and_twice_on_the_CPU_accelerator()
    {
        // (1 + 2^-23)² = 1 + 2^-22 + 2^-46: rounded to float before the add, the 2^-46 is lost and the sum is 0.
        float a = 1f + MathF.Pow(2, -23), c = -(1f + MathF.Pow(2, -22));
        Assert.Equal(0f, a * a + c);
        Assert.Equal(MathF.Pow(2, -46), MathF.FusedMultiplyAdd(a, a, c));

        Assert.Equal(0f, MultiplyAddOn(cpu, a, a, c)); // the method's body: .NET's multiply, then add (as host code)
        var pocl = PoclDevice.OpenOrExplain();
        if (pocl is null)
        {
            return; // only with SEQDSL_REQUIRE_POCL=0 on a machine without PoCL (CI installs it)
        }

        using (pocl)
        {
            // OpenCL C's fma where the CPU has FMA instructions; without them, the multiply and add of other backends.
            Assert.Equal(DeviceProbes.HostHasFma ? MathF.Pow(2, -46) : 0f, MultiplyAddOn(pocl, a, a, c));
        }
    }
}
