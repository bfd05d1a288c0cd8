using System;

namespace SeqDsl;

/// <summary>
/// What one layer's generated kernels cost: launches per pass, FLOPs and bytes of memory traffic, forward and
/// backward (the backward pass includes the weight-gradient reduction). Emitted by the generator from the
/// layer's plan; see <see cref="KernelReport"/> for the counting rules.
/// </summary>
/// <param name="Name">Keras-style layer name (<c>lstm_1</c>), or <c>loss</c> for the loss kernel.</param>
/// <param name="Title">What the layer is (<c>LSTM(20)</c>).</param>
/// <param name="FixedSteps">Steps the layer's kernels loop over when the model fixes them, or 0 when they follow the input's steps.</param>
/// <param name="ForwardLaunches">Kernel launches of the forward pass.</param>
/// <param name="BackwardLaunches">Kernel launches of the backward pass.</param>
/// <param name="ForwardFlops">FLOPs of the forward pass.</param>
/// <param name="BackwardFlops">FLOPs of the backward pass.</param>
/// <param name="ForwardBytes">Bytes the forward pass reads and writes in device memory.</param>
/// <param name="BackwardBytes">Bytes the backward pass reads and writes in device memory.</param>
/// <param name="Counted">False when the generator has no cost model for the layer (its costs read 0).</param>
/// <param name="StepsFromInput">
/// The steps the layer's kernels loop over as a function of the model's input steps, when the model fixes no input
/// steps and window layers (Conv1D, pooling) up to this one shorten or stride the time axis; null when they are the
/// input's steps (or fixed, <paramref name="FixedSteps"/>).
/// </param>
public sealed record LayerCost(
    string Name,
    string Title,
    int FixedSteps,
    int ForwardLaunches,
    int BackwardLaunches,
    CostTerms ForwardFlops,
    CostTerms BackwardFlops,
    CostTerms ForwardBytes,
    CostTerms BackwardBytes,
    bool Counted = true,
    Func<int, int>? StepsFromInput = null)
{
    /// <summary>The steps this layer's kernels loop over when the model's input has <paramref name="steps"/> steps.</summary>
    public int StepsFor(int steps) => FixedSteps > 0 ? FixedSteps : StepsFromInput is null ? steps : StepsFromInput(steps);
}
