using System.Collections.Generic;
using System.Globalization;
using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>A device buffer a layer keeps between its forward and backward pass, sized per sample.</summary>
/// <param name="Name">Field name in the generated program.</param>
/// <param name="PerSample">C# expression for floats per sample, in terms of <c>steps</c>.</param>
/// <param name="Purpose">What it holds (becomes a comment).</param>
/// <param name="PerBatch">When true, <paramref name="PerSample"/> is the buffer's whole size, whatever the batch.</param>
internal sealed record WorkspaceBuffer(string Name, string PerSample, string Purpose, bool PerBatch = false);

/// <summary>A loaded kernel: the launcher field, its parameter types, and the kernel method.</summary>
/// <param name="GroupMethod">A GPU variant with the same parameters, loaded instead of <paramref name="Method"/> when the
/// device's schedule is <c>GroupPerSequence</c> (the GPU schedule): the recurrent layers' group-per-sequence forward and
/// backward, the per-column weight-gradient partials of recurrent and Dense layers, Conv1D's forward and backward with a
/// thread per value, and the sums of the partials with a thread per weight; null when the kernel has one form.</param>
/// <param name="GroupOnly">The kernel exists only in the GPU schedule (a recurrent layer's input projection and input
/// gradient, taken out of its recurrence): loaded, and launched, only when the schedule is <c>GroupPerSequence</c>; its
/// field is null otherwise and host code has no translation of it.</param>
/// <param name="BlockOnly">The kernel exists only in the CPU thread schedule (a recurrent layer's kernels that run a block
/// of sequences per thread, a narrow recurrent layer's backward joined with its partials, a run of Conv1D layers' stack
/// kernels): loaded only when the schedule is <c>ThreadPerSequence</c> on a CPU device; its field is null otherwise, the
/// launch falls back to the layer's one-sequence kernel (the layers' own kernels), and host code has no translation of it.</param>
/// <param name="ThreadMethod">An ILGPU variant with the same parameters, loaded instead of <paramref name="Method"/> when the
/// schedule is <c>ThreadPerSequence</c> (the wide recurrent layers' weight-gradient partials walking the steps in chunks and
/// the columns in tiles, whose sums LLVM keeps in registers); host code still translates <paramref name="Method"/>, which
/// it runs faster (the .NET JIT keeps no local array in registers). Null when the kernel has one form.</param>
internal sealed record KernelField(string Field, string ParameterTypes, string Method, string? GroupMethod = null, bool GroupOnly = false, bool BlockOnly = false, string? ThreadMethod = null);

/// <summary>
/// Where a layer reads and writes in the generated program. The first layer reads the data set through
/// the batch's row indices; the last layer writes the batch's predictions and reads the loss gradient (or, when it
/// <see cref="LayerEmitter.FusesLossGradient"/>, computes it inline from the predictions and <see cref="Loss"/>).
/// Between two Conv1D layers the activation derivative moves to the later one (<see cref="ActivationFolding"/>):
/// <paramref name="InputDerivative"/> is the activation whose derivative this layer multiplies into the input gradient
/// it writes, and <paramref name="OutputGradientIsPreActivation"/> says that this layer's output gradient arrives so.
/// </summary>
internal sealed record LayerIo(bool IsFirst, bool IsLast, string Input, string Output, string OutputGradient, string InputGradient, LossKind Loss = LossKind.Mse,
    ActivationKind? InputDerivative = null, bool OutputGradientIsPreActivation = false);

/// <summary>
/// Emits one layer's kernels and the statements that launch them. One subclass per layer kind;
/// each forward is one launch, each backward a data-gradient launch plus weight-gradient launches, except for the work
/// the model does for every layer in one launch (<see cref="Transposes"/>, <see cref="SummedPartials"/>) and, on CPU
/// devices, for a run of Conv1D layers (<see cref="ConvStacks"/>).
/// </summary>
internal abstract class LayerEmitter
{
    protected LayerEmitter(LayerPlan plan, LayerIo io)
    {
        Plan = plan;
        Io = io;
    }

    public LayerPlan Plan { get; }

    public LayerIo Io { get; }

