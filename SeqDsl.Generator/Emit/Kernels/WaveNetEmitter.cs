using System.Collections.Generic;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// The original (gated) WaveNet as one layer of the chain: a causal input convolution, then residual blocks — dilated
/// causal conv to 2·Filters → tanh(a)·σ(b) → 1×1 conv s; the block's output is its input + s and s is added to the skip
/// sum — then ReLU, 1×1 conv, ReLU and the optional 1×1 head. Dilations run 1, 2, 4, … within each block. σ is a gate
/// here, as in a recurrent layer, so it is the gates' sigmoid (Activations.GateSigmoid: through tanh, with no exponential, except on CUDA).
/// Forward: one launch for the input conv, one per residual block (a kernel that takes the block's index), one for the
/// head. Backward: one launch for the head, two per block (gate gradient, then the gather of the dilated conv's input
/// gradient), one for the input gradient, and one for the weight gradients' partials: one thread per (sample, row of a
/// [kernel; bias] matrix) sums the row's gradient over the sample's steps into a per-sample partials workspace (contiguous
/// over the matrix's columns), which the model's one <c>WeightGradients</c> launch adds up in sample order
/// (deterministic, no atomics; <see cref="SummedPartials"/>).
/// Every per-step kernel runs one thread per (sample, step); the residual stream, gate pre-activations and skip sum
/// are kept in the workspace for the backward pass.
/// </summary>
internal sealed class WaveNetEmitter : LayerEmitter
{
    private const string Views5 = "ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>";

    private readonly int features;
    private readonly int filters;
    private readonly int kernelSize;
    private readonly int layers;
    private readonly int outputs;

    public WaveNetEmitter(LayerPlan plan, LayerIo io)
        : base(plan, io)
    {
        features = plan.Input.Features;
        filters = plan.Spec.Units;
        kernelSize = plan.Spec.KernelSize;
        layers = plan.Spec.LayersPerBlock * plan.Spec.Blocks;
        outputs = plan.Spec.Outputs;
    }

    private bool HasHead => outputs > 0;

    private int PerLayer => (kernelSize * filters * 2 * filters) + (2 * filters) + (filters * filters) + filters;

    private string View(string name) => FieldPrefix + name + "!.View";

    /// <summary>The buffer holding the ReLU'd post-conv output h: the workspace with a head, else the layer's output.</summary>
    private string HiddenView => HasHead ? View("Hidden") : Io.Output;

    public override IEnumerable<WorkspaceBuffer> Workspace
    {
        get
        {
            yield return new WorkspaceBuffer(FieldPrefix + "Residual", "steps * " + I((layers + 1) * filters), "residual stream: the input conv's output and every block's output, block-major");
            yield return new WorkspaceBuffer(FieldPrefix + "Gates", "steps * " + I(layers * 2 * filters), "pre-activations of every block's gated unit, block-major");
            yield return new WorkspaceBuffer(FieldPrefix + "Skips", "steps * " + I(filters), "sum of the blocks' skip outputs");
            if (HasHead)
            {
                yield return new WorkspaceBuffer(FieldPrefix + "Hidden", "steps * " + I(filters), "ReLU(1×1 conv(ReLU(skip sum))), the head's input");
            }

            yield return new WorkspaceBuffer(FieldPrefix + "ResidualGradient", "steps * " + I(filters), "gradient of the current block's residual input (updated in place, block by block)");
            yield return new WorkspaceBuffer(FieldPrefix + "SkipGradient", "steps * " + I(filters), "gradient of the skip sum");
            yield return new WorkspaceBuffer(FieldPrefix + "PostGradient", "steps * " + I(filters), "gradient of the post 1×1 conv's pre-activation");
            yield return new WorkspaceBuffer(FieldPrefix + "GateGradient", "steps * " + I(layers * 2 * filters), "gradient of every block's gate pre-activations, block-major");
            yield return new WorkspaceBuffer(FieldPrefix + "BlockGradient", "steps * " + I(layers * filters), "gradient of every block's 1×1 output s, block-major");
            yield return new WorkspaceBuffer(FieldPrefix + "WeightPartials", I(Plan.ParameterCount), "each sample's partial gradient of every weight of the stack, summed over its steps");
        }
    }

