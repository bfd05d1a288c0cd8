namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// Which pass a recurrent layer's matrix product belongs to, for <see cref="RecurrentEmitter.FusesProductsFor"/>: the
/// forward's gate products (one-sequence, block and group forward, the input projection) or the backward's (the
/// transposed products of BPTT and the input gradient, and the kernel's and recurrent kernel's weight-gradient partial
/// sums; the peephole and layer-normalization gains' sums, not matrix products, keep their multiply and add).
/// </summary>
internal enum ProductPass
{
    Forward,
    Backward,
}
