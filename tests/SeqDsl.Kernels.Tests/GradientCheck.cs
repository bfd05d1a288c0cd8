using SeqDsl.Engine;

namespace SeqDsl.Kernels.Tests;

/// <summary>
/// The finite-difference scaffolding of the gradient tests, in one place: central differences of a double-precision
/// reference loss, and the relative error ‖g − g_ref‖ / ‖g_ref‖ of a tensor, which must stay within 1e-3.
/// </summary>
internal static class GradientCheck
{
    /// <summary>The central-difference step (the references run in double precision).</summary>
    public const double Step = 1e-4;

    /// <summary>The largest relative error ‖g − g_ref‖ / ‖g_ref‖ a tensor's gradient may have.</summary>
    public const double Tolerance = 1e-3;

    /// <summary>The generated loss against the reference's: |ℓ − ℓ_ref| ≤ 1e-5 · max(1, |ℓ_ref|).</summary>
    public static void AssertLoss(double loss, double reference, string name = "")
    {
        Assert.True(Math.Abs(loss - reference) <= 1e-5 * Math.Max(1, Math.Abs(reference)), $"{(name.Length == 0 ? "" : name + ": ")}loss {loss} vs reference {reference}");
    }

    /// <summary>(f(v + Step) − f(v − Step)) / (2 · Step) at v = <paramref name="values"/>[<paramref name="index"/>], which is restored after.</summary>
    public static double CentralDifference(double[] values, int index, Func<double> loss)
    {
        double saved = values[index];
        values[index] = saved + Step;
        double up = loss();
        values[index] = saved - Step;
        double down = loss();
        values[index] = saved;
        return (up - down) / (2 * Step);
    }

    /// <summary>
    /// Every parameter tensor's gradient against central differences of <paramref name="loss"/> (the reference loss of
    /// the weights it is given) at <paramref name="weights"/>, within <see cref="Tolerance"/> per tensor. A frozen
    /// tensor must get no gradient at all. The reference gradient of a tensor must be larger than
    /// <paramref name="minimumNorm"/> (else the check would prove nothing); with <paramref name="minimumNorm"/> null a
    /// zero reference gradient is allowed, and the error is then taken relative to at least 1e-8.
    /// </summary>
    /// <returns>How many tensors were checked against the reference.</returns>
    public static int AssertParameterGradients(string name, ModelBase model, double[] weights, float[] gradients, Func<double[], double> loss, double? minimumNorm = 0)
    {
        int checkedTensors = 0;
        foreach (var tensor in model.Description.Parameters)
        {
            if (!tensor.Trainable)
            {
                for (int i = 0; i < tensor.Length; i++)
                {
                    Assert.Equal(0f, gradients[tensor.Offset + i]);
                }

                continue;
            }

            var error = new RelativeError();
            for (int i = 0; i < tensor.Length; i++)
            {
                int p = tensor.Offset + i;
                error.Add(gradients[p], CentralDifference(weights, p, () => loss(weights)));
            }

            string what = $"{name} {tensor.Layer}/{tensor.Name}";
            if (minimumNorm is { } least)
            {
                Assert.True(error.SquaredNorm > least, $"{what}: the reference gradient is zero, so the check would prove nothing");
                error.AssertWithin(what);
            }
            else
            {
                error.AssertWithin(what, floor: 1e-8);
            }

            checkedTensors++;
        }

        return checkedTensors;
    }

    /// <summary>
    /// One model's loss and gradients on two devices (the CPU accelerator and PoCL) agree within 1e-5 relative:
    /// |ℓ − ℓ'| ≤ 1e-5 · max(1, |ℓ|) and ‖g − g'‖ ≤ 1e-5 · ‖g‖, g not zero (else the comparison would prove nothing).
    /// </summary>
    public static void AssertDevicesAgree(string name, (float[] Gradients, double Loss) cpu, (float[] Gradients, double Loss) pocl)
    {
        Assert.True(Math.Abs(cpu.Loss - pocl.Loss) <= 1e-5 * Math.Max(1, Math.Abs(cpu.Loss)), $"{name}: loss {cpu.Loss} vs {pocl.Loss}");
        double diff = 0, norm = 0;
        for (int i = 0; i < cpu.Gradients.Length; i++)
        {
            diff += (cpu.Gradients[i] - pocl.Gradients[i]) * (double)(cpu.Gradients[i] - pocl.Gradients[i]);
            norm += cpu.Gradients[i] * (double)cpu.Gradients[i];
        }

        Assert.True(norm > 0, $"{name}: zero gradient proves nothing");
        Assert.True(Math.Sqrt(diff) <= 1e-5 * Math.Sqrt(norm), $"{name}: gradients differ: relative {Math.Sqrt(diff / norm):E2}");
    }
}

/// <summary>‖g − g_ref‖ / ‖g_ref‖ over the values of one tensor, summed in double precision.</summary>
internal sealed class RelativeError
{
    private double diff;
    private double norm;

    /// <summary>‖g_ref‖².</summary>
    public double SquaredNorm => norm;

    public void Add(double value, double reference)
    {
        diff += (value - reference) * (value - reference);
        norm += reference * reference;
    }

    /// <summary>Asserts the error is within <see cref="GradientCheck.Tolerance"/>, relative to ‖g_ref‖ (or to <paramref name="floor"/> when that is larger).</summary>
    public void AssertWithin(string what, double floor = 0)
    {
        double relative = Math.Sqrt(diff) / Math.Max(Math.Sqrt(norm), floor);
        Assert.True(relative <= GradientCheck.Tolerance, $"{what}: relative error {relative:E2} (‖g_ref‖ = {Math.Sqrt(norm):E2})");
    }
}
