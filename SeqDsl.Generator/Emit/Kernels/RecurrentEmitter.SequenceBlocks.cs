using System.Collections.Generic;
using System.Linq;
using SeqDsl.Generator.Model;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// The CPU form of the recurrent forward and backward: one thread per block of <see cref="SequencesPerThread"/>
/// sequences, which run their steps side by side. Each weight a step's matrix products load feeds every sequence of the
/// block, where one thread per sequence loaded each weight once per multiply-add; each loaded input, state or gate
/// gradient feeds a block of <see cref="BlockColumns"/> columns, whose sums (columns × sequences) stay in vector
/// registers. The cell math between the products runs sequence by sequence, as in the one-sequence kernels.
/// </summary>
/// <remarks>
/// Every sum adds the same terms in the same order as the one-sequence kernels (forward: bias, then k ascending;
/// backward: the gates ascending), so the results are the same bits. Only the CPU thread schedule loads these kernels (PoCL and ILGPU's CPU accelerator without host
/// code): a GPU wants a thread, or a group, per sequence. A batch smaller than a block runs the one-sequence kernel, so a
/// batch of one never computes the empty places of a block. The block kernels cover the plain layers
/// (<see cref="RecurrentGroupSchedule.IsPlain"/>: one direction, no peepholes, normalization, dropout, carried or returned
/// state, reset-after GRU), also those the group kernels leave out (too wide for shared memory, or the last layer with
/// the loss gradient fused in).
/// </remarks>
internal sealed partial class RecurrentEmitter
{
    /// <summary>
    /// Sequences per thread in the block kernels. Measured on PoCL (AMD EPYC, AVX2) with W3's GRU(128) forward, CPU time
    /// against the unchanged backward: 0.94 with one sequence per thread, 0.73 with 2, 0.58 with 4, 0.64 with 8.
    /// </summary>
    internal const int SequencesPerThread = 4;

    /// <summary>
    /// Gate columns summed at a time over every k: 16 columns of <see cref="SequencesPerThread"/> sequences are eight
    /// 8-float sums, which with the weights and the sequences' values fit AVX2's 16 vector registers.
    /// </summary>
    private const int BlockColumns = 16;

    /// <summary>
    /// Whether a layer has block kernels for the CPU thread schedule: a plain layer (<see cref="RecurrentGroupSchedule.IsPlain"/>)
    /// whose gates are wider than <see cref="ColumnsInRegisters"/>. Narrower gates keep all their sums in registers in
    /// the one-sequence kernel, which then measured as fast or faster on PoCL (AMD EPYC, AVX2), CPU time per epoch
    /// (per training step for W3) against the one-sequence kernels: GRU(128) × 2 (384 columns, W3) 0.73–0.85, GRU(64) × 2
    /// (192) 0.90–0.93; LSTM(20) × 2 (80) within noise; GRU(20) × 2 (60) 1.2–1.35.
    /// </summary>
    internal static bool HasSequenceBlocksFor(LayerPlan plan) => RecurrentGroupSchedule.IsPlain(plan) && GateWidthOf(plan) > ColumnsInRegisters;

    private bool HasSequenceBlocks => HasSequenceBlocksFor(Plan);

    private string BlockForwardMethod => Prefix + "BlockForward";

    private string BlockForwardField => FieldPrefix + "BlockForward";

    private string BlockBackwardMethod => Prefix + "BlockBackward";

    private string BlockBackwardField => FieldPrefix + "BlockBackward";

    /// <summary>The program's flag that loads the block kernels: the thread schedule on a CPU device.</summary>
    internal const string SequenceBlocksFlag = "sequenceBlocks";

    /// <summary>
    /// Launches a recurrent layer's forward or backward kernel <paramref name="field"/> on <paramref name="grid"/>; for a
    /// layer with block kernels, the block kernel <paramref name="blockField"/> instead where it is loaded and the batch
    /// fills a block.
    /// </summary>
    private void EmitLaunch(CodeWriter w, string field, string grid, string blockField, string arguments)
    {
        if (!HasSequenceBlocks)
        {
            w.Line(field + "(" + grid + ", " + arguments + ");");
            return;
        }

        w.Line("if (" + blockField + " is not null && n >= " + I(SequencesPerThread) + ") " + blockField + "(device.GroupsFor((n + " + I(SequencesPerThread - 1) + ") / " + I(SequencesPerThread) + ", threadsPerGroup: 1), " + arguments + "); // a thread per " + I(SequencesPerThread) + " sequences");
        w.Line("else " + field + "(" + grid + ", " + arguments + ");");
    }

