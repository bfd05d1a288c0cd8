using System.Collections.Generic;
using System.Linq;
using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// SimpleRNN, LSTM and GRU (Keras semantics and weight layouts), with their options: peephole LSTM, GRU with
/// reset_after false, layer normalization inside the cell, GoBackwards, Bidirectional (every Keras merge mode) and
/// stateful layers (Bidirectional ones too: each direction carries its own state).
/// Schedule: one thread per sequence, the time loop inside the kernel, the state in thread-local arrays of constant
/// size, the innermost loops over the contiguous gate columns (what PoCL's compiler vectorizes); on CPU devices, plain
/// layers with gates wider than 128 columns run four sequences per thread instead (SequenceBlocks). Backward is full
/// backprop through time in one launch; the weight gradients take two more: per-sequence partial sums of the weight
/// matrices (one thread per sequence and row, or block of rows), then one thread per weight adding the partials in sequence order, so
/// the sums are deterministic and need no atomics. A Bidirectional layer runs these
/// kernels once per direction.
/// </summary>
/// <remarks>The kernels are written by the partial files next to this one: Forward, Backward, WeightGradients, RowBlockPartials, SequenceBlocks (the CPU's four sequences per thread), and the cell math (Lstm, Gru, LayerNorm, GruLayerNorm), and the Bidirectional merge (Merge).</remarks>
internal sealed partial class RecurrentEmitter : LayerEmitter
{
    private readonly CellKind cell;
    private readonly int features;
    private readonly int units;
    private readonly ActivationKind activation;
    private readonly ActivationKind gateActivation;
    private readonly RecurrentGroupSchedule? groupSchedule; // the GPU variant of the forward and backward kernels, if it covers this layer
    private readonly IReadOnlyList<RecurrentDirection> directions;

    public RecurrentEmitter(LayerPlan plan, LayerIo io)
        : base(plan, io)
    {
        cell = (CellKind)plan.Spec.Cell;
        features = plan.Input.Features;
        units = plan.Spec.Units;
        activation = ActivationCode.Resolve(plan.Spec.Activation, ActivationKind.Tanh);
        gateActivation = ActivationCode.Resolve(plan.Spec.RecurrentActivation, ActivationKind.Sigmoid);
        directions = RecurrentDirection.For(plan.Spec);
        groupSchedule = FusesLossGradient ? null : RecurrentGroupSchedule.For(plan, io, Prefix); // the group kernels read a loss-gradient buffer
    }

    // The per-step widths of the layer's workspace, from its plan alone: the kernels lay their buffers out by these,
    // and LayerCosts counts the bytes those buffers move by the same numbers, so the two cannot drift apart.

    /// <summary>Gate blocks of a cell: LSTM i, f, c̃, o; GRU z, r, h̃; SimpleRNN one.</summary>
    internal static int GatesOf(CellKind cell) => cell switch
    {
        CellKind.LSTM => 4,
        CellKind.GRU => 3,
        _ => 1,
    };

    /// <summary>Gate pre-activations per step: Gates × units.</summary>
    internal static int GateWidthOf(LayerPlan plan) => GatesOf((CellKind)plan.Spec.Cell) * plan.Spec.Units;

    /// <summary>GRU with reset_after = True: input-side and recurrent-side pre-activations are kept apart.</summary>
    internal static bool ResetAfterOf(LayerPlan plan) => plan.Spec.Cell == (int)CellKind.GRU && plan.Spec.ResetAfter;

    /// <summary>How many layer normalizations a step of a layer-normalized cell has, so how many 1/σ it caches.</summary>
    internal static int NormalizationsOf(CellKind cell) => cell == CellKind.GRU ? 2 : 1;

    /// <summary>Floats the cell itself caches per step (beyond the hidden state).</summary>
    internal static int CellCacheWidthOf(LayerPlan plan)
    {
        int units = plan.Spec.Units;
        return (CellKind)plan.Spec.Cell switch
        {
            CellKind.LSTM => 6 * units, // i, f, c̃, o, the cell state and its activation (which h used: the backward reads it instead of recomputing it)
            CellKind.GRU => ResetAfterOf(plan) ? 4 * units : 3 * units, // z, r, h̃ (and, with reset_after, the recurrent candidate term h·U_h + b_h)
            _ => 0,
        };
    }

