using System;
using System.Collections.Generic;
using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;
using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// The GPU schedule of a SimpleRNN, LSTM or GRU (reset_after) layer: one group per sequence. Per step the group's
/// threads first compute one gate column each (strided when the group is smaller than the gates), then one unit
/// each; the recurrent kernel, the state and the gate pre-activations sit in static shared memory, and a group
/// barrier separates the phases. Only the recurrent product stays in that serial loop: the input side of every
/// step's pre-activations (bias + input · kernel) is computed before it by a kernel with one thread per (sequence,
/// step, gate column), and the gradient reaching the input after the backward by one with a thread per (sequence,
/// step, input feature), as cuDNN does with its input GEMMs. A GPU keeps batch × gate-columns threads busy this way
/// instead of one thread per sequence with its arrays spilled to local memory. On CPU backends the thread schedule is
/// faster (PoCL does not vectorize across the work-items of a barrier phase, notes section B), so the generated program
/// loads these kernels only when the device's <c>KernelSchedule</c> says so.
/// <para>
/// The group forward and backward take the same arguments as <see cref="RecurrentEmitter"/>'s forward and backward
/// kernels; with the input projection before the forward and the input gradient after the backward they write the same
/// workspace (states, cache, gate gradients, input gradient), so the weight-gradient kernels serve both
/// schedules (their partial sums have a GPU variant of their own, one thread per column, in RecurrentEmitter). The
/// layout constants below come from RecurrentEmitter's widths; ScheduleTests compare both schedules' losses,
/// predictions and gradients. Kernels use no atomics, group reductions or dynamic shared memory, so they also build
/// on PoCL, where the tests run them.
/// </para>
/// </summary>
internal sealed class RecurrentGroupSchedule
{
    /// <summary>The generated program's flag (a field) that says which schedule its kernels were loaded for.</summary>
    public const string Flag = "groupPerSequence";

    /// <summary>Static shared memory a CUDA block may use without opting in (48 KB); above it the recurrent kernel is read from global memory.</summary>
    private const int SharedMemoryBytes = 48 * Kilobyte;

    private const int Kilobyte = 1024;

    /// <summary>Group sizes are whole warps, and at most this many threads (the grid-stride kernels' GPU group size).</summary>
    private const int Warp = 32;

    private const int MaxThreads = 256;


    private readonly LayerPlan plan;
    private readonly bool isFirst;
    private readonly string prefix;
    private readonly CellKind cell;
    private readonly int features;
    private readonly int units;
    private readonly ActivationKind activation;
    private readonly ActivationKind gateActivation;

    private RecurrentGroupSchedule(LayerPlan plan, LayerIo io, string prefix)
    {
        this.plan = plan;
        isFirst = io.IsFirst;
        this.prefix = prefix;
        cell = (CellKind)plan.Spec.Cell;
        features = plan.Input.Features;
        units = plan.Spec.Units;
        activation = ActivationCode.Resolve(plan.Spec.Activation, ActivationKind.Tanh);
        gateActivation = ActivationCode.Resolve(plan.Spec.RecurrentActivation, ActivationKind.Sigmoid);
    }

    /// <summary>
    /// A plain layer: one direction of a SimpleRNN, LSTM without peepholes or reset-after GRU, without normalization,
    /// dropout, carried or returned state, GoBackwards, or a softmax activation. The group kernels and the CPU thread schedule's block kernels
    /// (RecurrentEmitter.SequenceBlocks) cover these.
    /// </summary>
    public static bool IsPlain(LayerPlan plan)
    {
        var s = plan.Spec;
        return s.Kind == LayerKind.Recurrent
            && s.Cell is (int)CellKind.SimpleRNN or (int)CellKind.LSTM or (int)CellKind.GRU
            && !s.Peepholes && !s.LayerNorm && !s.Stateful && !s.ReturnState && !s.GoBackwards
            && s.Dropout == 0 && s.RecurrentDropout == 0
            && (s.Cell != (int)CellKind.GRU || s.ResetAfter)
            && s.Activation != (int)ActivationKind.Softmax && s.RecurrentActivation != (int)ActivationKind.Softmax;
    }

