namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// The multiply-add accumulation <c>target += a · b</c> as the convolution loops write it:
/// <c>target = KernelMath.MultiplyAdd(a, b, target);</c>, which OpenCL devices compile to one FMA instruction (PoCL
/// never contracts ILGPU's one-operation statements itself) and every other backend to a multiply and an add. Host
/// code turns it back into <c>target += a * b;</c> (<see cref="Host.MultiplyAdds"/>), the same bits as the call's body.
/// </summary>
internal static class MultiplyAddCode
{
    /// <summary>The runtime's multiply-add, as generated code names it.</summary>
    public const string Function = "global::SeqDsl.Kernels.KernelMath.MultiplyAdd";

    /// <summary><c>target = MultiplyAdd(a, b, target);</c></summary>
    public static string Accumulate(string target, string a, string b) => target + " = " + Function + "(" + a + ", " + b + ", " + target + ");";
}