    public override IEnumerable<KernelField> Kernels
    {
        get
        {
            yield return new KernelField(FieldPrefix + "InputForward", "ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int", Prefix + "InputForward");
            yield return new KernelField(FieldPrefix + "BlockForward", "ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int", Prefix + "BlockForward");
            yield return new KernelField(FieldPrefix + "HeadForward", "ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int", Prefix + "HeadForward");
            yield return new KernelField(FieldPrefix + "HeadBackward", Views5 + ", ArrayView<float>, ArrayView<float>, int, int", Prefix + "HeadBackward");
            yield return new KernelField(FieldPrefix + "GateBackward", Views5 + ", ArrayView<float>, int, int, int", Prefix + "GateBackward");
            yield return new KernelField(FieldPrefix + "BlockBackward", "ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int", Prefix + "BlockBackward");
            if (!Io.IsFirst)
            {
                yield return new KernelField(FieldPrefix + "InputBackward", "ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int", Prefix + "InputBackward");
            }

            yield return new KernelField(FieldPrefix + "WeightGradientPartials", "ArrayView<float>, ArrayView<int>, " + Views5 + ", " + Views5 + ", int, int", Prefix + "WeightGradientPartials");
        }
    }

    public override IEnumerable<PartialSums> SummedPartials => new[] { new PartialSums(Describe(), FieldPrefix + "WeightPartials", Plan.ParameterOffset, Plan.ParameterCount, "every tensor of the stack, in order") };

    public override void EmitForward(CodeWriter w)
    {
        w.Line("// " + Describe());
        w.Line(FieldPrefix + "InputForward(device.GridFor(n * steps), batch.Parameters, " + Io.Input + ", batch.Rows, " + View("Residual") + ", n, steps);");
        using (w.Block("for (int block = 0; block < " + I(layers) + "; block++)"))
        {
            w.Line(FieldPrefix + "BlockForward(device.GridFor(n * steps), batch.Parameters, " + View("Residual") + ", " + View("Gates") + ", " + View("Skips") + ", n, steps, block);");
        }

        w.Line(FieldPrefix + "HeadForward(device.GridFor(n * steps), batch.Parameters, " + View("Skips") + ", " + HiddenView + ", " + Io.Output + ", n, steps);");
    }

    public override void EmitBackward(CodeWriter w)
    {
        w.Line("// " + Describe());
        w.Line(FieldPrefix + "HeadBackward(device.GridFor(n * steps), batch.Parameters, " + View("Skips") + ", " + HiddenView + ", " + Io.OutputGradient + ", "
            + View("PostGradient") + ", " + View("SkipGradient") + ", " + View("ResidualGradient") + ", n, steps);");
        using (w.Block("for (int block = " + I(layers - 1) + "; block >= 0; block--)"))
        {
            w.Line(FieldPrefix + "GateBackward(device.GridFor(n * steps), batch.Parameters, " + View("Gates") + ", " + View("SkipGradient") + ", " + View("ResidualGradient") + ", "
                + View("GateGradient") + ", " + View("BlockGradient") + ", n, steps, block);");
            w.Line(FieldPrefix + "BlockBackward(device.GridFor(n * steps), batch.Parameters, " + View("GateGradient") + ", " + View("ResidualGradient") + ", n, steps, block);");
        }

        if (!Io.IsFirst)
        {
            w.Line(FieldPrefix + "InputBackward(device.GridFor(n * steps), batch.Parameters, " + View("ResidualGradient") + ", " + Io.InputGradient + ", n, steps);");
        }

        w.Line(FieldPrefix + "WeightGradientPartials(device.GridFor(n * " + I(MatrixRows) + "), " + Io.Input + ", batch.Rows, " + View("Residual") + ", " + View("Gates") + ", " + View("Skips") + ", "
            + HiddenView + ", " + Io.OutputGradient + ", " + View("PostGradient") + ", " + View("ResidualGradient") + ", " + View("GateGradient") + ", " + View("BlockGradient") + ", " + View("WeightPartials") + ", n, steps);");
    }

