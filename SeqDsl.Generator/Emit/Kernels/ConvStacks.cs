using System.Collections.Generic;
using System.Linq;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// One launch per pass, or per part of it, for a run of consecutive Conv1D layers on CPU devices (the thread schedule on
/// PoCL or ILGPU's CPU accelerator): a thread per sample walks every layer of the run in turn, running each layer's own
/// loops over that sample's items alone (<see cref="Conv1DEmitter.EmitStackForward"/>, <see cref="Conv1DEmitter.EmitStackBackward"/>).
/// A Conv1D layer reads only its own sample's steps of the layer before, so the thread needs no other thread's results,
/// and every value is the same sum in the same order as in the layer's own kernel: the same bits.
/// </summary>
/// <remarks>
/// On PoCL a launch costs 5–30 µs whatever its work (the worker threads' wake-ups and PoCL's queue), and a layer of the
/// seed's WaveNet is about 50 µs of work per batch: its 22 launches per batch became 10, and its epoch 17% shorter on the
/// 2-core development VM (benchmarks/results/2026-11-27-conv1d-stacks.txt). Each sample is a group of its own, so that
/// PoCL, which runs a group on one of its threads, spreads the samples over every core. GPUs keep a launch per layer,
/// whose thousands of threads a thread per sample would idle, and host code keeps its per-layer translations. A run whose
/// kernel would take more views than ILGPU loads (<see cref="MaxViews"/>) comes in parts; a part of one layer is that
/// layer's own launch.
/// </remarks>
internal static class ConvStacks
{
    /// <summary>Parameters of the largest kernel ILGPU loads (<c>LoadStreamKernel</c>'s overloads).</summary>
    private const int MaxKernelParameters = 14;

    /// <summary>Views one stack kernel takes at most: besides them it takes the batch and the model's steps.</summary>
    public const int MaxViews = MaxKernelParameters - 2;

    /// <summary>The forward stacks of a model, first layer first.</summary>
    public static IReadOnlyList<ConvStack> Forward(IReadOnlyList<LayerEmitter> layers) =>
        Parts(layers, ConvStackDirection.Forward);

    /// <summary>The backward stacks of a model, each with its layers last first (the order its thread runs them).</summary>
    public static IReadOnlyList<ConvStack> Backward(IReadOnlyList<LayerEmitter> layers) =>
        Parts(layers, ConvStackDirection.Backward);

    /// <summary>The stack kernels' launchers: loaded only by the thread schedule on a CPU device (<see cref="KernelField.BlockOnly"/>).</summary>
    public static IEnumerable<KernelField> Fields(IReadOnlyList<LayerEmitter> layers) =>
        Forward(layers).Concat(Backward(layers)).Select(s => new KernelField(s.Field, string.Join(", ", s.Parameters.Select(p => p.Type)) + ", int, int", s.Method, BlockOnly: true));

    /// <summary>The stack kernels, written to <c>Kernels</c> after the layers' own, each followed by a blank line as theirs are.</summary>
    public static void EmitKernels(CodeWriter w, ModelPlan plan, IReadOnlyList<LayerEmitter> layers)
    {
        foreach (var stack in Forward(layers).Concat(Backward(layers)))
        {
            EmitKernel(w, plan, stack);
            w.Line();
        }
    }

    /// <summary>The stack whose launch takes the place of layer <paramref name="index"/>'s and the next ones' (the first its thread runs), or null.</summary>
    public static ConvStack? StartingAt(IReadOnlyList<ConvStack> stacks, int index) =>
        stacks.FirstOrDefault(s => s.Layers[0].Plan.Index == index);

    /// <summary>
    /// The per-layer launchers that only a stack's per-layer branch calls: loaded only where the stacks are not
    /// (<see cref="KernelField.BlockOnly"/>'s condition false), so a CPU device compiles no kernel it never runs.
    /// </summary>
    public static ISet<string> ReplacedFields(IReadOnlyList<LayerEmitter> layers) =>
        new HashSet<string>(Forward(layers).SelectMany(s => s.Layers.Select(l => l.ForwardField))
            .Concat(Backward(layers).SelectMany(s => s.Layers.Select(l => l.BackwardField))));