    /// <summary>Floats cached per step: the cell's, then with layer normalization the normalized pre-activations and 1/σ.</summary>
    internal static int CacheWidthOf(LayerPlan plan) =>
        CellCacheWidthOf(plan) + (plan.Spec.LayerNorm ? GateWidthOf(plan) + NormalizationsOf((CellKind)plan.Spec.Cell) : 0);

    /// <summary>Gate gradients per step that reach the kernels and bias: input side, then (reset_after) recurrent side.</summary>
    internal static int PreNormalizationWidthOf(LayerPlan plan) => ResetAfterOf(plan) ? 2 * GateWidthOf(plan) : GateWidthOf(plan);

    /// <summary>
    /// Gate gradients stored per step. GRU with reset_after keeps the input-side and the recurrent-side ones (they
    /// differ in the candidate block); a layer-normalized cell also keeps, after those, the gradients after the
    /// normalization (for gamma, beta and the peepholes).
    /// </summary>
    internal static int GradientWidthOf(LayerPlan plan) => PreNormalizationWidthOf(plan) + (plan.Spec.LayerNorm ? GateWidthOf(plan) : 0);

    /// <summary>Why this layer cannot run yet, or null when it can.</summary>
    public static string? Unsupported(LayerPlan plan)
    {
        var s = plan.Spec;
        if (s.Activation == (int)ActivationKind.Softmax || s.RecurrentActivation == (int)ActivationKind.Softmax)
        {
            return "softmax inside a recurrent cell";
        }

        return null;
    }

    private int Gates => GatesOf(cell);

    private int GateWidth => GateWidthOf(Plan);

    private bool Peepholes => cell == CellKind.LSTM && Plan.Spec.Peepholes;

    private bool Normalized => Plan.Spec.LayerNorm;

    /// <summary>GRU with reset_after = False: the reset gate scales h(t−1) before the candidate's recurrent matmul.</summary>
    private bool ResetBefore => cell == CellKind.GRU && !Plan.Spec.ResetAfter;

    /// <summary>GRU with reset_after = True: input-side and recurrent-side pre-activations are kept apart.</summary>
    private bool ResetAfter => ResetAfterOf(Plan);

    private bool Stateful => Plan.Spec.Stateful;

    private bool Bidirectional => Plan.Spec.Kind == LayerKind.Bidirectional;

    private bool ReturnSequences => Plan.Spec.ReturnSequences;

    /// <summary>Floats of the layer's output per step (2·units for a concatenating Bidirectional layer).</summary>
    private int OutputWidth => Plan.Output.Features;

    /// <summary>Average merge: each direction contributes half.</summary>
    private string MergeScale => Bidirectional && Plan.Spec.MergeMode == (int)MergeModeKind.Average ? "0.5f * " : "";

    private bool Concatenates => Bidirectional && Plan.Spec.MergeMode == (int)MergeModeKind.Concat;

    private int CellCacheWidth => CellCacheWidthOf(Plan);

    /// <summary>Where the layer normalization's cache starts in a step: the normalized pre-activations, then 1/σ.</summary>
    private int LayerNormStart => CellCacheWidth;

    private int CacheWidth => CacheWidthOf(Plan);

    private int GradientWidth => GradientWidthOf(Plan);

    private int PreNormalizationWidth => PreNormalizationWidthOf(Plan);

    /// <summary>Where, within a step's gate gradients, those of the gate pre-activations after the normalization start.</summary>
    private int GateSide => Normalized ? PreNormalizationWidth : 0;

    /// <summary>Floats of carried state per sequence: h, and c for LSTM.</summary>
    private int StateWidth => cell == CellKind.LSTM ? 2 * units : units;

    /// <summary>Whether the weight-gradient kernel reads the forward cache (peepholes, normalization, reset-before GRU).</summary>
    private bool WeightGradientsReadCache => Peepholes || Normalized || ResetBefore;

    /// <summary>A separate buffer of hidden states (otherwise the layer's output is the state sequence).</summary>
    private bool OwnStates => !ReturnSequences || Bidirectional;