    public override void EmitKernels(CodeWriter w)
    {
        EmitInputForward(w);
        w.Line();
        EmitBlockForward(w);
        w.Line();
        EmitHeadForward(w);
        w.Line();
        EmitHeadBackward(w);
        w.Line();
        EmitGateBackward(w);
        w.Line();
        EmitBlockBackward(w);
        if (!Io.IsFirst)
        {
            w.Line();
            EmitInputBackward(w);
        }

        w.Line();
        EmitWeightGradients(w);
    }

    /// <summary>The causal input conv, kernel [KernelSize · Features, Filters].</summary>
    private static readonly ConvWeights InputConv = new("InputKernel", "Features", "Filters");

    /// <summary>A block's dilated causal conv, kernel [KernelSize · Filters, Gates] at the block's first weight.</summary>
    private static readonly ConvWeights DilatedConv = new("weights", "Filters", "Gates", Column: "j");

    /// <summary>A block's 1×1 residual conv [Filters, Filters], its rows indexed by the gated unit j.</summary>
    private static readonly ConvWeights ResidualConv = new("weights + ResidualKernel", "Filters", "Filters", Channel: "j");

    /// <summary>The post 1×1 conv [Filters, Filters] after ReLU(skip sum).</summary>
    private static readonly ConvWeights PostConv = new("PostKernel", "Filters", "Filters", Column: "j");

    private string Sample(string b) => Io.IsFirst ? "(long)rows[" + b + "] * steps" : "(long)" + b + " * steps";

    private void Offset(CodeWriter w, string constant, string tensor, string shape)
    {
        Const(w, constant, Tensor(tensor)!.Offset, Plan.Name + "/" + tensor + " " + shape);
    }

    /// <summary>Writes the block layout constants a kernel uses (only those: unused constants do not compile warning-free).</summary>
    private void BlockLayout(CodeWriter w, params string[] names)
    {
        int dilatedBias = kernelSize * filters * 2 * filters;
        foreach (string name in names)
        {
            switch (name)
            {
                case "Filters":
                    Const(w, "Filters", filters, "channels of the residual stream");
                    break;
                case "Gates":
                    Const(w, "Gates", 2 * filters, "dilated conv outputs: tanh half, then sigmoid half");
                    break;
                case "KernelSize":
                    Const(w, "KernelSize", kernelSize, "taps of every causal conv");
                    break;
                case "LayersPerBlock":
                    Const(w, "LayersPerBlock", Plan.Spec.LayersPerBlock, "dilations 1, 2, …, 2^(LayersPerBlock − 1), then again");
                    break;
                case "BlockFirst":
                    Offset(w, "BlockFirst", "block0_layer0_dilated_kernel", "[KernelSize · Filters, Gates]: the first block's first weight");
                    break;
                case "PerLayer":
                    Const(w, "PerLayer", PerLayer, "parameters per block: dilated kernel, dilated bias, residual kernel, residual bias");
                    break;
                case "DilatedBias":
                    Const(w, "DilatedBias", dilatedBias, "offset inside a block's parameters");
                    break;
                case "ResidualKernel":
                    Const(w, "ResidualKernel", dilatedBias + (2 * filters), "offset inside a block's parameters, [Filters, Filters]");
                    break;
                default:
                    Const(w, "ResidualBias", dilatedBias + (2 * filters) + (filters * filters), "offset inside a block's parameters");
                    break;
            }
        }
    }

    private void EmitInputForward(CodeWriter w)
    {
        w.Summary(Describe() + ": causal input conv (no activation) into the residual stream's slot 0, one thread per (sample, step).");
        using (w.Block("public static void " + Prefix + "InputForward(ArrayView<float> parameters, ArrayView<float> input, ArrayView<int> rows, ArrayView<float> residual, int batch, int steps)"))
        {
            Const(w, "Features", features, "input features per step");
            Const(w, "Filters", filters);
            Const(w, "KernelSize", kernelSize, "taps, dilation 1");
            Offset(w, "InputKernel", "input_conv_kernel", "[KernelSize · Features, Filters]");
            Offset(w, "InputBias", "input_conv_bias", "[Filters]");
            w.Line("var z = LocalMemory.Allocate<float>(Filters);");
            using (GridStride(w, "r", "batch * steps"))
            {
                w.Line("int b = r / steps;");
                w.Line("int t = r - b * steps;");
                w.Line("long x = " + Sample("b") + ";");
                w.Line("for (int u = 0; u < Filters; u++) z[u] = parameters[InputBias + u];");
                var reads = new TapStep("s >= 0", "", "int s = t - (KernelSize - 1 - k); // causal: tap k reads KernelSize − 1 − k steps back");
                ConvTaps.EmitForward(w, InputConv, reads, "xc", c => "input[(x + s) * Features + " + c + "]", "z");

                w.Line("for (int u = 0; u < Filters; u++) residual[(long)r * Filters + u] = z[u];");
            }
        }
    }