    private void EmitBlockForwardKernel(CodeWriter w, RecurrentDirection d)
    {
        var arguments = ForwardArguments(d);
        w.Summary(Describe() + ": forward pass over every step, one thread per block of " + I(SequencesPerThread) + " sequences (the CPU thread schedule).\n"
            + "Each weight of a step's matrix products, loaded once, feeds every sequence of the block; the cell math then runs\n"
            + "sequence by sequence. The same sums in the same order as " + Prefix + "Forward, so the same bits.");
        using (w.Block("public static void " + BlockForwardMethod + "(" + Signature(arguments) + ")"))
        {
            Layout(w, d);
            if (CacheWidth > 0)
            {
                Const(w, "CacheWidth", CacheWidth, "floats cached per step");
            }

            Const(w, "SequencesPerThread", SequencesPerThread, "sequences a thread runs side by side");
            Const(w, "BlockColumns", BlockColumns, "gate columns whose sums, for every sequence of the block, stay in registers over every k");
            var arrays = ForwardBlockArrays();
            AllocateBlockArrays(w, arrays);

            bool hasBias = Tensor(d, "bias") is not null;
            using (w.Block("for (int b0 = Grid.GlobalIndex.X * SequencesPerThread; b0 < batch; b0 += Grid.Dimension.X * Group.Dimension.X * SequencesPerThread)"))
            {
                w.Line("int count = batch - b0 < SequencesPerThread ? batch - b0 : SequencesPerThread; // sequences in this block: the places past the batch read sequence b0 and store nothing");
                for (int u = 0; u < SequencesPerThread; u++)
                {
                    w.Line("long inputRow" + I(u) + " = " + InputRow(u == 0 ? "b0" : SequenceOrFirst(u)) + ";");
                }

                w.Line("for (int q = 0; q < SequencesPerThread * Units; q++) hBlock[q] = 0f;");
                if (cell == CellKind.LSTM)
                {
                    w.Line("for (int q = 0; q < SequencesPerThread * Units; q++) cBlock[q] = 0f;");
                }

                using (w.Block("for (int t = 0; t < steps; t++)"))
                {
                    using (w.Block("for (int seq = 0; seq < SequencesPerThread; seq++)"))
                    {
                        w.Line("for (int g = 0; g < GateWidth; g++) zBlock[seq * GateWidth + g] = " + (hasBias ? "parameters[Bias + g]" : "0f") + ";");
                        if (ResetAfter)
                        {
                            w.Line("for (int g = 0; g < GateWidth; g++) zhBlock[seq * GateWidth + g] = " + (hasBias ? "parameters[Bias + GateWidth + g]" : "0f") + ";");
                        }
                    }

                    for (int u = 0; u < SequencesPerThread; u++)
                    {
                        w.Line("long x" + I(u) + " = (inputRow" + I(u) + " + t) * Features;");
                    }

                    EmitBlockProduct(w, ProductPass.Forward, "k", "Features", "g", GateWidth, "GateWidth", u => "input[x" + I(u) + " + k]", "parameters[Kernel + k * GateWidth + g]", u => "zBlock[" + LaneOffset(u, "GateWidth") + "g]");
                    string recurrentTarget = ResetAfter ? "zhBlock" : "zBlock";
                    EmitBlockProduct(w, ProductPass.Forward, "k", "Units", "g", GateWidth, "GateWidth", u => "hBlock[" + LaneOffset(u, "Units") + "k]", "parameters[RecurrentKernel + k * GateWidth + g]", u => recurrentTarget + "[" + LaneOffset(u, "GateWidth") + "g]");
                    using (w.Block("for (int seq = 0; seq < count; seq++)"))
                    {
                        w.Line("// Sequence b0 + seq's cell step, on its part of the block's arrays.");
                        EmitSequenceViews(w, arrays);

                        w.Line("long s = (long)(b0 + seq) * steps + t;");
                        EmitCellStep(w, d);
                    }
                }

                if (!ReturnSequences)
                {
                    using (w.Block("for (int seq = 0; seq < count; seq++)"))
                    {
                        w.Line("for (int j = 0; j < Units; j++) output[(long)(b0 + seq) * Units + j] = hBlock[seq * Units + j];");
                    }
                }
            }
        }
    }

