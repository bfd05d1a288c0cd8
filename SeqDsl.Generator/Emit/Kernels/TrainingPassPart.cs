using System.Collections.Generic;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// A layer kernel that the training-pass kernel runs for one sample (<see cref="TrainingPassKernel"/>): the kernel method
/// whose grid-stride loop it runs for that sample alone, what the kernel does (a comment), and the program's arguments
/// for the kernel's own launch, in its parameters' order.
/// </summary>
internal sealed record SampleKernel(string Method, string What, IReadOnlyList<string> Arguments);

/// <summary>A layer's part of the training-pass kernel: its forward kernels, then its backward kernels, each in the order they run.</summary>
internal sealed record TrainingPassPart(IReadOnlyList<SampleKernel> Forward, IReadOnlyList<SampleKernel> Backward);