    private string StatesView(RecurrentDirection d) => OwnStates ? FieldPrefix + d.Tag + "States!.View" : Io.Output;

    private string CacheView(RecurrentDirection d) => CacheWidth > 0 ? FieldPrefix + d.Tag + "Cache!.View" : StatesView(d);

    private string InitialView(RecurrentDirection d) => FieldPrefix + d.Tag + "Initial!.View";

    private string CarryView(RecurrentDirection d) => FieldPrefix + d.Tag + "Carry!.View";

    private string GateGradientView(RecurrentDirection d) => FieldPrefix + d.Tag + "GateGradient!.View";

    private string TransposedView(RecurrentDirection d) => FieldPrefix + d.Tag + "Transposed!.View";

    private string PartialsView(RecurrentDirection d) => FieldPrefix + d.Tag + "WeightPartials!.View";

    public override IEnumerable<WorkspaceBuffer> Workspace
    {
        get
        {
            foreach (var d in directions)
            {
                string of = Bidirectional ? " (" + (d.Reversed ? "backward" : "forward") + " direction)" : "";
                if (OwnStates)
                {
                    yield return new WorkspaceBuffer(FieldPrefix + d.Tag + "States", "steps * " + I(units), (ReturnSequences ? "hidden state of every step" : "hidden state of every step (the layer outputs only the last)") + of);
                }

                if (CacheWidth > 0)
                {
                    yield return new WorkspaceBuffer(FieldPrefix + d.Tag + "Cache", "steps * " + I(CacheWidth), CachePurpose + of);
                }

                yield return new WorkspaceBuffer(FieldPrefix + d.Tag + "GateGradient", "steps * " + I(GradientWidth), "gradient of the gate pre-activations per step" + of);
                yield return new WorkspaceBuffer(FieldPrefix + d.Tag + "Transposed", I(TransposedRow * GateWidth), "kernel and recurrent kernel transposed (rows padded) for the backward pass" + of, PerBatch: true);
                yield return new WorkspaceBuffer(FieldPrefix + d.Tag + "WeightPartials", I(MatrixCount(d)), "each sequence's partial gradient of kernel, recurrent kernel and bias" + of);
                if (Stateful)
                {
                    yield return new WorkspaceBuffer(FieldPrefix + d.Tag + "Initial", I(StateWidth), "the carried state this batch started from (backward reads it as the state before step 0)");
                }

                if (ReturnsState)
                {
                    yield return ReturnedStateWorkspace(d);
                }
            }
        }
    }

    public override IEnumerable<WorkspaceBuffer> Persistent
    {
        get
        {
            if (Stateful)
            {
                foreach (var d in directions)
                {
                    yield return new WorkspaceBuffer(FieldPrefix + d.Tag + "Carry", I(StateWidth), "final " + (cell == CellKind.LSTM ? "h and c" : "h") + " of each sequence, carried into the next batch until ResetStates()");
                }
            }
        }
    }

    private string CachePurpose
    {
        get
        {
            string cellPart = cell switch
            {
                CellKind.LSTM => "gate activations i, f, c̃, o, the cell state and its activation per step",
                CellKind.GRU => ResetBefore ? "gates z, r and candidate h̃ per step" : "gates z, r, candidate h̃ and recurrent candidate term per step",
                _ => "",
            };
            if (!Normalized)
            {
                return cellPart;
            }

            return (cellPart.Length == 0 ? "" : cellPart + ", then ") + "the normalized pre-activations and 1/σ of the cell's layer normalization per step";
        }
    }