    /// <summary>The group schedule of a recurrent layer, or null when the layer has options these kernels do not cover (it then runs the thread schedule on every device).</summary>
    public static RecurrentGroupSchedule? For(LayerPlan plan, LayerIo io, string prefix)
    {
        if (!IsPlain(plan))
        {
            return null;
        }

        var schedule = new RecurrentGroupSchedule(plan, io, prefix);
        // The per-step arrays must fit in shared memory even when the recurrent kernel does not, and a step's row of the
        // cache must hold its input projection (true of every cell covered; checked should one be added).
        return schedule.StateFloats * sizeof(float) <= SharedMemoryBytes && schedule.ProjectionStride >= schedule.GateWidth ? schedule : null;
    }

    public string ForwardMethod => prefix + "GroupForward";

    public string BackwardMethod => prefix + "GroupBackward";

    /// <summary>The kernel run before the group forward: bias + input · kernel of every step.</summary>
    public string InputProjectionMethod => prefix + "InputProjection";

    /// <summary>The input projection's parameters, in order: the launch picks the forward's arguments by these names.</summary>
    public static readonly IReadOnlyList<string> InputProjectionParameters = new[] { "parameters", "input", "rows", "cache", "batch", "steps" };

    /// <summary>The input gradient's parameters, in order: the launch picks the backward's arguments by these names.</summary>
    public static readonly IReadOnlyList<string> InputGradientParameters = new[] { "inputGradient", "gateGradient", "transposed", "batch", "steps" };

    /// <summary>The kernel run after the group backward: the gradient reaching the input (none for the first layer).</summary>
    public string? InputGradientMethod => isFirst ? null : prefix + "InputGradient";

    /// <summary>The launch shape of the forward kernel, for whichever schedule the program loaded.</summary>
    public string ForwardGrid => Grid(ForwardThreads);

    public string BackwardGrid => Grid(BackwardThreads);

    // The layout is RecurrentEmitter's, read from it (see the class remarks): for the cells covered here the cache is
    // LSTM i, f, c̃, o, c, tanh(c) and GRU z, r, h̃ and the recurrent candidate term; GRU keeps two sets of gate gradients.
    private int GateWidth => RecurrentEmitter.GateWidthOf(plan);

    private int CacheWidth => RecurrentEmitter.CacheWidthOf(plan);

    private int GradientWidth => RecurrentEmitter.GradientWidthOf(plan);

    private int RecurrentCount => units * GateWidth;

    /// <summary>Shared floats besides the recurrent kernel: two unit-wide and two gate-wide arrays at most (LSTM: h, c, z; GRU: h, z, zh).</summary>
    private int StateFloats => 2 * units + 2 * GateWidth;

    private bool RecurrentInShared => (RecurrentCount + StateFloats) * sizeof(float) <= SharedMemoryBytes;

    /// <summary>Forward: one thread per gate column.</summary>
    private int ForwardThreads => Threads(GateWidth);

    /// <summary>Backward: one thread per unit (each sums a row of the recurrent kernel); the input gradient has a kernel of its own.</summary>
    private int BackwardThreads => Threads(units);

    /// <summary>
    /// Floats per step of the cache (a SimpleRNN caches nothing: its states), where the input projection leaves step
    /// t's pre-activations. At least GateWidth wide for every cell covered (LSTM caches 6 × Units, GRU 4 × Units, SimpleRNN's
    /// state is Units = GateWidth); the group forward reads them in the gate phase of step t and overwrites them with the
    /// cell's values of step t after the barrier.
    /// </summary>
    private int ProjectionStride => CacheWidth > 0 ? CacheWidth : units;

    private string Recurrent(string k, string g) =>
        RecurrentInShared ? "recurrent[" + Factor(k) + " * GateWidth + " + g + "]" : "parameters[RecurrentKernel + " + Factor(k) + " * GateWidth + " + g + "]";

    /// <summary>An index expression as a factor of a product: parenthesized unless it is a plain name (<c>(k + 1)</c>).</summary>
    private static string Factor(string index) => SyntaxFacts.IsValidIdentifier(index) ? index : "(" + index + ")";

    private static int Threads(int columns) => Math.Min(MaxThreads, (columns + Warp - 1) / Warp * Warp);

    private static string Grid(int threads) =>
        Flag + " ? device.GroupsFor(n, threadsPerGroup: " + I(threads) + ") : device.SequencesFor(n)";

    private static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Const(CodeWriter w, string name, int value, string? comment = null) =>
        w.Line("const int " + name + " = " + I(value) + ";" + (comment is null ? "" : " // " + comment));

