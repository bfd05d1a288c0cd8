using System.Collections.Generic;
using System.Linq;
using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>A cost as <c>PerLaunch + batch × (PerSample + PerStep × steps)</c>; mirrors SeqDsl's <c>CostTerms</c>.</summary>
internal readonly record struct Terms(double PerLaunch, double PerSample, double PerStep)
{
    public static readonly Terms Zero = new(0, 0, 0);

    public static Terms operator +(Terms a, Terms b) => new(a.PerLaunch + b.PerLaunch, a.PerSample + b.PerSample, a.PerStep + b.PerStep);
}

/// <summary>
/// One layer's launches, FLOPs and bytes, forward and backward; mirrors SeqDsl's <c>LayerCost</c>. Besides its own
/// launches, a layer may have work done in the model-wide launches (<see cref="ModelWideKernels"/>): weight copies
/// (<paramref name="WeightCopies"/>) and sums of per-sample partials (<paramref name="PartialSumBuffers"/>: the buffers it adds
/// up); their bytes are counted here.
/// </summary>
internal sealed record LayerCostModel(
    string Name,
    string Title,
    int FixedSteps,
    int ForwardLaunches,
    int BackwardLaunches,
    Terms ForwardFlops,
    Terms BackwardFlops,
    Terms ForwardBytes,
    Terms BackwardBytes,
    bool Counted = true,
    int WeightCopies = 0,
    int PartialSumBuffers = 0);

/// <summary>
/// The cost model of the generated kernels, per layer, from the layer plan. It lives beside the emitters because it
/// describes what they emit: the launches each emitter makes per pass, and the tensors its kernels read and write
/// (the recurrent cache and gate-gradient widths come from <see cref="RecurrentEmitter"/> itself). FLOPs count the
/// multiply-adds of matrix products as 2 (element-wise math and bias sums are left out); bytes count each tensor a
/// kernel reads or writes once per launch, in 4-byte floats. The runtime's <c>KernelReport</c> documents the rules.
/// </summary>
internal static class LayerCosts
{
    private const double Float = sizeof(float);

    public static LayerCostModel For(LayerPlan layer)
    {
        bool first = layer.Index == 0;
        double parameters = layer.ParameterCount;
        switch (layer.Spec.Kind)
        {
            case LayerKind.Recurrent:
            case LayerKind.Bidirectional:
                return Recurrent(layer, first, parameters);
            case LayerKind.Dense:
            case LayerKind.TimeDistributed:
                var dense = MatrixPerRow(layer, first, parameters, layer.Input.Features, layer.Output.Features, taps: 1, perStep: layer.Input.IsSequence, fixedSteps: layer.Input.Steps);
                // Over a sequence the weight-gradient launch writes each sample's partials, which the model-wide sum reads.
                if (layer.Input.IsSequence)
                {
                    dense = dense with { PartialSumBuffers = 1, BackwardBytes = dense.BackwardBytes + new Terms(0, 2 * parameters * Float, 0) };
                }

                // The input gradient may read a transposed copy of the kernel, written in the model-wide launch: it reads
                // the kernel and writes [Units, PaddedFeatures].
                return DenseEmitter.TransposesKernel(layer)
                    ? dense with
                    {
                        WeightCopies = 1,
                        BackwardBytes = dense.BackwardBytes + new Terms((layer.Input.Features + LayerEmitter.PadToVectors(layer.Input.Features)) * layer.Output.Features * Float, 0, 0),
                    }
                    : dense;
            case LayerKind.Conv1D:
                // One product of [taps × features] by [filters] per output step; the input is read once per step.
                // One backward launch: the input gradient (not for the first convolution) and each sample's weight-gradient
                // partials (written, then read by the model-wide sum, as TimeDistributed's are). The input gradient reads a
                // transposed copy of the kernel, written in the model-wide launch: it reads the kernel and writes
                // [KernelSize, Filters, PaddedFeatures]. Counted as if each layer read its own output for f' (between two
                // Conv1D layers the later one applies it, reading its input, which its partials read anyway: ActivationFolding).
                var conv = MatrixPerRow(layer, first, parameters, layer.Input.Features, layer.Output.Features, layer.Spec.KernelSize, perStep: true, fixedSteps: layer.Output.Steps);
                double transpose = first ? 0 : layer.Spec.KernelSize * (layer.Input.Features + LayerEmitter.PadToVectors(layer.Input.Features)) * layer.Output.Features * Float;
                return conv with { BackwardLaunches = 1, WeightCopies = first ? 0 : 1, PartialSumBuffers = 1, BackwardBytes = conv.BackwardBytes + new Terms(transpose, 2 * parameters * Float, 0) };
            case LayerKind.MaxPooling1D:
            case LayerKind.AveragePooling1D:
            case LayerKind.GlobalMaxPooling1D:
            case LayerKind.GlobalAveragePooling1D:
                // No products: each input value is read once and each output value written once, and the gradient
                // goes back the same way (not for the first layer).
                double inputs = layer.Input.Features, outputs = layer.Output.Features;
                var pass = layer.Output.IsSequence
                    ? new Terms(0, 0, (inputs * layer.Spec.Strides + outputs) * Float)
                    : new Terms(0, outputs * Float, inputs * Float);
                return new LayerCostModel(layer.Name, layer.Title, layer.Output.IsSequence ? layer.Output.Steps : layer.Input.Steps, 1, first ? 0 : 1, Terms.Zero, Terms.Zero, pass, first ? Terms.Zero : pass);
            case LayerKind.Flatten:
                // A gather of each sample's values into one row, and the gradient scattered back (not for the first layer).
                double width = layer.Output.Features;
                return new LayerCostModel(layer.Name, layer.Title, 0, 1, first ? 0 : 1, Terms.Zero, Terms.Zero,
                    new Terms(0, 2 * width * Float, 0), first ? Terms.Zero : new Terms(0, 2 * width * Float, 0));
            case LayerKind.Dropout:
            case LayerKind.LayerNormalization:
            case LayerKind.BatchNormalization:
            case LayerKind.Embedding:
            case LayerKind.RepeatVector:
                return Elementwise(layer, first, parameters);
            default:
                // Not modelled (the gated WaveNet): only its part in the model-wide partial sums is known.
                return new LayerCostModel(layer.Name, layer.Title, 0, 0, 0, Terms.Zero, Terms.Zero, Terms.Zero, Terms.Zero, Counted: false, PartialSumBuffers: layer.Spec.Kind == LayerKind.WaveNet ? 1 : 0);
        }
    }