    public override IEnumerable<KernelField> Kernels
    {
        get
        {
            foreach (var d in directions)
            {
                // Forward and backward have a group-per-sequence variant only for a one-direction plain layer (groupSchedule is
                // null otherwise); the weight-gradient partials have a GPU variant (one thread per column) for every layer.
                yield return new KernelField(FieldPrefix + d.Tag + "Forward", Types(ForwardArguments(d)), Prefix + d.Tag + "Forward", groupSchedule?.ForwardMethod);
                yield return new KernelField(FieldPrefix + d.Tag + "Backward", Types(BackwardArguments(d)), Prefix + d.Tag + "Backward", groupSchedule?.BackwardMethod);
                yield return new KernelField(FieldPrefix + d.Tag + "WeightGradientPartials", Types(WeightGradientPartialsArguments(d)), Prefix + d.Tag + "WeightGradientPartials", ColumnPartialsMethod(d),
                    ThreadMethod: TilesPartialColumns ? TiledPartialsMethod(d) : null);
                if (!SumsPartialsModelWide)
                {
                    yield return new KernelField(FieldPrefix + d.Tag + "WeightGradients", Types(WeightGradientArguments(d)), Prefix + d.Tag + "WeightGradients", PerWeightGradientsMethod(d));
                }
            }

            if (JoinsBackwardAndPartials)
            {
                yield return new KernelField(BackwardWithPartialsField, Types(BackwardWithPartialsArguments(directions[0])), BackwardWithPartialsMethod, BlockOnly: true);
            }

            if (HasSequenceBlocks)
            {
                yield return new KernelField(BlockForwardField, Types(ForwardArguments(directions[0])), BlockForwardMethod, BlockOnly: true);
                yield return new KernelField(BlockBackwardField, Types(BackwardArguments(directions[0])), BlockBackwardMethod, BlockOnly: true);
            }

            // The GPU schedule takes the input's matrix products out of the recurrence: one launch before the forward
            // (the input projection of every step) and, after the first layer, one after the backward (the input gradient).
            if (groupSchedule is not null)
            {
                var d = directions[0];
                yield return new KernelField(FieldPrefix + "InputProjection", Types(InputProjectionArguments(d)), groupSchedule.InputProjectionMethod, GroupOnly: true);
                if (groupSchedule.InputGradientMethod is { } inputGradient)
                {
                    yield return new KernelField(FieldPrefix + "InputGradient", Types(InputGradientArguments(d)), inputGradient, GroupOnly: true);
                }
            }
        }
    }

    /// <summary>The GPU schedule's input projection: the forward's arguments it reads (it writes the cache).</summary>
    private List<Argument> InputProjectionArguments(RecurrentDirection d) => Pick(ForwardArguments(d), RecurrentGroupSchedule.InputProjectionParameters);

    /// <summary>The GPU schedule's input gradient: the backward's arguments it reads (it writes the input gradient).</summary>
    private List<Argument> InputGradientArguments(RecurrentDirection d) => Pick(BackwardArguments(d), RecurrentGroupSchedule.InputGradientParameters);

    /// <summary>The arguments of <paramref name="names"/>, in that order: one order for a kernel's signature and its launch.</summary>
    private static List<Argument> Pick(List<Argument> arguments, IReadOnlyList<string> names) =>
        names.Select(name => arguments.Single(a => a.Name == name)).ToList();

    /// <summary>A kernel argument: its type, its name in the kernel, and what the launch passes.</summary>
    private sealed record Argument(string Type, string Name, string Value);

    private const string Floats = "ArrayView<float>";

    private List<Argument> ForwardArguments(RecurrentDirection d)
    {
        var list = new List<Argument>
        {
            new(Floats, "parameters", "batch.Parameters"),
            new(Floats, "input", Io.Input),
            new("ArrayView<int>", "rows", "batch.Rows"),
            new(Floats, "states", StatesView(d)),
            new(Floats, "output", Io.Output),
            new(Floats, "cache", CacheView(d)),
        };
        if (Stateful)
        {
            list.Add(new(Floats, "carry", CarryView(d)));
            list.Add(new(Floats, "initial", InitialView(d)));
        }
        else if (ReturnsState)
        {
            AddReturnStateArguments(list, d);
        }

        AddDropoutArguments(list);
        list.Add(new("int", "batch", "n"));
        list.Add(new("int", "steps", "steps"));
        return list;
    }