    private ParameterTensor? Tensor(string name)
    {
        foreach (var p in plan.Parameters)
        {
            if (p.Name == name)
            {
                return p;
            }
        }

        return null;
    }

    private string Describe() => plan.Name + ": " + plan.Title + " → " + plan.Output;

    /// <summary>Whether this layer's products of <paramref name="pass"/> accumulate with one rounding (<see cref="RecurrentEmitter.FusesProductsFor"/>).</summary>
    private bool FusesProducts(ProductPass pass) => RecurrentEmitter.FusesProductsFor(plan, pass);

    /// <summary><c>target += a · b</c> as this layer's products accumulate.</summary>
    private string AccumulateProduct(ProductPass pass, string target, string a, string b) => MultiplyAddCode.AccumulateProduct(FusesProducts(pass), target, a, b);

    /// <summary>
    /// A sum's first term <c>a · b</c> added to <paramref name="start"/>, as the thread schedule adds it to its sum started
    /// there, so that both schedules round alike: fused, <c>MultiplyAdd(a, b, start)</c> (<c>0f</c> for a sum started at
    /// zero); else <c>start + a * b</c>, or the bare product for a sum started at zero (the same value: adding zero
    /// changes at most the sign of a zero).
    /// </summary>
    private string FirstProduct(ProductPass pass, string a, string b, string? start)
    {
        if (FusesProducts(pass))
        {
            return MultiplyAddCode.Call(a, b, start ?? "0f");
        }

        return (start is null ? "" : start + " + ") + a + " * " + b;
    }

    /// <summary>
    /// <c>sum += left(i) * right(i)</c> (as <see cref="AccumulateProduct"/> writes it) for <paramref name="first"/> ≤ i &lt; <paramref name="count"/>: in blocks of
    /// <see cref="LoadsInFlight.PerThread"/> terms whose operands are all loaded before the first add, then the remaining
    /// terms one by one. The same products added in the same order as the plain loop.
    /// </summary>
    private void DotProduct(CodeWriter w, ProductPass pass, string sum, string index, string count, int countValue, Func<string, string> left, Func<string, string> right, int first = 0)
    {
        const int Block = LoadsInFlight.PerThread;
        int blocked = first + (countValue - first) / Block * Block;
        using (w.Braces())
        {
            w.Line("int " + index + " = " + I(first) + ";");
            if (blocked > first)
            {
                using (w.Block("for (; " + index + " + " + I(Block) + " <= " + count + "; " + index + " += " + I(Block) + ") // " + I(Block) + " terms' loads in flight at once"))
                {
                    for (int i = 0; i < Block; i++)
                    {
                        string at = i == 0 ? index : index + " + " + I(i);
                        w.Line("float left" + I(i) + " = " + left(at) + ", right" + I(i) + " = " + right(at) + ";");
                    }

                    for (int i = 0; i < Block; i++)
                    {
                        w.Line(AccumulateProduct(pass, sum, "left" + I(i), "right" + I(i)));
                    }
                }
            }

            if (blocked < countValue)
            {
                w.Line("for (; " + index + " < " + count + "; " + index + "++) " + AccumulateProduct(pass, sum, left(index), right(index)));
            }
        }
    }

    private static CodeWriter.Scope Sequences(CodeWriter w) => w.Block("for (int b = Grid.IdxX; b < batch; b += Grid.DimX)");

    private static CodeWriter.Scope Strided(CodeWriter w, string index, string count) =>
        w.Block("for (int " + index + " = thread; " + index + " < " + count + "; " + index + " += threads)");

    private static string StridedLine(string index, string count) =>
        "for (int " + index + " = thread; " + index + " < " + count + "; " + index + " += threads) ";

    /// <summary>Writes the layer's GPU kernels; the signatures of the input projection and input gradient come from the
    /// launch's argument lists (picked by <see cref="InputProjectionParameters"/> and <see cref="InputGradientParameters"/>).</summary>
    public void EmitKernels(CodeWriter w, string projectionSignature, string inputGradientSignature)
    {
        EmitInputProjection(w, projectionSignature);
        w.Line();
        EmitForward(w);
        w.Line();
        EmitBackward(w);
        if (!isFirst)
        {
            w.Line();
            EmitInputGradient(w, inputGradientSignature);
        }
    }