    /// <summary>
    /// The launch of <paramref name="stack"/> where its kernel is loaded, else each layer's own launches, in the stack's
    /// order, each after <paramref name="setSteps"/> of its layer.
    /// </summary>
    public static void EmitLaunch(CodeWriter w, ConvStack stack, System.Action<LayerEmitter> setSteps)
    {
        using (w.Block("if (" + stack.Field + " is not null)"))
        {
            w.Line("// " + Range(stack) + ": one thread per sample through " + I(stack.Layers.Count) + " Conv1D layers (the CPU thread schedule)");
            w.Line(stack.Field + "(device.GroupsFor(n, threadsPerGroup: 1), " + string.Join(", ", stack.Parameters.Select(p => p.Argument)) + ", n, batch.Steps); // a group per sample: PoCL runs a group on one thread");
        }

        using (w.Block("else"))
        {
            foreach (var layer in stack.Layers)
            {
                setSteps(layer);
                if (stack.Direction == ConvStackDirection.Forward)
                {
                    layer.EmitForward(w, inStackFallback: true);
                }
                else
                {
                    layer.EmitBackward(w, inStackFallback: true);
                }
            }
        }
    }

    private static List<ConvStack> Parts(IReadOnlyList<LayerEmitter> layers, ConvStackDirection direction)
    {
        var stacks = new List<ConvStack>();
        foreach (var run in Runs(layers))
        {
            var ordered = direction == ConvStackDirection.Forward ? run : Enumerable.Reverse(run).ToList();
            var part = new List<Conv1DEmitter>();
            foreach (var layer in ordered)
            {
                if (part.Count > 0 && ViewsOf(part.Append(layer), direction).Count > MaxViews)
                {
                    AddStack(stacks, part, direction);
                    part = new List<Conv1DEmitter>();
                }

                part.Add(layer);
            }

            AddStack(stacks, part, direction);
        }

        return stacks;
    }

    /// <summary>Adds <paramref name="part"/> as a stack when it has at least two layers (one layer keeps its own launch).</summary>
    private static void AddStack(List<ConvStack> stacks, List<Conv1DEmitter> part, ConvStackDirection direction)
    {
        if (part.Count < 2)
        {
            return;
        }

        var indices = part.Select(l => l.Plan.Index).OrderBy(i => i).ToList();
        string method = "Layers" + I(indices[0]) + "To" + I(indices[indices.Count - 1]) + direction;
        stacks.Add(new ConvStack(part.ToList(), direction, method, ModelWideKernels.Field(method), ViewsOf(part, direction)));
    }

    /// <summary>Runs of at least two consecutive Conv1D layers, in model order.</summary>
    private static IEnumerable<List<Conv1DEmitter>> Runs(IReadOnlyList<LayerEmitter> layers)
    {
        var run = new List<Conv1DEmitter>();
        foreach (var layer in layers)
        {
            if (layer is Conv1DEmitter conv)
            {
                run.Add(conv);
                continue;
            }

            if (run.Count > 1)
            {
                yield return run;
            }

            run = new List<Conv1DEmitter>();
        }

        if (run.Count > 1)
        {
            yield return run;
        }
    }

    /// <summary>
    /// The kernel parameters of a stack of <paramref name="layers"/>: <c>parameters</c> (forward only: the backward reads
    /// the transposed kernels) and <c>rows</c>, then every view a layer names, once, in the order the thread first uses it.
    /// </summary>
    private static List<StackParameter> ViewsOf(IEnumerable<Conv1DEmitter> layers, ConvStackDirection direction)
    {
        var parameters = new List<StackParameter>();
        if (direction == ConvStackDirection.Forward)
        {
            parameters.Add(new StackParameter("parameters", "ArrayView<float>", "batch.Parameters"));
        }

        parameters.Add(new StackParameter("rows", "ArrayView<int>", "batch.Rows"));
        foreach (var layer in layers)
        {
            foreach (var (_, argument) in Views(layer, direction))
            {
                if (!parameters.Any(p => p.Argument == argument))
                {
                    parameters.Add(new StackParameter(ParameterName(argument), "ArrayView<float>", argument));
                }
            }
        }

        return parameters;
    }

