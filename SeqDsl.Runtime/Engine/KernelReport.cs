using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace SeqDsl;

/// <summary>
/// The cost of a model declaration, computed by the generator from the model's layer plan: kernel launches per
/// training step and per inference batch, FLOPs and bytes of device-memory traffic per training step and per
/// inference sample, as functions of the batch and the number of steps. Every generated model exposes one as
/// its static <c>KernelReport</c>.
/// </summary>
/// <remarks>
/// Counting rules. FLOPs: the multiply-adds of the matrix products (2 FLOPs each) — recurrent input and
/// recurrent products, Dense and Conv1D products, and in the backward pass the input-gradient products (none
/// for the first layer, which passes no gradient on) and the weight-gradient products; element-wise gate math,
/// activations and bias sums are not counted, as GEMM-based FLOP rates do not count them. Bytes: the compulsory
/// device-memory traffic, every tensor a kernel reads or writes counted once per launch (inputs, outputs, the
/// forward pass's cached gate values, gate gradients, and the layer's weights and weight gradients once per
/// launch); re-reads that the device's caches serve are not counted. The loss kernel and the optimizer's fused
/// update are part of a training step, and so are the model-wide launches (<see cref="ModelWideLaunches"/>: every layer's
/// weight copies before the backward pass, every layer's partial sums after it, whose bytes the layers count); with
/// clipping by global norm the optimizer adds two launches. Steps: the
/// methods take the model's input steps; each layer is counted at the steps its kernels loop over, which window layers
/// (Conv1D, pooling) shorten or stride exactly as the model's time axis does (<see cref="LayerCost.StepsFor"/>).
/// Launches are those of the CPU schedules (<see cref="KernelSchedule.ThreadPerSequence"/> and
/// <see cref="KernelSchedule.HostCode"/>), a launch per layer and pass; where the thread schedule runs on a CPU device
/// (PoCL, or ILGPU's CPU accelerator running ILGPU's kernels), each run of consecutive Conv1D layers takes one launch per
/// pass instead, a thread per sample through every layer (or one per part of a long run): see
/// <see cref="LaunchesPerTrainingStepWithConvStacks"/>; and each narrow plain recurrent layer's backward and weight-gradient
/// partials take one launch instead of two (<see cref="JoinedBackwardLaunchesSaved"/>); and a model of such layers under a
/// Dense head runs its whole training pass, every layer's kernels and the loss's, in one launch on PoCL
/// (<see cref="TrainingPassLaunchesSaved"/>). The GPU schedule (<see cref="KernelSchedule.GroupPerSequence"/>) takes the
/// input's matrix products out of each plain recurrent layer's recurrence: one more forward launch per such layer
/// (every step's input projection) and, after the first layer, one more backward launch (the input gradient), for the
/// same FLOPs and, per step, one more write and read of the gate pre-activations and one more read of the gate
/// gradients.
/// </remarks>
public sealed class KernelReport
{
    /// <summary>Launches of one optimizer update (Adam or SGD: one fused kernel over the flat parameter buffer).</summary>
    public const int OptimizerLaunches = 1;

    /// <summary>FLOPs of the Adam update per parameter (moments, square root, division, update).</summary>
    public const double OptimizerFlopsPerParameter = 15;

    /// <summary>Bytes of the Adam update per parameter: weight, gradient, two moments and the trainable mask read, weight and moments written.</summary>
    public const double OptimizerBytesPerParameter = 8 * sizeof(float);