    /// <summary>Prefix of this layer's kernel methods and fields: <c>Layer0</c>, <c>layer0</c>.</summary>
    public string Prefix => "Layer" + Plan.Index.ToString(CultureInfo.InvariantCulture);

    public string FieldPrefix => "layer" + Plan.Index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Buffers beyond the layer's output and output gradient.</summary>
    public abstract IEnumerable<WorkspaceBuffer> Workspace { get; }

    public abstract IEnumerable<KernelField> Kernels { get; }

    /// <summary>
    /// True when this (last) layer's backward kernel computes the loss gradient itself from the predictions and the
    /// targets, so no loss-gradient buffer is written or read (see <see cref="LossEmitter"/>).
    /// </summary>
    public virtual bool FusesLossGradient => false;

    /// <summary>
    /// A view holding the last layer's pre-activation (the logits) when its outputs are probabilities of a
    /// cross-entropy loss (Softmax or Sigmoid), so the loss is computed from logits; null otherwise.
    /// </summary>
    public virtual string? LogitsView => null;

    /// <summary>
    /// The weight copies this layer's backward kernels read in another layout, written for every layer at once by the
    /// model's <c>TransposeWeights</c> launch before the backward pass (<see cref="WeightTransposesEmitter"/>).
    /// </summary>
    public virtual IEnumerable<WeightTranspose> Transposes => System.Array.Empty<WeightTranspose>();

    /// <summary>
    /// This layer's per-sample partial weight gradients, added up for every layer at once by the model's
    /// <c>WeightGradients</c> launch after the backward pass (<see cref="WeightGradientSumsEmitter"/>): one buffer per
    /// weight set (a Bidirectional layer's two directions are two); none when the layer sums its weight gradients itself.
    /// </summary>
    public virtual IEnumerable<PartialSums> SummedPartials => System.Array.Empty<PartialSums>();

    /// <summary>
    /// This layer's launchers that the CPU thread schedule's own kernels replace (a recurrent layer's joined backward
    /// and partials): loaded only where those are not, like the Conv1D stacks' (<see cref="ConvStacks.ReplacedFields"/>).
    /// </summary>
    public virtual IEnumerable<string> ReplacedOnCpuThreadSchedule => System.Array.Empty<string>();

    /// <summary>Backward launches the CPU thread schedule's own kernels save for this layer (a recurrent layer's joined backward: one), for the kernel report.</summary>
    public virtual int JoinedBackwardLaunchesSaved => 0;

    /// <summary>
    /// This layer's kernels inside the training-pass kernel of the CPU thread schedule (<see cref="TrainingPassKernel"/>),
    /// or null where the layer's kernels do not run a sample at a time there (a model with such a layer keeps its launches).
    /// </summary>
    public virtual TrainingPassPart? TrainingPassPart => null;

    /// <summary>
    /// Launches the program makes for this layer after the training-pass kernel: work over the whole batch that reads
    /// what the kernel wrote (a Dense layer on vectors sums its weight gradients over the samples). Nothing by default.
    /// </summary>
    public virtual void EmitAfterTrainingPass(CodeWriter w)
    {
    }

    /// <summary>Buffers that live as long as the program (a stateful layer's carried state), sized per sample of the model's fixed batch.</summary>
    public virtual IEnumerable<WorkspaceBuffer> Persistent => System.Array.Empty<WorkspaceBuffer>();

    /// <summary>
    /// The program fields holding this layer's final state per sequence when it has ReturnState (h, then c for LSTM):
    /// one for a one-direction layer, two (forward, then backward direction) for a Bidirectional one; empty otherwise.
    /// </summary>
    public virtual IReadOnlyList<string> ReturnedStateBuffers => System.Array.Empty<string>();

    /// <summary>Statements of <c>ResetStates()</c> that clear the layer's carried state (stateful layers only).</summary>
    public virtual void EmitResetStates(CodeWriter w)
    {
    }

    public abstract void EmitKernels(CodeWriter w);

    public abstract void EmitForward(CodeWriter w);

    public abstract void EmitBackward(CodeWriter w);

