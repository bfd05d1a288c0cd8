namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// The gradients backpropagation through time carries from one step to the previous one (dh, and an LSTM's dc) are
/// stored flushed: below <c>KernelMath.TinyGradient</c> (2^−100) they become 0. A carried gradient shrinks at every
/// step and, over long sequences, sinks into float's subnormal range, where each multiply takes a microcode assist on
/// x86 CPUs (a 256-step GRU(128)'s backward kernels ran 20–40× slower, its training step 6×). Every schedule and backend flushes at the same
/// points, so they still compute the same bits.
/// </summary>
internal static class CarriedGradient
{
    private const string FlushTiny = "global::SeqDsl.Kernels.KernelMath.FlushTiny";

    /// <summary>The expression <paramref name="value"/>, flushed to 0 when it is too small to matter.</summary>
    public static string Flushed(string value) => FlushTiny + "(" + value + ")";
}