    private void EmitInputProjection(CodeWriter w, string projectionSignature)
    {
        w.Summary(Describe() + ": bias + input · kernel of every step (GPU schedule), one thread per (sequence, step, gate column),\nbefore " + ForwardMethod + ", which then computes only the recurrent product per step. Written to the cache of the step\n(ProjectionStride floats apart), where the group forward reads it before overwriting that step with the cell's values.\nSummed in the thread schedule's order (bias, then the input terms, then in the forward the recurrent terms).");
        using (w.Block("public static void " + InputProjectionMethod + "(" + projectionSignature + ")"))
        {
            Const(w, "Features", features, "input features per step");
            Const(w, "GateWidth", GateWidth);
            Const(w, "Kernel", Tensor("kernel")!.Offset, plan.Name + "/kernel [Features, GateWidth]");
            var bias = Tensor("bias");
            if (bias is not null)
            {
                Const(w, "Bias", bias.Offset, plan.Name + "/bias " + (bias.Rows == 2 ? "[2, GateWidth]: the input bias is its first row" : "[GateWidth]"));
            }

            Const(w, "ProjectionStride", ProjectionStride, "floats per step of the cache");
            // Two copies of one loop: 32-bit indices whenever the items (and the grid stride past the last one) fit an
            // int, as in every realistic launch, 64-bit ones otherwise. Per item, a 64-bit division by the runtime steps
            // is a long subroutine on GPUs and made this kernel compute-bound (H100, 2,000-series inference); the test
            // is the same for every thread, so none diverges.
            using (w.Block("if ((long)batch * steps * GateWidth + (long)Grid.Dimension.X * Group.Dimension.X <= int.MaxValue)"))
            {
                EmitInputProjectionItems(w, bias is not null, "int");
            }

            using (w.Block("else"))
            {
                EmitInputProjectionItems(w, bias is not null, "long");
            }
        }
    }

    /// <summary>The input projection's grid-stride loop over (sequence, step, gate column) items, counted in <paramref name="index"/>.</summary>
    private void EmitInputProjectionItems(CodeWriter w, bool hasBias, string index)
    {
        string count = index == "int" ? "batch * steps * GateWidth" : "(long)batch * steps * GateWidth";
        using (w.Block("for (" + index + " item = Grid.GlobalIndex.X; item < " + count + "; item += Grid.Dimension.X * Group.Dimension.X)"))
        {
            w.Line("int g = (int)(item % GateWidth); // the gate column");
            w.Line(index + " rowOfBatch = item / GateWidth; // b · steps + t, the step's state row");
            if (isFirst)
            {
                w.Line("int b = (int)(rowOfBatch / steps); // the sequence");
                w.Line("int t = (int)(rowOfBatch - (" + index + ")b * steps); // the step");
                w.Line("long x = ((long)rows[b] * steps + t) * Features;");
            }
            else
            {
                w.Line("long x = (long)rowOfBatch * Features; // the previous layer's output has the same rows");
            }

            // The first term is added before the loop: ILGPU places a value used only inside a loop in the loop's
            // header, which made the row's address (a 64-bit division by steps) cost every iteration on an H100.
            w.Line("float sum = " + FirstProduct(ProductPass.Forward, "input[x]", "parameters[Kernel + g]", hasBias ? "parameters[Bias + g]" : null) + ";");
            if (features > 1)
            {
                DotProduct(w, ProductPass.Forward, "sum", "k", "Features", features, k => "input[x + " + k + "]", k => "parameters[Kernel + " + Factor(k) + " * GateWidth + g]", first: 1);
            }

            w.Line("cache[(long)rowOfBatch * ProjectionStride + g] = sum; // rowOfBatch = b · steps + t, the step's state row");
        }
    }