    /// <summary>One-line description used in comments: <c>lstm: LSTM(20) → [batch, steps, 20]</c>.</summary>
    public string Describe() => Plan.Name + ": " + Plan.Title + " → " + Plan.Output;

    protected static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Floats per lane group that CPU OpenCL compilers vectorize the multiply-add loops with (256-bit registers).</summary>
    protected const int VectorLanes = 8;

    /// <summary>
    /// A row length rounded up to whole vectors (zero padding), unless it is shorter than one vector: a one-feature row
    /// stays 1, since padding it would multiply that loop's work.
    /// </summary>
    internal static int PadToVectors(int n) => n < VectorLanes ? n : (n + VectorLanes - 1) / VectorLanes * VectorLanes;

    /// <summary>Writes <c>const int Name = value; // comment</c>.</summary>
    protected static void Const(CodeWriter w, string name, int value, string? comment = null) =>
        w.Line("const int " + name + " = " + I(value) + ";" + (comment is null ? "" : " // " + comment));

    protected ParameterTensor? Tensor(string name)
    {
        foreach (var p in Plan.Parameters)
        {
            if (p.Name == name)
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>
    /// The grid-stride loop of the GPU variants with a thread per (sample, row, column): the per-column weight-gradient
    /// partials, and Conv1D's kernels with a thread per value (rows: steps or kernel rows; columns: filters or input
    /// features), over <c>batch · rows · columns</c> items counted in <c>long</c>: that product outgrows an
    /// int for large layers at large batches (LSTM(512) after 512 features at batch 1,024), where an int loop would
    /// wrap and leave the partials unwritten. The body gets <c>b</c>, <paramref name="row"/> and <paramref name="column"/>
    /// of item = (b · rows + row) · columns + column, so consecutive threads take consecutive columns of one row.
    /// </summary>
    internal static CodeWriter.Scope ColumnItems(CodeWriter w, string column, string columns, string row, string rows, string columnComment, string? rowComment = null)
    {
        var scope = w.Block("for (long item = Grid.GlobalIndex.X; item < (long)batch * " + rows + " * " + columns + "; item += Grid.Dimension.X * Group.Dimension.X)");
        w.Line("int " + column + " = (int)(item % " + columns + "); // " + columnComment);
        w.Line("long rowOfBatch = item / " + columns + ";");
        w.Line("int b = (int)(rowOfBatch / " + rows + ");");
        w.Line("int " + row + " = (int)(rowOfBatch - (long)b * " + rows + ");" + (rowComment is null ? "" : " // " + rowComment));
        return scope;
    }

    /// <summary>The grid-stride loop every kernel uses: explicit groups, any number of items.</summary>
    protected static CodeWriter.Scope GridStride(CodeWriter w, string index, string count) =>
        w.Block("for (int " + index + " = Grid.GlobalIndex.X; " + index + " < " + count + "; " + index + " += Grid.Dimension.X * Group.Dimension.X)");

    /// <summary>
    /// The loop over a kernel's <paramref name="perSample"/> items of each sample. In a layer's own kernel, a grid-stride
    /// loop over <c>batch · perSample</c> items <paramref name="flat"/>, whose body gets sample <c>b</c> and its
    /// <paramref name="item"/>. In a stack kernel (<see cref="ConvStacks"/>), whose thread owns sample <c>b</c>, that
    /// sample's items in order, the body getting <paramref name="flat"/> as well where <paramref name="bodyReadsFlat"/>.
    /// Either way the body runs once per (sample, item) with the same values.
    /// </summary>
    protected static CodeWriter.Scope SampleItems(CodeWriter w, bool inStack, string flat, string item, string perSample, bool bodyReadsFlat = true)
    {
        if (inStack)
        {
            var items = w.Block("for (int " + item + " = 0; " + item + " < " + perSample + "; " + item + "++)");
            if (bodyReadsFlat)
            {
                w.Line("int " + flat + " = b * " + perSample + " + " + item + ";");
            }

            return items;
        }

        var scope = GridStride(w, flat, "batch * " + perSample);
        w.Line("int b = " + flat + " / " + perSample + ";");
        w.Line("int " + item + " = " + flat + " - b * " + perSample + ";");
        return scope;
    }
}
