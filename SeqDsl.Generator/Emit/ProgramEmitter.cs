using System.Collections.Generic;
using System.Linq;
using SeqDsl.Generator.Emit.Host;
using SeqDsl.Generator.Emit.Kernels;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit;

/// <summary>
/// Writes <c>Model.Program.g.cs</c>: the <c>NetworkProgram</c> that loads the kernels once, owns the workspace,
/// and launches one forward kernel per layer (one per run of Conv1D layers where its stack kernels load,
/// <see cref="ConvStacks"/>), the loss kernel, and the backward kernels in reverse order.
/// </summary>
internal static class ProgramEmitter
{
    private const string Buffer = "MemoryBuffer1D<float, Stride1D.Dense>";

    /// <summary>The program's flag for <c>KernelSchedule.HostCode</c>: launch the host kernels instead of loading ILGPU's.</summary>
    internal const string HostCodeFlag = "hostCode";

    public static GeneratedFile Emit(ModelPlan plan, IReadOnlyList<LayerEmitter> layers)
    {
        var spec = plan.Spec;
        var w = new CodeWriter();
        FileHeader.Open(w, spec, "System", "ILGPU", "ILGPU.Runtime", "global::SeqDsl.Engine");
        var buffers = Buffers(plan, layers);
        using (FileHeader.OpenContainingTypes(w, spec))
        using (w.Block("partial class " + spec.ClassName))
        {
            w.Summary("The kernels of " + spec.ClassName + " loaded on one accelerator, and the workspace they share between the forward and the backward pass.");
            using (w.Block("private sealed class Program : NetworkProgram"))
            {
                w.Line("private const int OutputFeatures = " + plan.Output.Features.ToString(System.Globalization.CultureInfo.InvariantCulture) + ";");
                w.Line();
                w.Line("private readonly global::SeqDsl.SeqDevice device;");
                w.Line("private readonly bool " + HostCodeFlag + "; // kernels run as plain C# on .NET threads (ILGPU's CPU accelerator), not through ILGPU");
                var kernels = layers.SelectMany(l => l.Kernels).Concat(ConvStacks.Fields(layers)).Concat(ModelWideKernels.Fields(layers)).ToList();
                bool hasGroupSchedule = kernels.Any(k => k.GroupMethod is not null || k.GroupOnly);
                if (hasGroupSchedule)
                {
                    w.Line("private readonly bool " + RecurrentGroupSchedule.Flag + "; // GPU kernel variants: one group per sequence in the recurrent layers, one thread per column in their weight-gradient partials, one per value in the convolutions, one per weight in the sums");
                }

                bool hasSequenceBlocks = kernels.Any(k => k.BlockOnly);
                if (hasSequenceBlocks)
                {
                    w.Line("private readonly bool " + RecurrentEmitter.SequenceBlocksFlag + "; // CPU thread schedule: kernels that run a block of sequences per thread (wide recurrent layers), a sequence's backward and partials (narrow ones) or a sequence through a stack of Conv1D layers");
                }

                var replaced = ConvStacks.ReplacedFields(layers);
                replaced.UnionWith(layers.SelectMany(l => l.ReplacedOnCpuThreadSchedule));
                foreach (var k in kernels)
                {
                    w.Line(k.GroupOnly || k.BlockOnly
                        ? "private readonly Action<KernelConfig, " + k.ParameterTypes + ">? " + k.Field + "; // " + (k.GroupOnly ? "GPU schedule only" : "CPU thread schedule only")
                        : replaced.Contains(k.Field)
                        ? "private readonly Action<KernelConfig, " + k.ParameterTypes + ">? " + k.Field + "; // null where the CPU thread schedule's own kernels run it (" + RecurrentEmitter.SequenceBlocksFlag + ")"
                        : "private readonly Action<KernelConfig, " + k.ParameterTypes + "> " + k.Field + ";");
                }

                w.Line("private readonly Action<KernelConfig, " + LossEmitter.ParameterTypes(plan, layers) + "> " + LossEmitter.Field + ";");
                bool trainingPass = TrainingPassKernel.AppliesTo(layers);
                string trainingPassTypes = trainingPass ? TrainingPassKernel.ClassName + "." + TrainingPassKernel.ViewsType + string.Concat(TrainingPassKernel.IntegerParameters(plan, layers).Select(_ => ", int")) : "";
                if (trainingPass)
                {
                    w.Line("private readonly Action<KernelConfig, " + trainingPassTypes + ">? " + TrainingPassKernel.Field + "; // PoCL's thread schedule only: a thread per sequence through the whole training pass");
                }

                w.Line();
                foreach (var (b, _) in buffers)
                {
                    w.Line("private " + Buffer + "? " + b.Name + "; // " + b.Purpose);
                }

                var persistent = Persistent(layers);
                foreach (var b in persistent)
                {
                    w.Line("private readonly " + Buffer + " " + b.Name + "; // " + b.Purpose);
                }

                w.Line("private int reservedBatch;");
                w.Line("private int reservedSteps;");
                w.Line();
                w.Line("public Program(global::SeqDsl.SeqDevice device)");
                using (w.Block("    : base(device.Accelerator)"))
                {
                    w.Line("this.device = device;");
                    w.Line("var accelerator = device.Accelerator;");
                    w.Line(HostCodeFlag + " = device.Schedule == global::SeqDsl.KernelSchedule.HostCode;");
                    if (hasGroupSchedule)
                    {
                        w.Line(RecurrentGroupSchedule.Flag + " = device.Schedule == global::SeqDsl.KernelSchedule.GroupPerSequence;");
                    }

                    if (hasSequenceBlocks)
                    {
                        w.Line(RecurrentEmitter.SequenceBlocksFlag + " = device.Schedule == global::SeqDsl.KernelSchedule.ThreadPerSequence && device.Kind is global::SeqDsl.DeviceKind.Cpu or global::SeqDsl.DeviceKind.OpenCLCpu;");
                    }

                    foreach (var k in kernels)
                    {
                        string Load(string method) => LoadKernel(k.ParameterTypes, method);
                        w.Line(k.GroupOnly || k.BlockOnly
                            ? k.Field + " = " + (k.GroupOnly ? RecurrentGroupSchedule.Flag : RecurrentEmitter.SequenceBlocksFlag) + " ? " + Load(k.Method) + " : null;"
                            : k.Field + " = " + (replaced.Contains(k.Field) ? RecurrentEmitter.SequenceBlocksFlag + " ? null : " : "") + HostCodeFlag + " ? " + HostKernelsEmitter.Launcher(k.Method) + " : " + (k.GroupMethod is null ? "" : RecurrentGroupSchedule.Flag + " ? " + Load(k.GroupMethod) + " : ") + Load(k.ThreadMethod ?? k.Method) + ";");
                    }

                    w.Line(LossEmitter.Field + " = " + HostCodeFlag + " ? " + HostKernelsEmitter.Launcher(LossEmitter.Method) + " : " + LoadKernel(LossEmitter.ParameterTypes(plan, layers), LossEmitter.Method) + ";");
                    if (trainingPass)
                    {
                        w.Line(TrainingPassKernel.Field + " = " + RecurrentEmitter.SequenceBlocksFlag + " && device.Kind == global::SeqDsl.DeviceKind.OpenCLCpu ? " + "Compiled(accelerator.LoadStreamKernel<" + trainingPassTypes + ">(" + TrainingPassKernel.ClassName + "." + TrainingPassKernel.Method + "))" + " : null;");
                    }

                    if (persistent.Count > 0)
                    {
                        using (w.Block("try"))
                        {
                            foreach (var b in persistent)
                            {
                                // Sized for the model's fixed batch (stateful models declare one); zero is the initial state.
                                w.Line(b.Name + " = Allocate(" + (b.PerBatch ? "1" : System.Math.Max(1, spec.BatchSize).ToString(System.Globalization.CultureInfo.InvariantCulture)) + ", " + b.PerSample + ");");
                                w.Line(b.Name + ".MemSetToZero();");
                            }
                        }

                        using (w.Block("catch"))
                        {
                            w.Line("// A failed allocation (out of device memory) frees the state buffers already allocated: nobody else holds them.");
                            foreach (var b in persistent)
                            {
                                w.Line(b.Name + "?.Dispose();");
                            }

                            w.Line("throw;");
                        }
                    }
                }

                if (persistent.Count > 0)
                {
                    w.Line();
                    using (w.Block("public override void ResetStates()"))
                    {
                        foreach (var layer in layers)
                        {
                            layer.EmitResetStates(w);
                        }
                    }
                }

                StateApiEmitter.EmitProgramMembers(w, layers);
                w.Line();
                string outputSteps = SequenceSteps.OutputOfModel(plan, "steps");
                if (FixingRepeat(plan) is { } fixing)
                {
                    w.Line("// " + fixing.Name + " (" + fixing.Title + ") starts the time axis the output follows: its steps, whatever the input's length.");
                }
                else if (outputSteps != "steps" && outputSteps != "1")
                {
                    w.Line("// Keras's window arithmetic of " + string.Join(", ", WindowLayers(plan)) + "; valid for steps ≥ MinimumInputSteps.");
                }

                w.Line("public override int OutputSteps(int steps) => " + outputSteps + ";");
                w.Line();
                EmitTimeAxis(w, plan);
                w.Line("public override int OutputsPerSample(int steps) => OutputSteps(steps) * OutputFeatures;");
                w.Line();
                using (w.Block("public override void Reserve(int batch, int steps)"))
                {
                    using (w.Block("if (batch <= reservedBatch && steps <= reservedSteps)"))
                    {
                        w.Line("return;");
                    }

                    w.Line("batch = Math.Max(batch, reservedBatch);");
                    w.Line("steps = Math.Max(steps, reservedSteps);");
                    w.Line("FreeWorkspace();");
                    string reserved = EmitAllocations(w, plan, buffers);
                    w.Line("reservedBatch = batch;");
                    w.Line("reservedSteps = " + reserved + ";");
                }

                w.Line();
                using (w.Block("public override void Forward(in BatchContext batch)"))
                {
                    w.Line("Reserve(batch.Batch, batch.Steps);");
                    w.Line("int n = batch.Batch;");
                    w.Line("int steps = batch.Steps;");
                    string current = "batch.Steps";
                    var stacks = ConvStacks.Forward(layers);
                    for (int i = 0; i < layers.Count; i++)
                    {
                        if (ConvStacks.StartingAt(stacks, i) is { } stack)
                        {
                            string before = current;
                            ConvStacks.EmitLaunch(w, stack, layer => SetSteps(w, plan, layer.Plan.Index, ref current));
                            current = current == before ? current : StepsUnknown; // where only the per-layer branch changed them
                            i += stack.Layers.Count - 1;
                            continue;
                        }

                        SetSteps(w, plan, i, ref current);
                        layers[i].EmitForward(w);
                    }
                }

                w.Line();
                using (w.Block("public override void ComputeLoss(in BatchContext batch)"))
                {
                    w.Line("Reserve(batch.Batch, batch.Steps);");
                    w.Line("int n = batch.Batch;");
                    w.Line("int steps = batch.Steps;");
                    LossEmitter.EmitLaunch(w, plan, layers);
                }

                w.Line();
                using (w.Block("public override void Backward(in BatchContext batch)"))
                {
                    w.Line("int n = batch.Batch;");
                    w.Line("int steps = batch.Steps;");
                    WeightTransposesEmitter.EmitLaunch(w, layers);
                    string current = "batch.Steps";
                    var stacks = ConvStacks.Backward(layers);
                    for (int i = layers.Count - 1; i >= 0; i--)
                    {
                        if (ConvStacks.StartingAt(stacks, i) is { } stack)
                        {
                            string before = current;
                            ConvStacks.EmitLaunch(w, stack, layer => SetSteps(w, plan, layer.Plan.Index, ref current));
                            current = current == before ? current : StepsUnknown; // where only the per-layer branch changed them
                            i -= stack.Layers.Count - 1;
                            continue;
                        }

                        SetSteps(w, plan, i, ref current);
                        layers[i].EmitBackward(w);
                    }

                    WeightGradientSumsEmitter.EmitLaunch(w, layers);
                }

                if (trainingPass)
                {
                    w.Line();
                    using (w.Block("public override void TrainingPass(in BatchContext batch)"))
                    {
                        using (w.Block("if (" + TrainingPassKernel.Field + " is null)"))
                        {
                            w.Line("base.TrainingPass(batch); // Forward, ComputeLoss and Backward");
                            w.Line("return;");
                        }

                        w.Line();
                        w.Line("Reserve(batch.Batch, batch.Steps);");
                        w.Line("int n = batch.Batch;");
                        w.Line("int steps = batch.Steps;");
                        WeightTransposesEmitter.EmitLaunch(w, layers);
                        TrainingPassKernel.EmitLaunch(w, plan, layers);
                        WeightGradientSumsEmitter.EmitLaunch(w, layers);
                    }
                }

                w.Line();
                using (w.Block("protected override void Dispose(bool disposing)"))
                {
                    using (w.Block("if (disposing)"))
                    {
                        w.Line("FreeWorkspace();");
                        foreach (var b in persistent)
                        {
                            w.Line(b.Name + ".Dispose();");
                        }

                    }

                    w.Line("base.Dispose(disposing);");
                }

                w.Line();
                w.Line("private " + Buffer + " Allocate(int batch, int perSample) => AllocateFloats(Math.Max(1L, (long)batch * perSample));");
                w.Line();
                using (w.Block("private void FreeWorkspace()"))
                {
                    w.Line("// Each field forgets its buffer, so a Reserve that fails part-way leaves none on a freed one.");
                    foreach (var (b, _) in buffers)
                    {
                        w.Line(b.Name + "?.Dispose();");
                        w.Line(b.Name + " = null;");
                    }

                    w.Line("reservedBatch = 0;");
                    w.Line("reservedSteps = 0;");
                }
            }
        }

        return new GeneratedFile(spec.FullName.Replace('.', '_') + ".Program.g.cs", w.ToString());
    }