    /// <summary>
    /// Layers with no matrix product (0 FLOPs by the counting rules): Dropout, the normalizations, Embedding, RepeatVector.
    /// Forward reads and writes each value once; backward reads the output gradient (and the input for the
    /// normalizations) and writes the input gradient, and a weight-gradient launch, where the layer has weights,
    /// reads them again and writes the weights' gradients.
    /// </summary>
    private static LayerCostModel Elementwise(LayerPlan layer, bool first, double parameters)
    {
        var kind = layer.Spec.Kind;
        bool perStep = layer.Output.IsSequence;
        double input = kind == LayerKind.Embedding ? 1 : layer.Input.Features; // Embedding reads one token id per step
        double output = layer.Output.Features;
        Terms Row(double floats) => perStep ? new Terms(0, 0, floats * Float) : new Terms(0, floats * Float, 0);

        // RepeatVector reads a vector and writes it at every step: its costs are per output step of a vector input.
        if (kind == LayerKind.RepeatVector)
        {
            return new LayerCostModel(layer.Name, layer.Title, layer.Output.Steps, 1, first ? 0 : 1, Terms.Zero, Terms.Zero,
                new Terms(0, input * Float, output * Float), first ? Terms.Zero : new Terms(0, input * Float, output * Float));
        }

        bool normalization = kind is LayerKind.LayerNormalization or LayerKind.BatchNormalization;
        int backwardLaunches = kind switch
        {
            LayerKind.Dropout => first ? 0 : 1, // the mask is regenerated from the seed: no weights
            LayerKind.LayerNormalization => (first ? 0 : 1) + 1, // input gradient, then γ and β
            LayerKind.BatchNormalization => 1, // one thread per feature: input gradient and γ, β together
            _ => 1, // Embedding: the embeddings' gradient (it is always the first layer)
        };
        var forwardBytes = Row(input + output) + new Terms(parameters * Float, 0, 0);
        double backwardPerRow = (first ? 0 : output + input + (normalization ? input : 0)) + (parameters > 0 ? output + input : 0);
        var backwardBytes = Row(backwardPerRow) + new Terms(2 * parameters * Float, 0, 0);
        return new LayerCostModel(layer.Name, layer.Title, perStep ? layer.Output.Steps : 0, 1, backwardLaunches, Terms.Zero, Terms.Zero, forwardBytes, backwardBytes);
    }

    /// <summary>The model-wide launches (<see cref="ModelWideKernels"/>) of a model whose layers cost <paramref name="layers"/>.</summary>
    public static int ModelWideLaunches(IEnumerable<LayerCostModel> layers) =>
        ModelWideKernels.Parts(layers.Sum(l => l.WeightCopies)) + ModelWideKernels.Parts(layers.Sum(l => l.PartialSumBuffers));

    /// <summary>
    /// The loss kernel: per output value a difference, a square (or absolute value) and a sum, and its gradient unless
    /// the last layer's backward kernel computes that itself (<paramref name="gradientFused"/>).
    /// </summary>
    public static LayerCostModel Loss(ModelPlan plan, bool gradientFused)
    {
        const double FlopsPerValue = 3; // d = p − y, d·d, total += …
        double FloatsPerValue = gradientFused ? 2 : 3; // prediction and target read, gradient written unless fused
        const double FloatsPerSample = 2; // the sample's loss and last-step error written
        double outputs = plan.Output.Features;
        bool sequence = plan.Output.IsSequence;
        var flops = sequence ? new Terms(0, 0, FlopsPerValue * outputs) : new Terms(0, FlopsPerValue * outputs, 0);
        var bytes = sequence
            ? new Terms(0, FloatsPerSample * Float, FloatsPerValue * outputs * Float)
            : new Terms(0, (FloatsPerSample + FloatsPerValue * outputs) * Float, 0);
        return new LayerCostModel("loss", ((LossKind)plan.Spec.Loss).ToString(), sequence ? plan.Output.Steps : 0, 1, 0, flops, Terms.Zero, bytes, Terms.Zero);
    }