    private List<Argument> BackwardArguments(RecurrentDirection d)
    {
        var list = new List<Argument>
        {
            new(Floats, "parameters", "batch.Parameters"),
            new(Floats, "states", StatesView(d)),
            new(Floats, "cache", CacheView(d)),
        };
        if (FusesLossGradient)
        {
            if (Bidirectional)
            {
                list.Add(new(Floats, "output", Io.Output)); // the merged prediction the loss gradient is computed from
            }

            list.Add(new(Floats, "targets", "batch.Targets"));
            list.Add(new("ArrayView<int>", "rows", "batch.Rows"));
        }
        else
        {
            list.Add(new(Floats, "outputGradient", Io.OutputGradient));
        }

        list.Add(new(Floats, "inputGradient", Io.InputGradient));
        list.Add(new(Floats, "gateGradient", GateGradientView(d)));
        list.Add(new(Floats, "transposed", TransposedView(d)));
        if (Stateful)
        {
            list.Add(new(Floats, "initial", InitialView(d)));
        }

        AddMergeArguments(list, d);
        AddDropoutArguments(list);
        list.Add(new("int", "batch", "n"));
        list.Add(new("int", "steps", "steps"));
        return list;
    }

    private List<Argument> WeightGradientPartialsArguments(RecurrentDirection d)
    {
        var list = new List<Argument>
        {
            new(Floats, "input", Io.Input),
            new("ArrayView<int>", "rows", "batch.Rows"),
            new(Floats, "states", StatesView(d)),
            new(Floats, "gateGradient", GateGradientView(d)),
            new(Floats, "partials", PartialsView(d)),
        };
        if (ResetBefore)
        {
            list.Add(new(Floats, "cache", CacheView(d)));
        }

        if (Stateful)
        {
            list.Add(new(Floats, "initial", InitialView(d)));
        }

        AddDropoutArguments(list);
        list.Add(new("int", "batch", "n"));
        list.Add(new("int", "steps", "steps"));
        return list;
    }

    private List<Argument> WeightGradientArguments(RecurrentDirection d)
    {
        var list = new List<Argument>
        {
            new(Floats, "partials", PartialsView(d)),
            new(Floats, "gradients", "batch.Gradients"),
        };
        // Only a layer with peepholes or layer normalization has its own reduction: those gradients are summed there
        // from the gate gradients and the cache.
        list.Add(new(Floats, "gateGradient", GateGradientView(d)));
        list.Add(new(Floats, "cache", CacheView(d)));
        if (Stateful && Peepholes)
        {
            list.Add(new(Floats, "initial", InitialView(d))); // c before step 0, for the input and forget peepholes
        }

        list.Add(new("int", "batch", "n"));
        list.Add(new("int", "steps", "steps"));
        return list;
    }

    private static string Types(List<Argument> arguments) => string.Join(", ", arguments.Select(a => a.Type));

    private static string Signature(List<Argument> arguments) => string.Join(", ", arguments.Select(a => a.Type + " " + a.Name));

    private static string Values(List<Argument> arguments) => string.Join(", ", arguments.Select(a => a.Value));

    public override void EmitForward(CodeWriter w)
    {
        w.Line("// " + Describe());
        if (groupSchedule is not null)
        {
            w.Line("if (" + RecurrentGroupSchedule.Flag + ") " + FieldPrefix + "InputProjection!(device.GridFor((long)n * steps * " + I(GateWidth) + "), " + Values(InputProjectionArguments(directions[0])) + "); // a thread per (sequence, step, gate column)");
        }

        foreach (var d in directions)
        {
            EmitLaunch(w, FieldPrefix + d.Tag + "Forward", groupSchedule?.ForwardGrid ?? "device.SequencesFor(n)", BlockForwardField, Values(ForwardArguments(d)));
        }
    }

    public override IEnumerable<WeightTranspose> Transposes =>
        directions.Select(d => new WeightTranspose(Describe() + Of(d) + ": the kernel and recurrent kernel transposed to [GateWidth, PaddedFeatures + PaddedUnits] (zero padding) for the backward pass",
            FieldPrefix + d.Tag + "Transposed", TransposedRow * GateWidth, (w, transposed) => EmitTransposeLoop(w, d, transposed)));

    public override void EmitBackward(CodeWriter w)
    {
        w.Line("// " + Describe());
        foreach (var d in directions)
        {
            if (JoinsBackwardAndPartials)
            {
                EmitBackwardWithPartialsLaunch(w, d);
            }
            else
            {
                EmitSeparateBackwardLaunches(w, d, fallback: false);
            }

            if (SumsPartialsModelWide)
            {
                continue; // summed by the model's WeightGradients launch after the backward pass
            }

            w.Line(FieldPrefix + d.Tag + "WeightGradients(" + RecurrentGroupSchedule.Flag + " ? device.GridFor(" + I(WeightCount(d)) + ") : device.GridFor(" + I(ReductionThreads(d)) + "), " + Values(WeightGradientArguments(d)) + ");");
        }
    }