    /// <summary>What <see cref="SetSteps"/> compares with after a branch that set <c>steps</c> on one side only: never equal, so the next layer sets them.</summary>
    private const string StepsUnknown = "";

    /// <summary>
    /// Loading <paramref name="method"/> (ILGPU compiles it there), through NetworkProgram.Compiled, which collects the
    /// compilation's garbage as it piles up.
    /// </summary>
    private static string LoadKernel(string parameterTypes, string method) =>
        "Compiled(accelerator.LoadStreamKernel<" + parameterTypes + ">(Kernels." + method + "))";

    private static List<WorkspaceBuffer> Persistent(IReadOnlyList<LayerEmitter> layers)
    {
        var list = new List<WorkspaceBuffer>();
        foreach (var layer in layers)
        {
            list.AddRange(layer.Persistent);
        }

        return list;
    }

    /// <summary>
    /// Window layers (Conv1D, pooling) change the number of steps and RepeatVector(n) replaces them by n, so each layer's
    /// launches see its own input steps as <c>steps</c>. Workspace is sized by <see cref="EmitAllocations"/>: for the
    /// model's input steps, which no window layer exceeds, and for n from a RepeatVector on.
    /// </summary>
    private static void SetSteps(CodeWriter w, ModelPlan plan, int layer, ref string current)
    {
        if (!plan.Layers[layer].Input.IsSequence)
        {
            return; // a vector input has no steps
        }

        string steps = SequenceSteps.InputOf(plan, layer, "batch.Steps");
        if (steps != current)
        {
            w.Line("steps = " + steps + "; // " + plan.Layers[layer].Name + "'s input steps");
            current = steps;
        }
    }