    private void EmitInputGradient(CodeWriter w, string inputGradientSignature)
    {
        w.Summary(Describe() + ": the gradient reaching the input at every step (GPU schedule), one thread per (sequence, step, input\nfeature), after " + BackwardMethod + " wrote the gate gradients: kernel · input-side gate gradients. Reads the kernel\ntransposed (from the model's TransposeWeights), so the threads of a warp, one per feature, read neighbouring floats.");
        using (w.Block("public static void " + InputGradientMethod + "(" + inputGradientSignature + ")"))
        {
            Const(w, "Features", features, "input features per step");
            Const(w, "GateWidth", GateWidth);
            Const(w, "GradientWidth", GradientWidth, cell == CellKind.GRU ? "input-side gate gradients, then recurrent-side ones" : "gate gradients per step");
            Const(w, "TransposedRow", RecurrentEmitter.TransposedRowOf(plan), "floats per gate column of the transposed weights; its input weights come first");
            using (w.Block("for (long item = Grid.GlobalIndex.X; item < (long)batch * steps * Features; item += Grid.Dimension.X * Group.Dimension.X)"))
            {
                w.Line("int k = (int)(item % Features); // the input feature");
                w.Line("long step = item / Features; // b · steps + t, the step's row of the gate gradients and of the input");
                // The first term before the loop, so that ILGPU computes the step's row once (see the input projection).
                w.Line("float sum = " + FirstProduct(ProductPass.Backward, "transposed[k]", "gateGradient[step * GradientWidth]", null) + ";");
                DotProduct(w, ProductPass.Backward, "sum", "g", "GateWidth", GateWidth, g => "transposed[" + Factor(g) + " * TransposedRow + k]", g => "gateGradient[step * GradientWidth + " + g + "]", first: 1);
                w.Line("inputGradient[step * Features + k] = sum;");
            }
        }
    }

    private void Layout(CodeWriter w, bool backward)
    {
        Const(w, "Units", units);
        Const(w, "GateWidth", GateWidth, cell switch
        {
            CellKind.LSTM => "gates i, f, c̃, o (Keras order), each Units wide",
            CellKind.GRU => "gates z, r, h̃ (Keras order), each Units wide",
            _ => "one block: the new state",
        });
        if (!backward)
        {
            // The backward reads the transposed weights instead (from shared memory when they fit).
            Const(w, "RecurrentKernel", Tensor("recurrent_kernel")!.Offset, plan.Name + "/recurrent_kernel [Units, GateWidth]");
        }

        if (!backward && cell == CellKind.GRU && Tensor("bias") is { } bias)
        {
            // The input bias went into the input projection; the recurrent bias (reset_after) is added here.
            Const(w, "Bias", bias.Offset, plan.Name + "/bias [2, GateWidth]: input bias, then recurrent bias");
        }

        if (CacheWidth > 0)
        {
            Const(w, "CacheWidth", CacheWidth, "floats cached per step");
        }

        if (!backward)
        {
            Const(w, "ProjectionStride", ProjectionStride, "floats per step of the cache, where the input projection left bias + input · kernel");
        }

        if (RecurrentInShared)
        {
            Const(w, "RecurrentCount", RecurrentCount, "recurrent kernel floats, copied to shared memory once per group" + (backward ? " (transposed)" : ""));
        }
    }

    /// <summary>Thread indices, and the recurrent kernel copied to shared memory (or a comment saying why not).</summary>
    private void SharedRecurrentKernel(CodeWriter w)
    {
        w.Line("int thread = Group.IdxX;");
        w.Line("int threads = Group.DimX;");
        if (RecurrentInShared)
        {
            w.Line("var recurrent = SharedMemory.Allocate<float>(RecurrentCount);");
            w.Line(StridedLine("q", "RecurrentCount") + "recurrent[q] = parameters[RecurrentKernel + q];");
        }
        else
        {
            NotInSharedMemory(w);
        }
    }

    /// <summary>
    /// Backward: thread indices, and the recurrent kernel transposed ([GateWidth, Units]: thread k of a warp reads
    /// column k of a row, neighbouring banks) copied to shared memory from the transposed weights, or a comment.
    /// </summary>
    private void SharedTransposedRecurrentKernel(CodeWriter w)
    {
        w.Line("int thread = Group.IdxX;");
        w.Line("int threads = Group.DimX;");
        if (RecurrentInShared)
        {
            w.Line("var recurrentT = SharedMemory.Allocate<float>(RecurrentCount); // recurrent_kernel transposed: [GateWidth, Units]");
            using (Strided(w, "q", "RecurrentCount"))
            {
                w.Line("int g = q / Units;");
                w.Line("recurrentT[q] = transposed[g * TransposedRow + PaddedFeatures + (q - g * Units)];");
            }
        }
        else
        {
            NotInSharedMemory(w);
        }
    }

    private void NotInSharedMemory(CodeWriter w) =>
        w.Line("// The recurrent kernel (" + I(RecurrentCount * sizeof(float) / Kilobyte) + " KB) does not fit in static shared memory: every step reads it from global memory.");