    /// <summary>
    /// The backward (or, where loaded and the batch fills a block, the block backward), the GPU schedule's input
    /// gradient, and the weight-gradient partials, each a launch.
    /// </summary>
    /// <param name="fallback">In the branch where the joined backward is not loaded: the launchers are nullable there.</param>
    private void EmitSeparateBackwardLaunches(CodeWriter w, RecurrentDirection d, bool fallback)
    {
        string grid = groupSchedule?.BackwardGrid ?? "device.SequencesFor(n)";
        if (fallback)
        {
            w.Line(FieldPrefix + d.Tag + "Backward!(" + grid + ", " + Values(BackwardArguments(d)) + ");");
        }
        else
        {
            EmitLaunch(w, FieldPrefix + d.Tag + "Backward", grid, BlockBackwardField, Values(BackwardArguments(d)));
        }

        if (groupSchedule?.InputGradientMethod is not null)
        {
            w.Line("if (" + RecurrentGroupSchedule.Flag + ") " + FieldPrefix + "InputGradient!(device.GridFor((long)n * steps * " + I(features) + "), " + Values(InputGradientArguments(d)) + "); // a thread per (sequence, step, input feature)");
        }

        w.Line(FieldPrefix + d.Tag + "WeightGradientPartials" + (fallback ? "!" : "") + "(" + RecurrentGroupSchedule.Flag + " ? device.GridFor((long)n * " + I(MatrixRows(d) * GateWidth) + ") : " + ThreadPartialsGrid(d) + ", " + Values(WeightGradientPartialsArguments(d)) + ");");
    }

    public override void EmitResetStates(CodeWriter w)
    {
        foreach (var d in directions)
        {
            if (Stateful)
            {
                w.Line(FieldPrefix + d.Tag + "Carry.MemSetToZero(); // " + Plan.Name);
            }
        }
    }

    /// <summary>The parameter tensors of one direction, in buffer order.</summary>
    private List<ParameterTensor> TensorsOf(RecurrentDirection d) =>
        Plan.Parameters.Where(p => d.TensorPrefix.Length == 0 || p.Name.StartsWith(d.TensorPrefix, System.StringComparison.Ordinal)).ToList();

    private int WeightCount(RecurrentDirection d) => TensorsOf(d).Sum(p => p.Length);

    private ParameterTensor? Tensor(RecurrentDirection d, string name) => Tensor(d.TensorPrefix + name);

    public override void EmitKernels(CodeWriter w)
    {
        for (int i = 0; i < directions.Count; i++)
        {
            if (i > 0)
            {
                w.Line();
            }

            var d = directions[i];
            EmitForwardKernel(w, d);
            w.Line();
            EmitBackwardKernel(w, d);
            w.Line();
            if (JoinsBackwardAndPartials)
            {
                EmitBackwardKernel(w, d, withPartials: true);
                w.Line();
            }

            EmitRowBlockPartialsKernel(w, d, tiled: false);
            w.Line();
            if (TilesPartialColumns)
            {
                EmitRowBlockPartialsKernel(w, d, tiled: true);
                w.Line();
            }

            EmitColumnPartialsKernel(w, d);
            if (!SumsPartialsModelWide)
            {
                w.Line();
                EmitWeightGradientKernel(w, d, perWeight: false);
                w.Line();
                EmitWeightGradientKernel(w, d, perWeight: true);
            }
        }

        if (HasSequenceBlocks)
        {
            w.Line();
            EmitBlockForwardKernel(w, directions[0]);
            w.Line();
            EmitBlockBackwardKernel(w, directions[0]);
        }

        if (groupSchedule is not null)
        {
            w.Line();
            groupSchedule.EmitKernels(w, Signature(InputProjectionArguments(directions[0])), Signature(InputGradientArguments(directions[0])));
        }
    }