    private static LayerCostModel Recurrent(LayerPlan layer, bool first, double parameters)
    {
        var cell = (CellKind)layer.Spec.Cell;
        int directions = layer.Spec.Kind == LayerKind.Bidirectional ? 2 : 1;
        double f = layer.Input.Features;
        double u = layer.Spec.Units;
        double gu = RecurrentEmitter.GateWidthOf(layer);

        // The floats RecurrentEmitter caches and the gate gradients it stores per step, by its own layout.
        bool resetAfter = RecurrentEmitter.ResetAfterOf(layer);
        double cache = RecurrentEmitter.CacheWidthOf(layer);
        double gradient = RecurrentEmitter.GradientWidthOf(layer);
        bool sequences = layer.Spec.ReturnSequences;

        // Forward, per step: x·W (F×GU) and h·U (U×GU).
        var forwardFlops = new Terms(0, 0, directions * 2 * (f + u) * gu);

        // Backward, per step: dh = dz·Uᵀ, dx = dz·Wᵀ (not for the first layer), then the weight gradients xᵀ·dz and hᵀ·dz.
        var backwardFlops = new Terms(0, 0, directions * (2 * u * gu + (first ? 0 : 2 * f * gu) + 2 * (f + u) * gu));

        // Forward reads x, writes h and the cache per step, the last state per sample when it returns no sequence, and reads the weights once.
        var forwardBytes = new Terms(parameters * Float, sequences ? 0 : directions * u * Float, directions * (f + u + cache) * Float);

        // BPTT reads the output gradient, the cache (and h for GRU and SimpleRNN), writes the gate gradients and dx;
        // the partial-sum launch reads x, h and the gate gradients and writes each sample's copy of the weight
        // matrices [kernel; recurrent kernel; bias], which the reduction (the model-wide sums, or the layer's own launch)
        // reads to write every weight's gradient. On CPU devices BPTT and the partials may be one launch (not counted
        // here: KernelReport.JoinedBackwardLaunchesSaved).
        double bpttPerStep = (sequences ? u : 0) + cache + (cell == CellKind.LSTM ? 0 : u) + gradient + (first ? 0 : f);
        double weightPerStep = f + u + gradient;
        double biasRows = !layer.Spec.UseBias ? 0 : resetAfter ? 2 : 1;
        double partials = 2 * (f + u + biasRows) * gu;
        // Per launch: the transpose (in the model-wide launch) reads and writes kernel and recurrent kernel; the reduction
        // (model-wide or the layer's own) reads and writes the parameters' gradients.
        double transpose = 2 * (f + u) * gu;
        var backwardBytes = new Terms((2 * parameters + directions * transpose) * Float, directions * ((sequences ? 0 : u) + partials) * Float, directions * (bpttPerStep + weightPerStep) * Float);

        // Per direction: BPTT, the partial sums, and the reduction: a launch of its own, or the model-wide launch's where
        // the direction's weights are only the matrices (RecurrentEmitter.SumsPartialsModelWide); and a copy of the
        // weights in the model-wide launch.
        int ownReductions = RecurrentEmitter.SumsPartialsModelWideOf(layer) ? 0 : 1;
        return new LayerCostModel(layer.Name, layer.Title, layer.Input.Steps, directions, (2 + ownReductions) * directions, forwardFlops, backwardFlops, forwardBytes, backwardBytes, WeightCopies: directions,
            PartialSumBuffers: (1 - ownReductions) * directions);
    }

    /// <summary>A product of each row (a sample, or a step of a sample) by a [taps·features, units] matrix.</summary>
    private static LayerCostModel MatrixPerRow(LayerPlan layer, bool first, double parameters, double features, double units, double taps, bool perStep, int fixedSteps)
    {
        double macs = taps * features * units;
        Terms Row(double value) => perStep ? new Terms(0, 0, value) : new Terms(0, value, 0);

        var forwardFlops = Row(2 * macs);
        var backwardFlops = Row((first ? 0 : 2 * macs) + 2 * macs);

        // Forward reads the row and writes the output; the weights are read once per launch.
        var forwardBytes = Row((features + units) * Float) + new Terms(parameters * Float, 0, 0);

        // Backward reads the output and its gradient, writes the pre-activation gradient and dx; the weight-gradient
        // launch reads the row and the pre-activation gradient and writes every weight's gradient.
        var backwardBytes = Row((3 * units + (first ? 0 : features) + features + units) * Float) + new Terms(2 * parameters * Float, 0, 0);

        return new LayerCostModel(layer.Name, layer.Title, perStep ? fixedSteps : 0, 1, 2, forwardFlops, backwardFlops, forwardBytes, backwardBytes);
    }
}