    /// <summary>Creates a report; the generator calls this with the model's costs.</summary>
    /// <param name="model">The model's class name.</param>
    /// <param name="parameterCount">The model's parameters (the optimizer updates them all).</param>
    /// <param name="layers">The layers' costs, in order.</param>
    /// <param name="loss">The loss kernel's cost (its forward part; it has no backward).</param>
    /// <param name="minimumInputSteps">The fewest input steps the model accepts (valid windows need more than one).</param>
    /// <param name="modelWideLaunches">Launches of a training step that serve every layer at once (the weight copies the
    /// backward kernels read, before the backward pass; the sums of per-sample weight-gradient partials, after it).</param>
    /// <param name="convStackForwardLaunchesSaved">Forward launches that stack kernels save where they run (see <see cref="ConvStackForwardLaunchesSaved"/>).</param>
    /// <param name="convStackBackwardLaunchesSaved">Backward launches that stack kernels save where they run.</param>
    /// <param name="joinedBackwardLaunchesSaved">Backward launches that joined recurrent backward kernels save where they run (see <see cref="JoinedBackwardLaunchesSaved"/>).</param>
    /// <param name="trainingPassLaunchesSaved">Launches that the training-pass kernel saves where it runs (see <see cref="TrainingPassLaunchesSaved"/>).</param>
    public KernelReport(string model, int parameterCount, IReadOnlyList<LayerCost> layers, LayerCost loss, int minimumInputSteps = 1, int modelWideLaunches = 0,
        int convStackForwardLaunchesSaved = 0, int convStackBackwardLaunchesSaved = 0, int joinedBackwardLaunchesSaved = 0, int trainingPassLaunchesSaved = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(loss);
        Model = model;
        ParameterCount = parameterCount;
        Layers = layers;
        Loss = loss;
        ArgumentOutOfRangeException.ThrowIfNegative(modelWideLaunches);
        ModelWideLaunches = modelWideLaunches;
        MinimumInputSteps = Math.Max(1, minimumInputSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(convStackForwardLaunchesSaved);
        ArgumentOutOfRangeException.ThrowIfNegative(convStackBackwardLaunchesSaved);
        ConvStackForwardLaunchesSaved = convStackForwardLaunchesSaved;
        ConvStackBackwardLaunchesSaved = convStackBackwardLaunchesSaved;
        ArgumentOutOfRangeException.ThrowIfNegative(joinedBackwardLaunchesSaved);
        JoinedBackwardLaunchesSaved = joinedBackwardLaunchesSaved;
        ArgumentOutOfRangeException.ThrowIfNegative(trainingPassLaunchesSaved);
        TrainingPassLaunchesSaved = trainingPassLaunchesSaved;
    }

    /// <summary>
    /// Launches PoCL's thread schedule saves where one kernel runs a batch's whole training pass, a thread
    /// per sequence through every layer's forward, the loss, and every layer's backward and partials: the per-sample
    /// launches it replaces less its own. Only models of narrow plain recurrent layers (see
    /// <see cref="JoinedBackwardLaunchesSaved"/>) under a Dense head get it; 0 for any other model.
    /// </summary>
    public int TrainingPassLaunchesSaved { get; }

    /// <summary>
    /// Backward launches the thread schedule saves on a CPU device, where each narrow plain recurrent layer runs its
    /// backward and its weight-gradient partials as one kernel, a thread per sequence: one per such layer. Narrow: gates
    /// of at most 128 columns. Plain: one direction; a SimpleRNN, an LSTM without peepholes or a reset-after GRU; no
    /// layer normalization, dropout, carried or returned state, GoBackwards or softmax activation. 0 for a model without one.
    /// </summary>
    public int JoinedBackwardLaunchesSaved { get; }

    /// <summary>
    /// Launches of one training step in the thread schedule on a CPU device: <see cref="LaunchesPerTrainingStep"/> less
    /// what the Conv1D stacks, the joined recurrent backward kernels and the training-pass kernel save. That is PoCL's
    /// count; ILGPU's CPU accelerator running ILGPU's kernels (a test setting; it runs host code by default) has no
    /// training-pass kernel and makes <see cref="TrainingPassLaunchesSaved"/> launches more.
    /// </summary>
    public int LaunchesPerTrainingStepOnCpuThreadSchedule => LaunchesPerTrainingStepWithConvStacks - JoinedBackwardLaunchesSaved - TrainingPassLaunchesSaved;

    /// <summary>
    /// Forward launches the thread schedule saves on a CPU device, where each run of consecutive Conv1D layers runs as
    /// one stack kernel (a thread per sample through every layer of the run; a long run in parts of at most 12 views):
    /// the run's layers less its stacks. 0 for a model without such a run.
    /// </summary>
    public int ConvStackForwardLaunchesSaved { get; }

    /// <summary>Backward launches saved the same way (<see cref="ConvStackForwardLaunchesSaved"/>); the backward stacks take fewer layers each, as each layer passes more buffers.</summary>
    public int ConvStackBackwardLaunchesSaved { get; }

    /// <summary>
    /// <see cref="LaunchesPerTrainingStep"/> less what the Conv1D stacks save where they run (the thread schedule on a CPU
    /// device); that schedule's whole count, less the joined recurrent backward kernels' savings too, is
    /// <see cref="LaunchesPerTrainingStepOnCpuThreadSchedule"/>.
    /// </summary>
    public int LaunchesPerTrainingStepWithConvStacks => LaunchesPerTrainingStep - ConvStackForwardLaunchesSaved - ConvStackBackwardLaunchesSaved;

    /// <summary>Launches of one inference batch where Conv1D stacks run: <see cref="LaunchesPerInferenceBatch"/> less what the forward stacks save.</summary>
    public int LaunchesPerInferenceBatchWithConvStacks => LaunchesPerInferenceBatch - ConvStackForwardLaunchesSaved;

    /// <summary>
    /// Launches of a training step that serve every layer at once: one that writes every layer's weight copies (a kernel
    /// transposed for its input gradient) before the backward pass, and one that adds up every layer's per-sample
    /// weight-gradient partials after it (a model with more than a dozen such layers takes them in parts). Their bytes
    /// are counted in the layers' backward bytes.
    /// </summary>
    public int ModelWideLaunches { get; }

    /// <summary>The fewest input steps the costs can be asked for: below it a valid window leaves a layer no steps.</summary>
    public int MinimumInputSteps { get; }

    /// <summary>The model's class name.</summary>
    public string Model { get; }

    /// <summary>The model's parameter count.</summary>
    public int ParameterCount { get; }

    /// <summary>Each layer's costs, in order.</summary>
    public IReadOnlyList<LayerCost> Layers { get; }

    /// <summary>The loss kernel's costs.</summary>
    public LayerCost Loss { get; }

    /// <summary>True when every layer has a cost model (otherwise the totals leave those layers out).</summary>
    public bool IsComplete
    {
        get
        {
            foreach (var layer in Layers)
            {
                if (!layer.Counted)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Launches of one training step: every layer's forward and backward launches, the model-wide ones, the loss, the optimizer.</summary>
    public int LaunchesPerTrainingStep
    {
        get
        {
            int n = Loss.ForwardLaunches + ModelWideLaunches + OptimizerLaunches;
            foreach (var layer in Layers)
            {
                n += layer.ForwardLaunches + layer.BackwardLaunches;
            }

            return n;
        }
    }

    /// <summary>Launches of one inference batch (the forward pass).</summary>
    public int LaunchesPerInferenceBatch
    {
        get
        {
            int n = 0;
            foreach (var layer in Layers)
            {
                n += layer.ForwardLaunches;
            }

            return n;
        }
    }

    /// <summary>FLOPs of one training step on <paramref name="batch"/> samples of <paramref name="steps"/> steps.</summary>
    public double TrainingFlops(int batch, int steps)
    {
        CheckSteps(steps);
        double total = Loss.ForwardFlops.For(batch, Loss.StepsFor(steps)) + OptimizerFlopsPerParameter * ParameterCount;
        foreach (var layer in Layers)
        {
            int s = layer.StepsFor(steps);
            total += layer.ForwardFlops.For(batch, s) + layer.BackwardFlops.For(batch, s);
        }

        return total;
    }

    /// <summary>Bytes of device-memory traffic of one training step on <paramref name="batch"/> samples of <paramref name="steps"/> steps.</summary>
    public double TrainingBytes(int batch, int steps)
    {
        CheckSteps(steps);
        double total = Loss.ForwardBytes.For(batch, Loss.StepsFor(steps)) + OptimizerBytesPerParameter * ParameterCount;
        foreach (var layer in Layers)
        {
            int s = layer.StepsFor(steps);
            total += layer.ForwardBytes.For(batch, s) + layer.BackwardBytes.For(batch, s);
        }

        return total;
    }

    /// <summary>FLOPs of the forward pass for one sample of <paramref name="steps"/> steps (per-launch costs left out).</summary>
    public double InferenceFlopsPerSample(int steps)
    {
        CheckSteps(steps);
        double total = 0;
        foreach (var layer in Layers)
        {
            total += layer.ForwardFlops.PerSampleAt(layer.StepsFor(steps));
        }

        return total;
    }

    /// <summary>Bytes of the forward pass for one sample of <paramref name="steps"/> steps (per-launch costs, such as reading the weights, left out).</summary>
    public double InferenceBytesPerSample(int steps)
    {
        CheckSteps(steps);
        double total = 0;
        foreach (var layer in Layers)
        {
            total += layer.ForwardBytes.PerSampleAt(layer.StepsFor(steps));
        }

        return total;
    }

    /// <summary>A table of launches, FLOPs and bytes per layer for one training step of <paramref name="batch"/> × <paramref name="steps"/>.</summary>
    public string Describe(int batch, int steps)
    {
        CheckSteps(steps);
        var b = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        b.Append(c, $"Kernel report of {Model}, training step of batch {batch} × {steps} steps").Append('\n');
        b.Append(c, $"{"layer",-46}{"launches",10}{"fwd MFLOP",12}{"bwd MFLOP",12}{"fwd MB",10}{"bwd MB",10}").Append('\n');
        foreach (var layer in Layers)
        {
            int s = layer.StepsFor(steps);
            b.Append(c, $"{layer.Name + " " + layer.Title + (layer.Counted ? "" : " (not counted)"),-46}{layer.ForwardLaunches + "+" + layer.BackwardLaunches,10}{layer.ForwardFlops.For(batch, s) / 1e6,12:F2}{layer.BackwardFlops.For(batch, s) / 1e6,12:F2}{layer.ForwardBytes.For(batch, s) / 1e6,10:F3}{layer.BackwardBytes.For(batch, s) / 1e6,10:F3}").Append('\n');
        }

        b.Append(c, $"{"loss",-46}{Loss.ForwardLaunches,10}{Loss.ForwardFlops.For(batch, Loss.StepsFor(steps)) / 1e6,12:F2}{"",12}{Loss.ForwardBytes.For(batch, Loss.StepsFor(steps)) / 1e6,10:F3}").Append('\n');
        if (ModelWideLaunches > 0)
        {
            b.Append(c, $"{"every layer: weight copies, partial sums",-46}{ModelWideLaunches,10}").Append('\n');
        }

        b.Append(c, $"{"optimizer",-46}{OptimizerLaunches,10}{OptimizerFlopsPerParameter * ParameterCount / 1e6,12:F2}{"",12}{OptimizerBytesPerParameter * ParameterCount / 1e6,10:F3}").Append('\n');
        b.Append(c, $"total: {LaunchesPerTrainingStep} launches, {TrainingFlops(batch, steps) / 1e6:F2} MFLOP, {TrainingBytes(batch, steps) / 1e6:F3} MB per training step; ");
        b.Append(c, $"inference {LaunchesPerInferenceBatch} launches per batch, {InferenceFlopsPerSample(steps) / 1e3:F1} kFLOP and {InferenceBytesPerSample(steps) / 1e3:F1} kB per sample");
        var kernels = new List<string>();
        if (ConvStackForwardLaunchesSaved + ConvStackBackwardLaunchesSaved > 0)
        {
            kernels.Add("Conv1D stacks");
        }

        if (JoinedBackwardLaunchesSaved > 0)
        {
            kernels.Add("each narrow recurrent layer's backward and partials in one kernel");
        }

        if (TrainingPassLaunchesSaved > 0)
        {
            kernels.Add("on PoCL the whole training pass in one kernel");
        }

        if (kernels.Count > 0)
        {
            b.Append('\n').Append(c, $"on the thread schedule of a CPU device ({string.Join(", ", kernels)}): {LaunchesPerTrainingStepOnCpuThreadSchedule} launches per training step, {LaunchesPerInferenceBatchWithConvStacks} per inference batch");
        }

        return b.ToString();
    }

    private void CheckSteps(int steps)
    {
        if (steps < MinimumInputSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"{Model}'s costs are defined from {MinimumInputSteps} input steps on (below that a valid window leaves a layer no steps); got {steps}.");
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Model + ": " + LaunchesPerTrainingStep.ToString(CultureInfo.InvariantCulture) + " launches per training step, " + LaunchesPerInferenceBatch.ToString(CultureInfo.InvariantCulture) + " per inference batch";
}