    private void EmitBlockForward(CodeWriter w)
    {
        w.Summary(Describe() + ": the residual block given by the block argument, one thread per (sample, step): dilated causal conv, gated unit, 1×1 conv, residual add and skip sum.");
        using (w.Block("public static void " + Prefix + "BlockForward(ArrayView<float> parameters, ArrayView<float> residual, ArrayView<float> gates, ArrayView<float> skips, int batch, int steps, int block)"))
        {
            BlockLayout(w, "Filters", "Gates", "KernelSize", "LayersPerBlock", "BlockFirst", "PerLayer", "DilatedBias", "ResidualKernel", "ResidualBias");
            w.Line("int dilation = 1 << (block % LayersPerBlock);");
            w.Line("int weights = BlockFirst + block * PerLayer;");
            w.Line("long slot = (long)block * batch * steps; // first row of this block's input in the residual stream");
            w.Line("var a = LocalMemory.Allocate<float>(Gates);");
            w.Line("var s = LocalMemory.Allocate<float>(Filters);");
            using (GridStride(w, "r", "batch * steps"))
            {
                w.Line("int b = r / steps;");
                w.Line("int t = r - b * steps;");
                w.Line("for (int j = 0; j < Gates; j++) a[j] = parameters[weights + DilatedBias + j];");
                var reads = new TapStep("from >= 0", "", "int from = t - (KernelSize - 1 - k) * dilation;");
                ConvTaps.EmitForward(w, DilatedConv, reads, "zc", c => "residual[(slot + (long)b * steps + from) * Filters + " + c + "]", "a");

                w.Line("long here = slot + r;");
                w.Line("for (int j = 0; j < Gates; j++) gates[here * Gates + j] = a[j];");
                w.Line("for (int u = 0; u < Filters; u++) s[u] = parameters[weights + ResidualBias + u];");
                ConvTaps.EmitRows(w, ResidualConv, "j", "g", j => "global::SeqDsl.Kernels.Activations.Tanh(a[" + j + "]) * global::SeqDsl.Kernels.Activations.GateSigmoid(a[Filters + " + j + "])", "s");

                w.Line("long next = here + (long)batch * steps; // the same row in the next slot");
                using (w.Block("for (int u = 0; u < Filters; u++)"))
                {
                    w.Line("residual[next * Filters + u] = residual[here * Filters + u] + s[u];");
                    w.Line("skips[(long)r * Filters + u] = (block == 0 ? 0f : skips[(long)r * Filters + u]) + s[u];");
                }
            }
        }
    }

    private void EmitHeadForward(CodeWriter w)
    {
        w.Summary(Describe() + ": ReLU(skip sum) → 1×1 conv → ReLU" + (HasHead ? " → 1×1 head" : "") + ", one thread per (sample, step).");
        using (w.Block("public static void " + Prefix + "HeadForward(ArrayView<float> parameters, ArrayView<float> skips, ArrayView<float> hidden, ArrayView<float> output, int batch, int steps)"))
        {
            Const(w, "Filters", filters);
            Offset(w, "PostKernel", "post_kernel", "[Filters, Filters]");
            Offset(w, "PostBias", "post_bias", "[Filters]");
            if (HasHead)
            {
                Const(w, "Outputs", outputs, "head filters");
                Offset(w, "HeadKernel", "head_kernel", "[Filters, Outputs]");
                Offset(w, "HeadBias", "head_bias", "[Outputs]");
            }

            w.Line("var h = LocalMemory.Allocate<float>(Filters);");
            using (GridStride(w, "r", "batch * steps"))
            {
                w.Line("long row = (long)r * Filters;");
                w.Line("for (int j = 0; j < Filters; j++) h[j] = parameters[PostBias + j];");
                ConvTaps.EmitRows(w, PostConv, "c", "relu", c => "global::SeqDsl.Kernels.Activations.Relu(skips[row + " + c + "])", "h", row: "kernelRow");

                w.Line("for (int j = 0; j < Filters; j++) hidden[row + j] = global::SeqDsl.Kernels.Activations.Relu(h[j]);" + (HasHead ? "" : " // hidden is the layer's output"));
                if (HasHead)
                {
                    using (w.Block("for (int o = 0; o < Outputs; o++)"))
                    {
                        w.Line("float sum = parameters[HeadBias + o];");
                        w.Line("for (int j = 0; j < Filters; j++) sum += hidden[row + j] * parameters[HeadKernel + j * Outputs + o];");
                        w.Line("output[(long)r * Outputs + o] = sum;");
                    }
                }
            }
        }
    }

