namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// The multiply-add accumulation <c>target += a · b</c> as the convolution loops and the recurrent layers' fused
/// products (<see cref="RecurrentEmitter.FusesProductsFor"/>: every backward product, the forward's of wide layers) write it:
/// <c>target = KernelMath.MultiplyAdd(a, b, target);</c>, which OpenCL devices compile to one FMA instruction (PoCL
/// never contracts ILGPU's one-operation statements itself) and every other backend to a multiply and an add. Host
/// code turns it back into <c>target += a * b;</c> (<see cref="Host.MultiplyAdds"/>), the same bits as the call's body.
/// </summary>
internal static class MultiplyAddCode
{
    /// <summary>The runtime's multiply-add, as generated code names it.</summary>
    public const string Function = "global::SeqDsl.Kernels.KernelMath.MultiplyAdd";

    /// <summary><c>MultiplyAdd(a, b, c)</c>: a · b + c, the expression.</summary>
    public static string Call(string a, string b, string c) => Function + "(" + a + ", " + b + ", " + c + ")";

    /// <summary><c>target = MultiplyAdd(a, b, target);</c></summary>
    public static string Accumulate(string target, string a, string b) => target + " = " + Call(a, b, target) + ";";

    /// <summary>
    /// <c>target += a · b</c>: the multiply-add call where <paramref name="fused"/>, else the separately rounded multiply
    /// and add (<c>target += a * b;</c>).
    /// </summary>
    public static string AccumulateProduct(bool fused, string target, string a, string b) =>
        fused ? Accumulate(target, a, b) : target + " += " + a + " * " + b + ";";
}