    /// <summary>Names this direction in kernel summaries ("" for a one-direction layer).</summary>
    private string Of(RecurrentDirection d) =>
        Bidirectional ? (d.Reversed ? " (backward direction, reading the input from the last step)" : " (forward direction)")
        : d.Reversed ? " (GoBackwards: step t reads input step steps − 1 − t, outputs in that order)" : "";

    /// <summary>The constants of the weights a kernel reads.</summary>
    private void Layout(CodeWriter w, RecurrentDirection d, bool backward = false)
    {
        // The backward pass reads no bias, and the first layer's backward computes no input gradient.
        if (!backward || !Io.IsFirst)
        {
            Const(w, "Features", features, "input features per step");
        }

        Const(w, "Units", units);
        Const(w, "GateWidth", GateWidth, cell switch
        {
            CellKind.LSTM => "gates i, f, c̃, o (Keras order), each Units wide",
            CellKind.GRU => "gates z, r, h̃ (Keras order), each Units wide",
            _ => "one block: the new state",
        });
        string layer = Plan.Name + "/" + d.TensorPrefix;
        // Backward reads the kernels transposed (the copies of Transposes, written by the model's TransposeWeights), except reset-before GRU's r ⊙ h(t−1) path.
        if (!backward)
        {
            Const(w, "Kernel", Tensor(d, "kernel")!.Offset, layer + "kernel [Features, GateWidth]");
        }

        if (!backward || ResetBefore)
        {
            Const(w, "RecurrentKernel", Tensor(d, "recurrent_kernel")!.Offset, layer + "recurrent_kernel [Units, GateWidth]");
        }
        if (!backward && Tensor(d, "bias") is { } bias)
        {
            Const(w, "Bias", bias.Offset, layer + "bias " + (bias.Rows == 2 ? "[2, GateWidth]: input bias, then recurrent bias" : "[GateWidth]"));
        }

        if (Peepholes)
        {
            Const(w, "InputPeephole", Tensor(d, "input_gate_peephole")!.Offset, layer + "input_gate_peephole [Units]: c(t−1) → i");
            Const(w, "ForgetPeephole", Tensor(d, "forget_gate_peephole")!.Offset, layer + "forget_gate_peephole [Units]: c(t−1) → f");
            Const(w, "OutputPeephole", Tensor(d, "output_gate_peephole")!.Offset, layer + "output_gate_peephole [Units]: c(t) → o");
        }

        if (Normalized)
        {
            Const(w, "Gamma", Tensor(d, "layer_norm_gamma")!.Offset, layer + "layer_norm_gamma [GateWidth]");
            if (!backward)
            {
                Const(w, "Beta", Tensor(d, "layer_norm_beta")!.Offset, layer + "layer_norm_beta [GateWidth]");
            }
        }

        // SimpleRNN's backward needs no state before step 0 (only the weight gradients do).
        if ((Stateful && (!backward || cell != CellKind.SimpleRNN)) || (ReturnsState && !backward))
        {
            Const(w, "StateWidth", StateWidth, cell == CellKind.LSTM ? "carried state per sequence: h, then c" : "carried state per sequence: h");
        }

        if (Bidirectional)
        {
            Const(w, "OutputWidth", OutputWidth, MergeDescription);
            Const(w, "Column", Concatenates && d.Reversed ? units : 0, "where this direction's units start in an output row");
        }
    }

    private string InputRow(string b) => Io.IsFirst ? "(long)rows[" + b + "] * steps" : "(long)" + b + " * steps";

    /// <summary>The input step read at processing step <paramref name="t"/>.</summary>
    private static string InputStep(RecurrentDirection d, string t) => d.Reversed ? "steps - 1 - " + t : t;

    /// <summary>The output step written at processing step t (Bidirectional's backward half writes it back at the input's step).</summary>
    private static string OutputStep(RecurrentDirection d) => d.Realigned ? "steps - 1 - t" : "t";

    /// <summary>h(t−1) of unit <paramref name="j"/> at step s = stateRow + t: the carried state (stateful) or zero before the first step.</summary>
    private string PreviousState(string j) =>
        "t > 0 ? states[(s - 1) * Units + " + j + "] : " + (Stateful ? "initial[(long)b * StateWidth + " + j + "]" : "0f");
}