    private void EmitHeadBackward(CodeWriter w)
    {
        w.Summary(Describe() + ": backward through the head and post conv to the skip sum, one thread per (sample, step); clears the residual gradient (the last block's residual output feeds nothing).");
        using (w.Block("public static void " + Prefix + "HeadBackward(ArrayView<float> parameters, ArrayView<float> skips, ArrayView<float> hidden, ArrayView<float> outputGradient, ArrayView<float> postGradient, ArrayView<float> skipGradient, ArrayView<float> residualGradient, int batch, int steps)"))
        {
            Const(w, "Filters", filters);
            Offset(w, "PostKernel", "post_kernel", "[Filters, Filters]");
            if (HasHead)
            {
                Const(w, "Outputs", outputs, "head filters");
                Offset(w, "HeadKernel", "head_kernel", "[Filters, Outputs]");
            }

            w.Line("var dh = LocalMemory.Allocate<float>(Filters);");
            using (GridStride(w, "r", "batch * steps"))
            {
                w.Line("long row = (long)r * Filters;");
                using (w.Block("for (int j = 0; j < Filters; j++)"))
                {
                    if (HasHead)
                    {
                        w.Line("float d = 0f;");
                        w.Line("for (int o = 0; o < Outputs; o++) d += parameters[HeadKernel + j * Outputs + o] * outputGradient[(long)r * Outputs + o];");
                    }
                    else
                    {
                        w.Line("float d = outputGradient[row + j];");
                    }

                    w.Line("dh[j] = hidden[row + j] > 0f ? d : 0f; // through the ReLU");
                    w.Line("postGradient[row + j] = dh[j];");
                }

                using (w.Block("for (int c = 0; c < Filters; c++)"))
                {
                    w.Line("float d = 0f;");
                    w.Line("for (int j = 0; j < Filters; j++) d += parameters[PostKernel + c * Filters + j] * dh[j];");
                    w.Line("skipGradient[row + c] = skips[row + c] > 0f ? d : 0f;");
                    w.Line("residualGradient[row + c] = 0f;");
                }
            }
        }
    }

    private void EmitGateBackward(CodeWriter w)
    {
        w.Summary(Describe() + ": the given block's 1×1 conv and gated unit backward, one thread per (sample, step). s feeds both the skip sum and the next block's input.");
        using (w.Block("public static void " + Prefix + "GateBackward(ArrayView<float> parameters, ArrayView<float> gates, ArrayView<float> skipGradient, ArrayView<float> residualGradient, ArrayView<float> gateGradient, ArrayView<float> blockGradient, int batch, int steps, int block)"))
        {
            BlockLayout(w, "Filters", "Gates", "BlockFirst", "PerLayer", "ResidualKernel");
            w.Line("int weights = BlockFirst + block * PerLayer;");
            w.Line("long slot = (long)block * batch * steps;");
            w.Line("var ds = LocalMemory.Allocate<float>(Filters);");
            using (GridStride(w, "r", "batch * steps"))
            {
                w.Line("long row = (long)r * Filters;");
                w.Line("long here = slot + r;");
                using (w.Block("for (int u = 0; u < Filters; u++)"))
                {
                    w.Line("ds[u] = skipGradient[row + u] + residualGradient[row + u];");
                    w.Line("blockGradient[here * Filters + u] = ds[u];");
                }

                using (w.Block("for (int j = 0; j < Filters; j++)"))
                {
                    w.Line("float dg = 0f;");
                    w.Line("for (int u = 0; u < Filters; u++) dg += parameters[weights + ResidualKernel + j * Filters + u] * ds[u];");
                    w.Line("float th = global::SeqDsl.Kernels.Activations.Tanh(gates[here * Gates + j]);");
                    w.Line("float sg = global::SeqDsl.Kernels.Activations.GateSigmoid(gates[here * Gates + Filters + j]);");
                    w.Line("gateGradient[here * Gates + j] = dg * sg * (1f - th * th);");
                    w.Line("gateGradient[here * Gates + Filters + j] = dg * th * sg * (1f - sg);");
                }
            }
        }
    }

