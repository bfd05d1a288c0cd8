namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// Which pass a recurrent layer's matrix product belongs to, for <see cref="RecurrentEmitter.FusesProductsFor"/>: the
/// forward's gate products (one-sequence, block and group forward, the input projection) or the backward's (the
/// transposed products of BPTT and the input gradient, and every weight-gradient partial sum).
/// </summary>
internal enum ProductPass
{
    Forward,
    Backward,
}
