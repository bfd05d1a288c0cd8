using ILGPU;
using ILGPU.Runtime;
using SeqDsl.Kernels;

namespace SeqDsl.DeviceCheck;

/// <summary>
/// The activations as the checked device computes them, against double precision. On CUDA they are the exponential
/// forms through the GPU's own approximate exponential (ex2.approx), which no CPU test can run; elsewhere the rational
/// forms, whose accuracy the Runtime tests check in .NET.
/// </summary>
internal static class ActivationCheck
{
    /// <summary>Inputs −40 … 40 in steps of this.</summary>
    private const float Step = 1e-3f;

    private const float Range = 40f;

    /// <summary>Tanh's relative error allowed (a few dozen ulps: the .NET forms stay under 11 ulps, 6.6e-7).</summary>
    private const double TanhRelativeTolerance = 1e-5;

    /// <summary>The gates' sigmoid's absolute error allowed (it only scales what it multiplies; .NET's forms stay under 2e-7).</summary>
    private const double GateAbsoluteTolerance = 1e-6;

    /// <summary>Runs the check and returns the number of failures (an exception counts as one, after it is reported).</summary>
    public static int Run(SeqDevice device)
    {
        try
        {
            return RunCheck(device);
        }
        catch (Exception e)
        {
            Console.WriteLine($"activation check FAILED {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            return 1;
        }
    }

    private static void ActivationsKernel(Index1D i, ArrayView<float> x, ArrayView<float> tanh, ArrayView<float> gate)
    {
        tanh[i] = Activations.Tanh(x[i]);
        gate[i] = Activations.GateSigmoid(x[i]);
    }

    private static int RunCheck(SeqDevice device)
    {
        int count = (int)(2 * Range / Step) + 1;
        var x = new float[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = -Range + (i * Step);
        }

        var accelerator = device.Accelerator;
        var kernel = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(ActivationsKernel);
        using var input = accelerator.Allocate1D(x);
        using var tanh = accelerator.Allocate1D<float>(count);
        using var gate = accelerator.Allocate1D<float>(count);
        kernel(count, input.View, tanh.View, gate.View);
        accelerator.Synchronize();
        var t = tanh.GetAsArray1D();
        var g = gate.GetAsArray1D();

        double worstTanh = 0, worstGate = 0;
        float worstTanhAt = 0, worstGateAt = 0;
        for (int i = 0; i < count; i++)
        {
            double exactTanh = Math.Tanh(x[i]);
            double tanhError = x[i] == 0 ? Math.Abs(t[i]) : Math.Abs(t[i] - exactTanh) / Math.Abs(exactTanh);
            if (!(tanhError <= worstTanh))
            {
                worstTanh = tanhError;
                worstTanhAt = x[i];
            }

            double gateError = Math.Abs(g[i] - (1 / (1 + Math.Exp(-(double)x[i]))));
            if (!(gateError <= worstGate))
            {
                worstGate = gateError;
                worstGateAt = x[i];
            }
        }

        bool ok = worstTanh <= TanhRelativeTolerance && worstGate <= GateAbsoluteTolerance;
        Console.WriteLine();
        Console.WriteLine($"## Activations on the device, {count:N0} inputs in [−{Range}, {Range}]");
        Console.WriteLine($"tanh: worst relative error {worstTanh:E2} at {worstTanhAt:R} (allowed {TanhRelativeTolerance:E0}); gates' sigmoid: worst absolute error {worstGate:E2} at {worstGateAt:R} (allowed {GateAbsoluteTolerance:E0}): {(ok ? "ok" : "FAILED")}");
        return ok ? 0 : 1;
    }
}