    private void EmitBlockBackward(CodeWriter w)
    {
        w.Summary(Describe() + ": the given block's input gradient, one thread per (sample, step): the residual path plus every later step whose dilated conv read this one. Updates the residual gradient in place (each thread owns its row).");
        using (w.Block("public static void " + Prefix + "BlockBackward(ArrayView<float> parameters, ArrayView<float> gateGradient, ArrayView<float> residualGradient, int batch, int steps, int block)"))
        {
            BlockLayout(w, "Filters", "Gates", "KernelSize", "LayersPerBlock", "BlockFirst", "PerLayer");
            w.Line("int dilation = 1 << (block % LayersPerBlock);");
            w.Line("int weights = BlockFirst + block * PerLayer;");
            w.Line("long slot = (long)block * batch * steps;");
            w.Line("var dz = LocalMemory.Allocate<float>(Filters);");
            using (GridStride(w, "r", "batch * steps"))
            {
                w.Line("int b = r / steps;");
                w.Line("int t = r - b * steps;");
                w.Line("for (int c = 0; c < Filters; c++) dz[c] = residualGradient[(long)r * Filters + c]; // the residual add passes it through");
                var readBy = new TapStep("to < steps", "", "int to = t + (KernelSize - 1 - k) * dilation; // the step whose tap k read step t");
                ConvTaps.EmitGradientGather(w, DilatedConv, readBy, "long g = (slot + (long)b * steps + to) * Gates;", j => "gateGradient[g + " + j + "]", "dz");

                w.Line("for (int c = 0; c < Filters; c++) residualGradient[(long)r * Filters + c] = dz[c];");
            }
        }
    }

    private void EmitInputBackward(CodeWriter w)
    {
        w.Summary(Describe() + ": input gradient through the causal input conv, one thread per (sample, step).");
        using (w.Block("public static void " + Prefix + "InputBackward(ArrayView<float> parameters, ArrayView<float> residualGradient, ArrayView<float> inputGradient, int batch, int steps)"))
        {
            Const(w, "Features", features, "input features per step");
            Const(w, "Filters", filters);
            Const(w, "KernelSize", kernelSize, "taps, dilation 1");
            Offset(w, "InputKernel", "input_conv_kernel", "[KernelSize · Features, Filters]");
            w.Line("var dx = LocalMemory.Allocate<float>(Features);");
            using (GridStride(w, "r", "batch * steps"))
            {
                w.Line("int b = r / steps;");
                w.Line("int t = r - b * steps;");
                w.Line("for (int c = 0; c < Features; c++) dx[c] = 0f;");
                var readBy = new TapStep("to < steps", "", "int to = t + (KernelSize - 1 - k); // the step whose tap k read step t");
                ConvTaps.EmitGradientGather(w, InputConv, readBy, "long dz = ((long)b * steps + to) * Filters; // the input conv's output gradient", u => "residualGradient[dz + " + u + "]", "dx");
                w.Line("for (int c = 0; c < Features; c++) inputGradient[(long)r * Features + c] = dx[c];");
            }
        }
    }

    /// <summary>Rows of the input conv's [kernel; bias]: row = tap · Features + feature, then the bias row.</summary>
    private int InputRows => (kernelSize * features) + 1;

