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

    private static void GateActivationsKernel(Index1D i, ArrayView<float> x, ArrayView<float> tanh, ArrayView<float> gate)
    {
        tanh[i] = Activations.Tanh(x[i]);
        gate[i] = Activations.GateSigmoid(x[i]);
    }

    /// <summary>Activations.Tanh and Activations.GateSigmoid of <paramref name="x"/> computed on <paramref name="device"/>.</summary>
    private static (float[] Tanh, float[] Gate) GateActivationsOn(SeqDevice device, float[] x)
    {
        var accelerator = device.Accelerator;
        var kernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(GateActivationsKernel);
        using var input = accelerator.Allocate1D(x);
        using var tanh = accelerator.Allocate1D<float>(x.Length);
        using var gate = accelerator.Allocate1D<float>(x.Length);
        kernel(x.Length, input.View, tanh.View, gate.View);
        accelerator.Synchronize();
        return (tanh.GetAsArray1D(), gate.GetAsArray1D());
    }

    /// <summary>Inputs across the gates' range, tiny and saturated values included.</summary>
    private static float[] ActivationInputs() =>
        [.. Enumerable.Range(-4_000, 8_001).Select(i => i * 5e-3f), 1e-30f, -3e-8f, 9.1f, -9.1f, 50f, -50f];

    /// <summary>
    /// CPU devices compute the rational tanh and the gates' sigmoid through it, as host code does (the schedules' bit
    /// comparisons rest on this); only CUDA takes the exponential forms (the next test).
    /// </summary>
    [Fact]
    public void Gate_activations_are_the_rational_functions_on_the_CPU_accelerator_and_PoCL()
    {
        var x = ActivationInputs();
        var devices = new List<SeqDevice> { cpu };
        var pocl = PoclDevice.OpenOrExplain();
        if (pocl is not null)
        {
            devices.Add(pocl); // null only with SEQDSL_REQUIRE_POCL=0 on a machine without PoCL (CI installs it)
        }

        try
        {
            foreach (var device in devices)
            {
                var (tanh, gate) = GateActivationsOn(device, x);
                for (int i = 0; i < x.Length; i++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(Activations.RationalTanh(x[i])) == BitConverter.SingleToInt32Bits(tanh[i]), $"{device.Kind}: tanh({x[i]:R}) = {tanh[i]:R}, the rational function gives {Activations.RationalTanh(x[i]):R}");
                    Assert.True(BitConverter.SingleToInt32Bits(Activations.RationalGateSigmoid(x[i])) == BitConverter.SingleToInt32Bits(gate[i]), $"{device.Kind}: gate sigmoid({x[i]:R}) = {gate[i]:R}, the rational function gives {Activations.RationalGateSigmoid(x[i]):R}");
                }
            }
        }
        finally
        {
            pocl?.Dispose();
        }
    }

    /// <summary>
    /// On CUDA the activations take the exponential (a fast built-in there; the rational function's longer chain of
    /// dependent operations made W1's LSTM forward kernels about 20% slower on an H100). ILGPU folds
    /// Accelerator.CurrentType to a constant but leaves the other branch in the PTX behind a constant-false predicate
    /// (ptxas drops it), so the check follows the PTX's control flow: the code that can run holds the exponential's ex2
    /// and none of the rational function's coefficients.
    /// </summary>
    [Fact]
    public void Gate_activations_take_the_exponential_in_ptx()
    {
        var reachable = PtxReachableLines(CompileToPtx(nameof(GateActivationsKernel)));
        Assert.Contains(reachable, l => l.Contains("ex2.approx", StringComparison.Ordinal));
        foreach (float coefficient in new[] { Activations.TanhP1, Activations.TanhQ1, Activations.TanhQ4 })
        {
            Assert.DoesNotContain(reachable, l => l.Contains(PtxLiteral(coefficient), StringComparison.OrdinalIgnoreCase));
        }

        // The same walk finds the coefficients where they run: a kernel calling the rational function directly.
        var rational = PtxReachableLines(CompileToPtx(nameof(RationalTanhKernel)));
        Assert.Contains(rational, l => l.Contains(PtxLiteral(Activations.TanhQ4), StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(rational, l => l.Contains("ex2.approx", StringComparison.Ordinal));
    }

    /// <summary>A float as PTX writes it in an instruction: 0f and its bits in hex.</summary>
    private static string PtxLiteral(float value) =>
        "0f" + BitConverter.SingleToInt32Bits(value).ToString("X8", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The PTX lines that can run: from the entry, following fall-through and branches, except a branch on a predicate
    /// that the same straight run of code set to a constant (<c>mov.pred %p, 0</c>: never taken; <c>1</c>: always), as
    /// ptxas would.
    /// </summary>
    private static List<string> PtxReachableLines(string ptx)
    {
        var lines = ptx.Split('\n').Select(l => l.Trim()).ToArray();
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < lines.Length; i++)
        {
            if (System.Text.RegularExpressions.Regex.IsMatch(lines[i], @"^\w+:$"))
            {
                labels[lines[i].TrimEnd(':')] = i;
            }
        }

        int entry = Array.FindIndex(lines, l => l.Contains(".entry", StringComparison.Ordinal));
        Assert.True(entry >= 0, "no .entry in the PTX");
        var seen = new HashSet<int>();
        var work = new Stack<int>();
        work.Push(entry);
        while (work.Count > 0)
        {
            for (int i = work.Pop(); i < lines.Length && seen.Add(i); i++)
            {
                if (lines[i].StartsWith("ret", StringComparison.Ordinal))
                {
                    break; // a guarded "@%p ret" does not start with ret and falls through
                }

                var branch = System.Text.RegularExpressions.Regex.Match(lines[i], @"^(?:@(!?)(%p\d+)\s+)?bra(?:\.uni)?\s+(\w+);");
                if (!branch.Success)
                {
                    continue;
                }

                int target = labels[branch.Groups[3].Value];
                bool? taken = branch.Groups[2].Success ? ConstantPredicate(lines, i, branch.Groups[2].Value) is bool value ? value != (branch.Groups[1].Value == "!") : null : true;
                if (taken != false)
                {
                    work.Push(target);
                }

                if (taken == true)
                {
                    break;
                }
            }
        }

        return seen.Order().Select(i => lines[i]).ToList();
    }

    /// <summary>
    /// The constant that line <paramref name="at"/>'s predicate holds, where the last write to it before that line, in
    /// the same straight run (no label or branch between), is a <c>mov.pred</c> of 0 or 1; otherwise null.
    /// </summary>
    private static bool? ConstantPredicate(string[] lines, int at, string predicate)
    {
        for (int i = at - 1; i >= 0; i--)
        {
            string line = lines[i];
            if (System.Text.RegularExpressions.Regex.IsMatch(line, @"^\w+:$") || line.Contains("bra", StringComparison.Ordinal))
            {
                return null;
            }

            var write = System.Text.RegularExpressions.Regex.Match(line, @"^(?:@!?%p\d+\s+)?[\w.]+\s+" + System.Text.RegularExpressions.Regex.Escape(predicate) + @"\b(.*)$");
            if (write.Success)
            {
                var constant = System.Text.RegularExpressions.Regex.Match(line, @"^mov\.pred\s+%p\d+,\s*([01]);$");
                return constant.Success ? constant.Groups[1].Value == "1" : null;
            }
        }

        return null;
    }

    private static void RationalTanhKernel(Index1D i, ArrayView<float> x, ArrayView<float> tanh) => tanh[i] = Activations.RationalTanh(x[i]);

    /// <summary>The PTX ILGPU makes of this class's kernel <paramref name="name"/> for SM 7.5, as the library's CUDA device would (no GPU needed).</summary>
    private static string CompileToPtx(string name)
    {
        var kernel = typeof(BackendTests).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!;
        using var context = Context.Create(b => DeviceProbes.ConfigureKernelCompiler(b));
        var entry = EntryPointDescription.FromImplicitlyGroupedKernel(kernel);
        var architecture = CudaArchitecture.SM_75;
        var instructionSet = CudaAccelerator.GetInstructionSet(architecture, CudaDriverVersion.FromMajorMinor(12, 0));
        using var backend = new PTXBackend(context, new CudaCapabilityContext(architecture), architecture, instructionSet, nvvmAPI: null);
        return ((PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty)).PTXAssembly;
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
