using System.Collections.Generic;
using System.Linq;
using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// One launch for a batch's whole training pass on PoCL (its thread schedule, the default there), for models of narrow recurrent layers under a Dense head: a thread per sequence runs every layer's forward, the loss,
/// and every layer's backward and partial weight gradients, each as that layer's own kernel runs it for one sequence
/// (<see cref="TrainingPassEmitter"/> writes those loops from the kernels' text). A sequence's pass reads no other
/// sequence's results, so the thread needs no other thread's, and every value is the same sum in the same order as in
/// the layers' own kernels: the same bits. The weight copies before it and the sums of the partials after it stay
/// launches of their own: they span the batch.
/// </summary>
/// <remarks>
/// On PoCL a launch costs 10–30 µs whatever its work (the workers' wake-ups, PoCL's queue and the host's enqueue), and W1's
/// batch made 11 launches, 7 of them small; this makes it 4, and a sequence's caches stay in its core's cache from its
/// forward to its backward. The sixteenth session's hand-made prototype of this kernel took W1's epoch from 0.274 to
/// 0.246 s on the 2-core development VM. GPUs keep their launches (a thread per sequence would idle them), and so does
/// host code (its per-layer translations already run on .NET threads without a queue). ILGPU's CPU accelerator running
/// the thread schedule (a test setting) keeps them too: it builds its launchers in an assembly of its own, which may not
/// see the kernel's views struct, private to the model like every generated kernel.
/// </remarks>
internal static class TrainingPassKernel
{
    /// <summary>The kernel, its class and its program field.</summary>
    public const string Method = "TrainingPass";
    public const string ClassName = "TrainingPassKernels";
    public const string Field = "trainingPass";

    /// <summary>The struct that carries the kernel's views: more than the 14 parameters ILGPU loads a kernel with.</summary>
    public const string ViewsType = "Views";

    /// <summary>
    /// The kernel's integer parameters, by the program's expression for them: the batch, the model's steps, and the
    /// outputs per sample the loss kernel takes. A kernel argument that is neither one of these nor a literal keeps the
    /// model's launches.
    /// </summary>
    private static readonly IReadOnlyList<(string Argument, string Parameter)> Integers = new[]
    {
        ("n", "batch"),
        ("steps", "steps"),
        ("OutputsPerSample(steps)", "outputsPerSample"),
    };

    /// <summary>
    /// Whether the model gets the kernel: recurrent layers that each run a sequence through one forward and one joined
    /// backward kernel on the CPU thread schedule, under a last Dense layer that fuses the loss gradient, with integer
    /// arguments the kernel takes.
    /// </summary>
    public static bool AppliesTo(IReadOnlyList<LayerEmitter> layers)
    {
        if (layers.Count < 2 || layers[layers.Count - 1] is not DenseEmitter || LossEmitter.WritesGradient(layers))
        {
            return false;
        }

        if (layers.Take(layers.Count - 1).Any(l => l is not RecurrentEmitter) || layers.Any(l => l.TrainingPassPart is null))
        {
            return false;
        }

        return Kernels(layers).SelectMany(k => k.Arguments).All(a => ProgramView.Is(a) || IsIntegerLiteral(a) || Integers.Any(i => i.Argument == a));
    }

    /// <summary>Every per-sample kernel in the order a thread runs them: each layer's forward, the loss, then each layer's backward, last layer first.</summary>
    public static IReadOnlyList<(string Layer, SampleKernel Kernel)> Sequence(ModelPlan plan, IReadOnlyList<LayerEmitter> layers)
    {
        var list = new List<(string, SampleKernel)>();
        foreach (var layer in layers)
        {
            list.AddRange(layer.TrainingPassPart!.Forward.Select(k => (layer.Describe(), k)));
        }

        list.Add(((LossKind)plan.Spec.Loss + " loss", new SampleKernel(LossEmitter.Method, "the sample's loss and metric", LossEmitter.LaunchArguments(plan, layers))));
        foreach (var layer in layers.Reverse())
        {
            list.AddRange(layer.TrainingPassPart!.Backward.Select(k => (layer.Describe(), k)));
        }

        return list;
    }

    /// <summary>
    /// Launches the kernel saves per training step: the layers' per-sample kernels and the loss kernel, one launch each
    /// otherwise, become its one launch, which saves as many as the layers' kernels.
    /// </summary>
    public static int LaunchesSaved(IReadOnlyList<LayerEmitter> layers) => AppliesTo(layers) ? Kernels(layers).Count() : 0;

    /// <summary>The integer parameters the kernel takes, in order (the batch first), with the program's argument for each.</summary>
    public static IReadOnlyList<(string Argument, string Parameter)> IntegerParameters(ModelPlan plan, IReadOnlyList<LayerEmitter> layers)
    {
        var used = Sequence(plan, layers).SelectMany(s => s.Kernel.Arguments).ToList();
        return Integers.Where(i => i.Parameter == "batch" || used.Contains(i.Argument)).ToList();
    }

    /// <summary>The kernel's parameter for the program's integer argument <paramref name="argument"/>: its name, or the literal itself.</summary>
    public static string IntegerParameter(string argument) =>
        IsIntegerLiteral(argument) ? argument : Integers.Single(i => i.Argument == argument).Parameter;

    /// <summary>
    /// The views struct's field for the program's view <paramref name="argument"/>: the workspace field's name
    /// (<c>layer0Cache!.View</c> → <c>Layer0Cache</c>) or the batch's member (<c>batch.Inputs</c> → <c>Inputs</c>).
    /// </summary>
    public static string ViewField(string argument)
    {
        string name = ProgramView.Parse(argument).Name;
        return char.ToUpperInvariant(name[0]) + name.Substring(1);
    }

    /// <summary>The views the kernels take, each once, in the order a thread first passes them: the views struct's fields.</summary>
    public static IReadOnlyList<string> Views(ModelPlan plan, IReadOnlyList<LayerEmitter> layers) =>
        Sequence(plan, layers).SelectMany(s => s.Kernel.Arguments).Where(ProgramView.Is).Distinct().ToList();

    /// <summary>The program's launch of the kernel (after the weight copies) and the layers' launches after it.</summary>
    public static void EmitLaunch(CodeWriter w, ModelPlan plan, IReadOnlyList<LayerEmitter> layers)
    {
        w.Line("// a thread per sequence through every layer's forward, the loss, and every layer's backward and partials (" + ClassName + ")");
        w.Line("var views = new " + ClassName + "." + ViewsType);
        w.Line("{");
        foreach (var view in Views(plan, layers))
        {
            w.Line("    " + ViewField(view) + " = " + view + ",");
        }

        w.Line("};");
        string integers = string.Concat(IntegerParameters(plan, layers).Select(i => ", " + i.Argument));
        w.Line(Field + "(device.GroupsFor(n, threadsPerGroup: 1), views" + integers + "); // a group per sequence: PoCL runs a group on one thread");
        foreach (var layer in layers)
        {
            layer.EmitAfterTrainingPass(w);
        }
    }

    private static IEnumerable<SampleKernel> Kernels(IReadOnlyList<LayerEmitter> layers) =>
        layers.SelectMany(l => l.TrainingPassPart is { } part ? part.Forward.Concat(part.Backward) : Enumerable.Empty<SampleKernel>());

    private static bool IsIntegerLiteral(string argument) => argument.Length > 0 && argument.All(char.IsDigit);
}