    private string TransposedRecurrent(string g, string k) =>
        RecurrentInShared ? "recurrentT[" + Factor(g) + " * Units + " + k + "]" : "transposed[" + Factor(g) + " * TransposedRow + PaddedFeatures + " + k + "]";

    private void EmitForward(CodeWriter w)
    {
        w.Summary(Describe() + ": forward pass over every step, one group per sequence (GPU schedule): per step, threads\nover the gate columns add the recurrent product to the step's input projection (from " + InputProjectionMethod + ", launched\nbefore it), a barrier, threads over the units, a barrier. Same arguments and outputs as " + prefix + "Forward.");
        using (w.Block("public static void " + ForwardMethod + "(ArrayView<float> parameters, ArrayView<float> input, ArrayView<int> rows, ArrayView<float> states, ArrayView<float> output, ArrayView<float> cache, int batch, int steps)"))
        {
            Layout(w, backward: false);
            bool hasRecurrentBias = cell == CellKind.GRU && Tensor("bias") is not null;
            SharedRecurrentKernel(w);
            w.Line("var h = SharedMemory.Allocate<float>(Units);");
            if (cell == CellKind.LSTM)
            {
                w.Line("var c = SharedMemory.Allocate<float>(Units);");
            }

            w.Line("var z = SharedMemory.Allocate<float>(GateWidth); // input-side pre-activations");
            if (cell == CellKind.GRU)
            {
                w.Line("var zh = SharedMemory.Allocate<float>(GateWidth); // recurrent-side pre-activations (reset_after: kept apart)");
            }

            using (Sequences(w))
            {
                w.Line("long stateRow = (long)b * steps;");
                using (Strided(w, "j", "Units"))
                {
                    w.Line("h[j] = 0f;");
                    if (cell == CellKind.LSTM)
                    {
                        w.Line("c[j] = 0f;");
                    }
                }

                w.Line("Group.Barrier(); // the recurrent kernel and the zero state are visible to every thread");
                using (w.Block("for (int t = 0; t < steps; t++)"))
                {
                    w.Line("long s = stateRow + t;");
                    using (Strided(w, "g", "GateWidth"))
                    {
                        // Summed in the thread schedule's order (bias, input, recurrent), so both give the same floats.
                        w.Line("float sum = cache[s * ProjectionStride + g]; // bias + input · kernel, from " + InputProjectionMethod);
                        if (cell == CellKind.GRU)
                        {
                            w.Line("z[g] = sum;");
                            w.Line("float recurrentSum = " + (hasRecurrentBias ? "parameters[Bias + GateWidth + g]" : "0f") + ";");
                            DotProduct(w, ProductPass.Forward, "recurrentSum", "k", "Units", units, k => "h[" + k + "]", k => Recurrent(k, "g"));
                            w.Line("zh[g] = recurrentSum;");
                        }
                        else
                        {
                            DotProduct(w, ProductPass.Forward, "sum", "k", "Units", units, k => "h[" + k + "]", k => Recurrent(k, "g"));
                            w.Line("z[g] = sum;");
                        }
                    }

                    w.Line("Group.Barrier(); // every gate column is ready, and no thread reads the old state or this step's projection any more");
                    using (Strided(w, "j", "Units"))
                    {
                        EmitForwardUnit(w);
                        w.Line("states[s * Units + j] = h[j];");
                    }

                    w.Line("Group.Barrier(); // the new state is visible before the next step reads it");
                }

                if (!plan.Spec.ReturnSequences)
                {
                    w.Line(StridedLine("j", "Units") + "output[(long)b * Units + j] = h[j];");
                }
            }
        }
    }