    /// <summary>For models whose window layers shorten or stride the time axis: the shortest input and the target alignment.</summary>
    private static void EmitTimeAxis(CodeWriter w, ModelPlan plan)
    {
        int minimum = SequenceSteps.MinimumInputSteps(plan);
        if (minimum > 1)
        {
            w.Line("public override int MinimumInputSteps => " + minimum.ToString(System.Globalization.CultureInfo.InvariantCulture) + ";");
            w.Line();
        }

        if (FixingRepeat(plan) is not null)
        {
            w.Line("// Targets are [samples, " + plan.Output.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture) + ", features] whatever the input's length: no output step stands for an input step.");
            w.Line("public override int FixedOutputSteps => " + plan.Output.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture) + ";");
            w.Line();
        }

        var (first, stride) = SequenceSteps.TargetAlignment(plan);
        if (plan.Output.IsSequence && (first != 0 || stride != 1))
        {
            w.Line("public override int TargetFirstStep => " + first.ToString(System.Globalization.CultureInfo.InvariantCulture) + ";");
            w.Line();
            w.Line("public override int TargetStepStride => " + stride.ToString(System.Globalization.CultureInfo.InvariantCulture) + ";");
            w.Line();
        }
    }

    /// <summary>The RepeatVector whose steps a sequence output follows (it fixes the output steps), or null.</summary>
    private static LayerPlan? FixingRepeat(ModelPlan plan) =>
        plan.Output.IsSequence && plan.Layers.Count > 0 ? SequenceSteps.LastRepeat(plan, plan.Layers.Count - 1) : null;

    private static IEnumerable<string> WindowLayers(ModelPlan plan)
    {
        foreach (var layer in plan.Layers)
        {
            if (SequenceSteps.IsWindow(layer.Spec) && layer.Input.IsSequence)
            {
                yield return layer.Name + " " + layer.Title;
            }
        }
    }

    /// <summary>
    /// The workspace allocations of <c>Reserve(batch, steps)</c>. Every buffer's size is an expression in <c>steps</c>, the
    /// steps of the layer it belongs to. Before any RepeatVector that is the input's steps (window layers only shorten
    /// them, so the input's steps bound theirs). RepeatVector(n) starts a new time axis of n steps whatever the input's
    /// length, so its buffers and those of the layers after it are sized for n: <c>steps</c> is set to n there, and the
    /// input's steps are kept for <c>reservedSteps</c>. Returns the expression of the input's steps.
    /// </summary>
    private static string EmitAllocations(CodeWriter w, ModelPlan plan, List<(WorkspaceBuffer Buffer, int Layer)> buffers)
    {
        bool repeats = plan.Layers.Count > 0 && SequenceSteps.LastRepeat(plan, plan.Layers.Count - 1) is not null;
        if (repeats)
        {
            w.Line("int inputSteps = steps;");
        }

        LayerPlan? current = null;
        foreach (var (b, layer) in buffers)
        {
            var repeat = SequenceSteps.LastRepeat(plan, layer);
            if (repeat is not null && repeat != current)
            {
                string n = repeat.Output.Steps.ToString(System.Globalization.CultureInfo.InvariantCulture);
                w.Line("steps = " + n + "; // " + repeat.Name + " (" + repeat.Title + ") and the layers after it run over its " + n + " steps, whatever the input's length");
                current = repeat;
            }

            w.Line(b.Name + " = Allocate(" + (b.PerBatch ? "1" : "batch") + ", " + b.PerSample + ");");
        }

        return repeats ? "inputSteps" : "steps";
    }

    /// <summary>The workspace buffers, each with the index of the layer whose steps size it.</summary>
    private static List<(WorkspaceBuffer Buffer, int Layer)> Buffers(ModelPlan plan, IReadOnlyList<LayerEmitter> layers)
    {
        var list = new List<(WorkspaceBuffer, int)>();
        for (int i = 0; i < layers.Count; i++)
        {
            var shape = plan.Layers[i].Output;
            if (i < layers.Count - 1)
            {
                list.Add((new WorkspaceBuffer(LayerEmitterFactory.OutputBuffer(i), LayerEmitterFactory.PerSample(shape), layers[i].Plan.Name + " output " + shape), i));
                list.Add((new WorkspaceBuffer(LayerEmitterFactory.OutputGradientBuffer(i), LayerEmitterFactory.PerSample(shape), "gradient of the loss with respect to " + layers[i].Plan.Name + (layers[i].Io.OutputGradientIsPreActivation
                    ? "'s pre-activation (" + layers[i + 1].Plan.Name + " applies the activation's derivative as it writes it)"
                    : "'s output")), i));
            }

            foreach (var b in layers[i].Workspace)
            {
                list.Add((b, i));
            }
        }

        if (LossEmitter.WritesGradient(layers))
        {
            list.Add((new WorkspaceBuffer("lossGradient", LayerEmitterFactory.PerSample(plan.Output), "gradient of the batch-mean loss with respect to the predictions"), layers.Count - 1));
        }

        return list;
    }
}