    private void EmitBlockBackwardKernel(CodeWriter w, RecurrentDirection d)
    {
        var arguments = BackwardArguments(d);
        w.Summary(Describe() + ": backpropagation through time, one thread per block of " + I(SequencesPerThread) + " sequences (the CPU thread schedule), from the last\n"
            + "step to the first. Each sequence's gate gradients come from its own cell math; then each transposed weight, loaded once,\n"
            + "feeds the gradient every sequence of the block sends to h(t−1)" + (Io.IsFirst ? "" : " and to its input") + ". The same sums in the same order as\n"
            + Prefix + "Backward, so the same bits.");
        using (w.Block("public static void " + BlockBackwardMethod + "(" + Signature(arguments) + ")"))
        {
            EmitBackwardConstants(w, d);
            Const(w, "SequencesPerThread", SequencesPerThread, "sequences a thread runs side by side");
            Const(w, "BlockColumns", BlockColumns, "columns whose sums, for every sequence of the block, stay in registers over every gate");
            var arrays = BackwardBlockArrays();
            AllocateBlockArrays(w, arrays);

            string recurrentGradient = ResetAfter ? "dzhBlock" : "dzBlock";
            using (w.Block("for (int b0 = Grid.GlobalIndex.X * SequencesPerThread; b0 < batch; b0 += Grid.Dimension.X * Group.Dimension.X * SequencesPerThread)"))
            {
                w.Line("int count = batch - b0 < SequencesPerThread ? batch - b0 : SequencesPerThread; // sequences in this block: the places past the batch keep zero gradients and store nothing");
                w.Line("for (int q = 0; q < SequencesPerThread * Units; q++) dhBlock[q] = 0f;");
                if (cell == CellKind.LSTM)
                {
                    w.Line("for (int q = 0; q < SequencesPerThread * Units; q++) dcBlock[q] = 0f;");
                }

                w.Line("for (int q = 0; q < SequencesPerThread * GateWidth; q++) dzBlock[q] = 0f;");
                if (ResetAfter)
                {
                    w.Line("for (int q = 0; q < SequencesPerThread * GateWidth; q++) dzhBlock[q] = 0f;");
                }

                using (w.Block("for (int t = steps - 1; t >= 0; t--)"))
                {
                    using (w.Block("for (int seq = 0; seq < count; seq++)"))
                    {
                        w.Line("// Sequence b0 + seq's gate gradients, on its part of the block's arrays.");
                        w.Line("int b = b0 + seq;");
                        w.Line("long stateRow = (long)b * steps;");
                        w.Line("long s = stateRow + t;");
                        EmitSequenceViews(w, arrays);

                        EmitCellBackwardStep(w, d);
                        w.Line("for (int g = 0; g < GateWidth; g++) gateGradient[s * GradientWidth + g] = dz[g];");
                        if (ResetAfter)
                        {
                            w.Line("for (int g = 0; g < GateWidth; g++) gateGradient[s * GradientWidth + GateWidth + g] = dzh[g];");
                        }
                    }

                    w.Line("for (int q = 0; q < SequencesPerThread * PaddedUnits; q++) backBlock[q] = 0f;");
                    EmitBlockProduct(w, ProductPass.Backward, "g", "GateWidth", "k", PaddedUnits, "PaddedUnits", u => recurrentGradient + "[" + LaneOffset(u, "GateWidth") + "g]",
                        "transposed[g * TransposedRow + PaddedFeatures + k]", u => "backBlock[" + LaneOffset(u, "PaddedUnits") + "k]");
                    using (w.Block("for (int seq = 0; seq < count; seq++)"))
                    {
                        w.Line("for (int k = 0; k < Units; k++) dhBlock[seq * Units + k] = " + CarriedGradient.Flushed((cell == CellKind.GRU ? "dhBlock[seq * Units + k] + " : "") + "backBlock[seq * PaddedUnits + k]") + "; // flushed below 2^-100 (see KernelMath.FlushTiny)");
                    }

                    if (!Io.IsFirst)
                    {
                        w.Line("for (int q = 0; q < SequencesPerThread * PaddedFeatures; q++) dxBlock[q] = 0f;");
                        EmitBlockProduct(w, ProductPass.Backward, "g", "GateWidth", "k", PaddedFeatures, "PaddedFeatures", u => "dzBlock[" + LaneOffset(u, "GateWidth") + "g]",
                            "transposed[g * TransposedRow + k]", u => "dxBlock[" + LaneOffset(u, "PaddedFeatures") + "k]");
                        using (w.Block("for (int seq = 0; seq < count; seq++)"))
                        {
                            w.Line("long s = (long)(b0 + seq) * steps + t;");
                            w.Line("for (int k = 0; k < Features; k++) inputGradient[s * Features + k] = dxBlock[seq * PaddedFeatures + k];");
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// A per-thread array of a block kernel: <c>nameBlock</c> holds <c>width</c> floats of each sequence, one after
    /// another; where <paramref name="PerSequence"/>, each sequence's cell math sees its part as <c>name</c>, the name the
    /// one-sequence kernels' cell code uses.
    /// </summary>
    private sealed record BlockArray(string Name, string Width, string? Comment, bool PerSequence = true);

    private List<BlockArray> ForwardBlockArrays()
    {
        var arrays = new List<BlockArray> { new("h", "Units", "h of each sequence of the block, one after another") };
        if (cell == CellKind.LSTM)
        {
            arrays.Add(new("c", "Units", null));
            arrays.Add(new("activatedCell", "Units", "the activation of c (tanh by default), for the cache"));
        }

        arrays.Add(new("z", "GateWidth", "input-side pre-activations of each sequence"));
        if (ResetAfter)
        {
            arrays.Add(new("zh", "GateWidth", "recurrent-side pre-activations (reset_after: kept apart)"));
        }

        return arrays;
    }

    private List<BlockArray> BackwardBlockArrays()
    {
        var arrays = new List<BlockArray> { new("dh", "Units", "gradient reaching h from later steps, for each sequence of the block") };
        if (cell == CellKind.LSTM)
        {
            arrays.Add(new("dc", "Units", "gradient reaching c from later steps"));
        }

        arrays.Add(new("dz", "GateWidth", "input-side gate gradients of this step"));
        if (ResetAfter)
        {
            arrays.Add(new("dzh", "GateWidth", "recurrent-side gate gradients of this step"));
        }

        // Written by the blocked products for every sequence at once: no per-sequence view.
        arrays.Add(new("back", "PaddedUnits", "dz · Uᵀ: the gradient this step sends to h(t−1)", PerSequence: false));
        if (!Io.IsFirst)
        {
            arrays.Add(new("dx", "PaddedFeatures", "dz · Wᵀ: the gradient of this step's input", PerSequence: false));
        }

        return arrays;
    }

    private static void AllocateBlockArrays(CodeWriter w, List<BlockArray> arrays)
    {
        foreach (var a in arrays)
        {
            w.Line("var " + a.Name + "Block = LocalMemory.Allocate<float>(SequencesPerThread * " + a.Width + ");" + (a.Comment is null ? "" : " // " + a.Comment));
        }
    }

    /// <summary>Inside the loop over the block's sequences: each per-sequence array's part for sequence seq.</summary>
    private static void EmitSequenceViews(CodeWriter w, List<BlockArray> arrays)
    {
        foreach (var a in arrays.Where(a => a.PerSequence))
        {
            w.Line("var " + a.Name + " = " + a.Name + "Block.SubView(seq * " + a.Width + ", " + a.Width + ");");
        }
    }

    /// <summary>Sequence b0 + <paramref name="u"/> where the block has it, else b0 (its input rows exist): parenthesized where a cast reads it.</summary>
    private string SequenceOrFirst(int u)
    {
        string b = "count > " + I(u) + " ? b0 + " + I(u) + " : b0";
        return Io.IsFirst ? b : "(" + b + ")";
    }

    /// <summary>"" for the block's first sequence, "Units + " for the second, "2 * Units + " for the third…</summary>
    private static string LaneOffset(int u, string width) => u == 0 ? "" : u == 1 ? width + " + " : I(u) + " * " + width + " + ";

    /// <summary>
    /// <c>target(u)[c] += value(u) · weight</c> for every sequence u of the block, every <paramref name="row"/> below
    /// <paramref name="rows"/> and every <paramref name="column"/> below <paramref name="columnsName"/> (=
    /// <paramref name="columns"/>): <see cref="BlockColumns"/> columns at a time over every row, each weight loaded once
    /// for all the sequences and their sums kept in registers; then the columns past the last whole block. Each sum adds
    /// its terms in row order, and rounds as <paramref name="pass"/>'s products do, as the one-sequence kernels do (block
    /// kernels exist only above 128 gate columns, where both passes fuse: the pass decides only should narrower layers
    /// get them).
    /// </summary>
    private void EmitBlockProduct(CodeWriter w, ProductPass pass, string row, string rows, string column, int columns, string columnsName, System.Func<int, string> value, string weight, System.Func<int, string> target)
    {
        void Body(string from, string to)
        {
            using (w.Block("for (int " + row + " = 0; " + row + " < " + rows + "; " + row + "++)"))
            {
                for (int u = 0; u < SequencesPerThread; u++)
                {
                    w.Line("float v" + I(u) + " = " + value(u) + ";");
                }

                using (w.Block("for (int " + column + " = " + from + "; " + column + " < " + to + "; " + column + "++)"))
                {
                    w.Line("float weight = " + weight + ";");
                    for (int u = 0; u < SequencesPerThread; u++)
                    {
                        w.Line(AccumulateProduct(pass, target(u), "v" + I(u), "weight"));
                    }
                }
            }
        }

        string c0 = column + "0";
        if (columns >= BlockColumns)
        {
            using (w.Block("for (int " + c0 + " = 0; " + c0 + " + BlockColumns <= " + columnsName + "; " + c0 + " += BlockColumns) // BlockColumns columns' sums of every sequence in registers over every " + row))
            {
                Body(c0, c0 + " + BlockColumns");
            }
        }

        if (columns % BlockColumns != 0)
        {
            Body(columnsName + " - " + columnsName + " % BlockColumns", columnsName);
        }
    }
}