    private void EmitForwardUnit(CodeWriter w)
    {
        switch (cell)
        {
            case CellKind.LSTM:
                w.Line("float i = " + ActivationCode.ApplyToGate(gateActivation, "z[j]") + ";");
                w.Line("float f = " + ActivationCode.ApplyToGate(gateActivation, "z[Units + j]") + ";");
                w.Line("float g = " + ActivationCode.Apply(activation, "z[2 * Units + j]") + ";");
                w.Line("float o = " + ActivationCode.ApplyToGate(gateActivation, "z[3 * Units + j]") + ";");
                w.Line("float cj = f * c[j] + i * g;");
                w.Line("c[j] = cj;");
                w.Line("float activatedCell = " + ActivationCode.Apply(activation, "cj") + ";");
                w.Line("h[j] = o * activatedCell;");
                w.Line("long e = s * CacheWidth + j;");
                w.Line("cache[e] = i;");
                w.Line("cache[e + Units] = f;");
                w.Line("cache[e + 2 * Units] = g;");
                w.Line("cache[e + 3 * Units] = o;");
                w.Line("cache[e + 4 * Units] = cj;");
                w.Line("cache[e + 5 * Units] = activatedCell; // so the backward need not recompute it");
                break;
            case CellKind.GRU:
                w.Line("float u = " + ActivationCode.ApplyToGate(gateActivation, "z[j] + zh[j]") + "; // update gate z");
                w.Line("float r = " + ActivationCode.ApplyToGate(gateActivation, "z[Units + j] + zh[Units + j]") + ";");
                w.Line("float candidateTerm = zh[2 * Units + j];");
                w.Line("float hh = " + ActivationCode.Apply(activation, "z[2 * Units + j] + r * candidateTerm") + ";");
                w.Line("h[j] = u * h[j] + (1f - u) * hh;");
                w.Line("long e = s * CacheWidth + j;");
                w.Line("cache[e] = u;");
                w.Line("cache[e + Units] = r;");
                w.Line("cache[e + 2 * Units] = hh;");
                w.Line("cache[e + 3 * Units] = candidateTerm;");
                break;
            default:
                w.Line("h[j] = " + ActivationCode.Apply(activation, "z[j]") + ";");
                break;
        }
    }

    private void EmitBackward(CodeWriter w)
    {
        string inputGradient = isFirst ? "" : " except the input\ngradient, which " + InputGradientMethod + " computes afterwards from the gate gradients";
        w.Summary(Describe() + ": backpropagation through time, one group per sequence (GPU schedule), from the last step to the\nfirst: per step, threads over the units form the gate gradients, a barrier, threads over the units propagate them to\nthe previous step, a barrier. Same arguments and outputs as " + prefix + "Backward" + inputGradient + ". " + (RecurrentInShared
            ? "The recurrent kernel sits in shared memory transposed\n(from the model's TransposeWeights), so the threads of a warp, one per unit, read neighbouring banks."
            : "The recurrent kernel is read transposed\n(from the model's TransposeWeights) from global memory, the threads of a warp, one per unit, reading neighbouring floats: coalesced reads, " + I(LoadsInFlight.PerThread) + " in flight per thread."));
        using (w.Block("public static void " + BackwardMethod + "(ArrayView<float> parameters, ArrayView<float> states, ArrayView<float> cache, ArrayView<float> outputGradient, ArrayView<float> inputGradient, ArrayView<float> gateGradient, ArrayView<float> transposed, int batch, int steps)"))
        {
            Layout(w, backward: true);
            Const(w, "GradientWidth", GradientWidth, cell == CellKind.GRU ? "input-side gate gradients, then recurrent-side ones" : "gate gradients per step");
            Const(w, "PaddedFeatures", RecurrentEmitter.PaddedFeaturesOf(plan), "a transposed row's input weights (zero-padded); its recurrent weights start here");
            Const(w, "TransposedRow", RecurrentEmitter.TransposedRowOf(plan), "floats per gate column of the transposed weights");

            SharedTransposedRecurrentKernel(w);
            w.Line("var dh = SharedMemory.Allocate<float>(Units); // gradient reaching h from later steps");
            if (cell == CellKind.LSTM)
            {
                w.Line("var dc = SharedMemory.Allocate<float>(Units); // gradient reaching c from later steps");
            }

            w.Line("var dz = SharedMemory.Allocate<float>(GateWidth); // input-side gate gradients of this step");
            if (cell == CellKind.GRU)
            {
                w.Line("var dzh = SharedMemory.Allocate<float>(GateWidth); // recurrent-side gate gradients of this step");
            }

            string recurrentGradient = cell == CellKind.GRU ? "dzh" : "dz";
            using (Sequences(w))
            {
                w.Line("long stateRow = (long)b * steps;");
                using (Strided(w, "j", "Units"))
                {
                    w.Line("dh[j] = 0f;");
                    if (cell == CellKind.LSTM)
                    {
                        w.Line("dc[j] = 0f;");
                    }
                }

                w.Line("Group.Barrier(); // the recurrent kernel is visible to every thread");
                using (w.Block("for (int t = steps - 1; t >= 0; t--)"))
                {
                    w.Line("long s = stateRow + t;");
                    using (Strided(w, "j", "Units"))
                    {
                        w.Line(plan.Spec.ReturnSequences
                            ? "float dhj = dh[j] + outputGradient[s * Units + j];"
                            : "float dhj = dh[j] + (t == steps - 1 ? outputGradient[(long)b * Units + j] : 0f);");
                        EmitBackwardUnit(w);
                    }

                    w.Line("Group.Barrier(); // every gate gradient of this step is ready");
                    w.Line(StridedLine("g", "GateWidth") + "gateGradient[s * GradientWidth + g] = dz[g];");
                    if (cell == CellKind.GRU)
                    {
                        w.Line(StridedLine("g", "GateWidth") + "gateGradient[s * GradientWidth + GateWidth + g] = dzh[g];");
                    }

                    using (Strided(w, "k", "Units"))
                    {
                        w.Line("float sum = 0f;");
                        DotProduct(w, ProductPass.Backward, "sum", "g", "GateWidth", GateWidth, g => TransposedRecurrent(g, "k"), g => recurrentGradient + "[" + g + "]");
                        // The GRU's direct path dhj·u was stored in dh[k] by this same thread (same stride over the units).
                        w.Line("dh[k] = " + CarriedGradient.Flushed(cell == CellKind.GRU ? "dh[k] + sum" : "sum") + "; // flushed below 2^-100, as the thread schedule");
                    }

                    w.Line("Group.Barrier(); // dh is complete before the previous step reads it, and dz may be overwritten");
                }
            }
        }
    }