    /// <summary>Rows of one block's [dilated kernel; dilated bias] then [residual kernel; residual bias].</summary>
    private int BlockRows => (kernelSize * filters) + 1 + filters + 1;

    /// <summary>Rows of every [kernel; bias] matrix of the stack, in parameter order: input conv, blocks, post conv, head.</summary>
    private int MatrixRows => InputRows + (layers * BlockRows) + filters + 1 + (HasHead ? filters + 1 : 0);

    private void EmitWeightGradients(CodeWriter w)
    {
        int inputKernel = kernelSize * features * filters;
        int postFrom = inputKernel + filters + (layers * PerLayer);
        w.Summary(Describe() + ": each sample's partial weight gradients, one thread per (sample, row of one of the stack's [kernel; bias] matrices):\n"
            + "the row's operand (an input, residual-stream, gated-unit or hidden value; 1 for a bias row) times the gradients it multiplies, summed over\n"
            + "the sample's steps in order, with contiguous multiply-adds over the matrix's columns. The partials are laid out like the parameters.");
        using (w.Block("public static void " + Prefix + "WeightGradientPartials(ArrayView<float> input, ArrayView<int> rows, ArrayView<float> residual, ArrayView<float> gates, ArrayView<float> skips, ArrayView<float> hidden, ArrayView<float> outputGradient, ArrayView<float> postGradient, ArrayView<float> residualGradient, ArrayView<float> gateGradient, ArrayView<float> blockGradient, ArrayView<float> partials, int batch, int steps)"))
        {
            Const(w, "Features", features, "input features per step");
            BlockLayout(w, "Filters", "Gates", "KernelSize", "LayersPerBlock", "PerLayer", "ResidualKernel");
            if (HasHead)
            {
                Const(w, "Outputs", outputs, "head filters");
            }

            Const(w, "Count", Plan.ParameterCount, "parameters of the stack: one sample's partials");
            Const(w, "BlocksFrom", inputKernel + filters, "the blocks' weights, PerLayer each");
            Const(w, "PostFrom", postFrom, "post_kernel [Filters, Filters], then post_bias");
            if (HasHead)
            {
                Const(w, "HeadFrom", postFrom + (filters * filters) + filters, "head_kernel [Filters, Outputs], then head_bias");
            }

            Const(w, "InputRows", InputRows, "input conv: KernelSize · Features kernel rows (tap · Features + feature), then the bias row");
            Const(w, "DilatedRows", (kernelSize * filters) + 1, "a block's dilated conv: KernelSize · Filters kernel rows, then the bias row");
            Const(w, "BlockRows", BlockRows, "a block's dilated rows, then its residual 1×1 conv's Filters rows and bias row");
            Const(w, "PostRowsFrom", InputRows + (layers * BlockRows), "the post 1×1 conv's Filters rows and bias row");
            if (HasHead)
            {
                Const(w, "HeadRowsFrom", InputRows + (layers * BlockRows) + filters + 1, "the head's Filters rows and bias row");
            }

            Const(w, "MatrixRows", MatrixRows, "rows of every [kernel; bias] matrix of the stack");
            Const(w, "Widest", HasHead ? System.Math.Max(2 * filters, outputs) : 2 * filters, "columns of the widest matrix (Gates" + (HasHead ? " or Outputs" : "") + ")");
            w.Line("var sum = LocalMemory.Allocate<float>(Widest); // this row's partial gradient");
            using (GridStride(w, "item", "batch * MatrixRows"))
            {
                w.Line("int b = item / MatrixRows;");
                w.Line("int row = item - b * MatrixRows;");
                w.Line("long sample = (long)b * steps; // sample b's first row in the per-step buffers");
                w.Line("long at; // where this row's partial goes in sample b's copy of the parameters");
                w.Line("int columns;");
                w.Line("for (int j = 0; j < Widest; j++) sum[j] = 0f;");
                using (w.Block("if (row < InputRows) // input conv (causal, dilation 1): its output gradient is the residual gradient left by block 0"))
                {
                    w.Line("columns = Filters;");
                    w.Line("at = row * Filters;");
                    w.Line("bool isBias = row == InputRows - 1;");
                    w.Line("int k = row / Features;");
                    w.Line("int c = row - k * Features;");
                    w.Line("int back = isBias ? 0 : KernelSize - 1 - k; // tap k reads KernelSize − 1 − k steps back");
                    w.Line("long x = " + Sample("b") + ";");
                    using (w.Block("for (int t = back; t < steps; t++)"))
                    {
                        w.Line("float xc = isBias ? 1f : input[(x + t - back) * Features + c];");
                        w.Line("long d = (sample + t) * Filters;");
                        w.Line("for (int u = 0; u < Filters; u++) sum[u] += xc * residualGradient[d + u];");
                    }
                }

                using (w.Block("else if (row < PostRowsFrom) // a residual block"))
                {
                    w.Line("int block = (row - InputRows) / BlockRows;");
                    w.Line("int e = row - InputRows - block * BlockRows;");
                    w.Line("long slot = (long)block * batch * steps + sample; // sample b's first row of this block in the residual stream, gates and gradients");
                    w.Line("at = BlocksFrom + block * PerLayer;");
                    using (w.Block("if (e < DilatedRows) // dilated causal conv row, or its bias row"))
                    {
                        w.Line("columns = Gates;");
                        w.Line("at += e * Gates;");
                        w.Line("bool isBias = e == DilatedRows - 1;");
                        w.Line("int k = e / Filters;");
                        w.Line("int c = e - k * Filters;");
                        w.Line("int back = isBias ? 0 : (KernelSize - 1 - k) * (1 << (block % LayersPerBlock));");
                        using (w.Block("for (int t = back; t < steps; t++)"))
                        {
                            w.Line("float zc = isBias ? 1f : residual[(slot + t - back) * Filters + c];");
                            w.Line("long g = (slot + t) * Gates;");
                            w.Line("for (int j = 0; j < Gates; j++) sum[j] += zc * gateGradient[g + j];");
                        }
                    }

                    using (w.Block("else // residual 1×1 conv row j (gated unit j), or its bias row when j == Filters"))
                    {
                        w.Line("int j = e - DilatedRows;");
                        w.Line("columns = Filters;");
                        w.Line("at += ResidualKernel + j * Filters;");
                        using (w.Block("for (int t = 0; t < steps; t++)"))
                        {
                            w.Line("long here = slot + t;");
                            w.Line("float g = j == Filters ? 1f : global::SeqDsl.Kernels.Activations.Tanh(gates[here * Gates + j]) * global::SeqDsl.Kernels.Activations.GateSigmoid(gates[here * Gates + Filters + j]);");
                            w.Line("for (int u = 0; u < Filters; u++) sum[u] += g * blockGradient[here * Filters + u];");
                        }
                    }
                }

                using (w.Block(HasHead ? "else if (row < HeadRowsFrom) // post 1×1 conv row c, or its bias row when c == Filters" : "else // post 1×1 conv row c, or its bias row when c == Filters"))
                {
                    w.Line("int c = row - PostRowsFrom;");
                    w.Line("columns = Filters;");
                    w.Line("at = PostFrom + c * Filters;");
                    using (w.Block("for (int t = 0; t < steps; t++)"))
                    {
                        w.Line("long r = sample + t;");
                        w.Line("float v = c == Filters ? 1f : global::SeqDsl.Kernels.Activations.Relu(skips[r * Filters + c]);");
                        w.Line("for (int j = 0; j < Filters; j++) sum[j] += v * postGradient[r * Filters + j];");
                    }
                }

                if (HasHead)
                {
                    using (w.Block("else // head row j, or its bias row when j == Filters"))
                    {
                        w.Line("int j = row - HeadRowsFrom;");
                        w.Line("columns = Outputs;");
                        w.Line("at = HeadFrom + j * Outputs;");
                        using (w.Block("for (int t = 0; t < steps; t++)"))
                        {
                            w.Line("long r = sample + t;");
                            w.Line("float v = j == Filters ? 1f : hidden[r * Filters + j];");
                            w.Line("for (int o = 0; o < Outputs; o++) sum[o] += v * outputGradient[r * Outputs + o];");
                        }
                    }
                }

                w.Line("at += (long)b * Count;");
                w.Line("for (int j = 0; j < columns; j++) partials[at + j] = sum[j];");
            }
        }
    }
}