    private static IReadOnlyList<(string Name, string Argument)> Views(Conv1DEmitter layer, ConvStackDirection direction) =>
        direction == ConvStackDirection.Forward ? layer.ForwardViews : layer.BackwardViews;

    /// <summary>
    /// A stack kernel's name for the view the program passes as <paramref name="argument"/>: the workspace field's name
    /// (<c>layer3Output!.View</c> → <c>layer3Output</c>) or the batch's (<c>batch.Targets</c> → <c>batchTargets</c>), never one
    /// of the names the layers' code gives its views (<c>input</c>, <c>targets</c>, …), which each layer's block declares.
    /// </summary>
    private static string ParameterName(string argument)
    {
        var (name, ofBatch) = ProgramView.Parse(argument);
        return ofBatch ? "batch" + name : name;
    }

    private static void EmitKernel(CodeWriter w, ModelPlan plan, ConvStack stack)
    {
        bool forward = stack.Direction == ConvStackDirection.Forward;
        w.Summary(Range(stack) + ", " + I(stack.Layers.Count) + " Conv1D layers: " + (forward ? "forward" : "backward, last layer first") + ", one thread per sample through every layer in turn\n"
            + "(the CPU thread schedule). Each layer's block is its own " + (forward ? "Forward kernel's loop" : "backward kernel's loops") + " over one sample's "
            + (forward ? "output steps" : "steps and partial-sum blocks") + ":\nthe same sums in the same order, in one launch instead of " + I(stack.Layers.Count) + ".");
        string views = string.Join(", ", stack.Parameters.Select(p => p.Type + " " + p.Name));
        using (w.Block("public static void " + stack.Method + "(" + views + ", int batch, int modelSteps)"))
        {
            // Each local array once, as long as its longest use; the layers' blocks use it in turn (Conv1DEmitter.StackScratch).
            var scratch = stack.Layers.SelectMany(l => l.StackScratch(stack.Direction)).GroupBy(a => a.Name);
            foreach (var array in scratch)
            {
                w.Line("var " + array.Key + " = LocalMemory.Allocate<float>(" + I(array.Max(a => a.Length)) + "); // " + array.First().Purpose);
            }

            EmitSampleLoop(w, plan, stack);
        }
    }

    private static void EmitSampleLoop(CodeWriter w, ModelPlan plan, ConvStack stack)
    {
        bool forward = stack.Direction == ConvStackDirection.Forward;
        using (w.Block("for (int b = Grid.GlobalIndex.X; b < batch; b += Grid.Dimension.X * Group.Dimension.X) // sample b, through every layer"))
        {
            ModelWideKernels.EmitLayerBlocks(w, stack.Layers, l => l.Describe(), layer =>
            {
                foreach (var (name, argument) in Views(layer, stack.Direction))
                {
                    w.Line("var " + name + " = " + stack.Parameters.First(p => p.Argument == argument).Name + ";");
                }

                string steps = SequenceSteps.InputOf(plan, layer.Plan.Index, "modelSteps");
                if (forward)
                {
                    layer.EmitStackForward(w, steps);
                }
                else
                {
                    layer.EmitStackBackward(w, steps);
                }
            });
        }
    }

    /// <summary>"conv1d … conv1d_8": the stack's layers by name, in the order its thread runs them.</summary>
    private static string Range(ConvStack stack) => stack.Layers[0].Plan.Name + " … " + stack.Layers[stack.Layers.Count - 1].Plan.Name;

    private static string I(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Which pass a stack kernel runs.</summary>
internal enum ConvStackDirection
{
    Forward,
    Backward,
}

/// <summary>A stack kernel's parameter: its name in the kernel, its type, and the program's argument for it.</summary>
internal sealed record StackParameter(string Name, string Type, string Argument);

/// <summary>A stack kernel: its layers in the order its thread runs them, its method and launcher field, and its view parameters.</summary>
internal sealed record ConvStack(IReadOnlyList<Conv1DEmitter> Layers, ConvStackDirection Direction, string Method, string Field, IReadOnlyList<StackParameter> Parameters);