    private void EmitBackwardUnit(CodeWriter w)
    {
        switch (cell)
        {
            case CellKind.LSTM:
                w.Line("long e = s * CacheWidth + j;");
                w.Line("float i = cache[e];");
                w.Line("float f = cache[e + Units];");
                w.Line("float g = cache[e + 2 * Units];");
                w.Line("float o = cache[e + 3 * Units];");
                w.Line("float cPrevious = t > 0 ? cache[e - CacheWidth + 4 * Units] : 0f;");
                w.Line("float tc = cache[e + 5 * Units]; // the activated cell state, cached by the forward");
                w.Line("float dcj = dc[j] + dhj * o * " + ActivationCode.DerivativeFromOutput(activation, "tc") + ";");
                w.Line("dz[j] = dcj * g * " + ActivationCode.DerivativeFromOutput(gateActivation, "i") + ";");
                w.Line("dz[Units + j] = dcj * cPrevious * " + ActivationCode.DerivativeFromOutput(gateActivation, "f") + ";");
                w.Line("dz[2 * Units + j] = dcj * i * " + ActivationCode.DerivativeFromOutput(activation, "g") + ";");
                w.Line("dz[3 * Units + j] = dhj * tc * " + ActivationCode.DerivativeFromOutput(gateActivation, "o") + ";");
                w.Line("dc[j] = " + CarriedGradient.Flushed("dcj * f") + ";");
                break;
            case CellKind.GRU:
                w.Line("long e = s * CacheWidth + j;");
                w.Line("float u = cache[e];");
                w.Line("float r = cache[e + Units];");
                w.Line("float hh = cache[e + 2 * Units];");
                w.Line("float candidateTerm = cache[e + 3 * Units];");
                w.Line("float hPrevious = t > 0 ? states[(s - 1) * Units + j] : 0f;");
                w.Line("float dCandidate = dhj * (1f - u) * " + ActivationCode.DerivativeFromOutput(activation, "hh") + ";");
                w.Line("float dUpdate = dhj * (hPrevious - hh) * " + ActivationCode.DerivativeFromOutput(gateActivation, "u") + ";");
                w.Line("float dReset = dCandidate * candidateTerm * " + ActivationCode.DerivativeFromOutput(gateActivation, "r") + ";");
                w.Line("dz[j] = dUpdate;");
                w.Line("dz[Units + j] = dReset;");
                w.Line("dz[2 * Units + j] = dCandidate;");
                w.Line("dzh[j] = dUpdate;");
                w.Line("dzh[Units + j] = dReset;");
                w.Line("dzh[2 * Units + j] = dCandidate * r; // the reset gate scales the recurrent candidate term");
                w.Line("dh[j] = dhj * u; // direct path h(t-1) → h(t)");
                break;
            default:
                w.Line("dz[j] = dhj * " + ActivationCode.DerivativeFromOutput(activation, "states[s * Units + j]") + ";");
                break;
        }
    }
}
