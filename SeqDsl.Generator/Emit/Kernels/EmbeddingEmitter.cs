using System.Collections.Generic;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// Embedding (always the first layer): each step's single input value is a token id, given as a float, and the output
/// row is that id's row of the embeddings matrix [InputDim, Units]. The host rejects ids outside [0, InputDim) before any
/// kernel runs; the kernels clamp anyway so memory stays in bounds. Forward: one thread per (sample, step). Gradient:
/// one thread per vocabulary row, adding the output gradients of the steps that used it in a fixed order (no atomics).
/// </summary>
internal sealed class EmbeddingEmitter : LayerEmitter
{
    public EmbeddingEmitter(LayerPlan plan, LayerIo io)
        : base(plan, io)
    {
    }

    public override IEnumerable<WorkspaceBuffer> Workspace
    {
        get { yield break; }
    }

    public override IEnumerable<KernelField> Kernels
    {
        get
        {
            yield return new KernelField(FieldPrefix + "Forward", "ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, int, int", Prefix + "Forward");
            yield return new KernelField(FieldPrefix + "WeightGradients", "ArrayView<float>, ArrayView<int>, ArrayView<float>, ArrayView<float>, int, int", Prefix + "WeightGradients");
        }
    }

    public override void EmitForward(CodeWriter w)
    {
        w.Line("// " + Describe());
        w.Line(FieldPrefix + "Forward(device.GridFor(n * steps), batch.Parameters, " + Io.Input + ", batch.Rows, " + Io.Output + ", n, steps);");
    }

    public override void EmitBackward(CodeWriter w)
    {
        w.Line("// " + Describe() + " (first layer: only the embeddings' gradient)");
        w.Line(FieldPrefix + "WeightGradients(device.GridFor(" + I(Plan.Spec.InputDim) + "), " + Io.Input + ", batch.Rows, " + Io.OutputGradient + ", batch.Gradients, n, steps);");
    }

    public override void EmitKernels(CodeWriter w)
    {
        void Layout()
        {
            Const(w, "Vocabulary", Plan.Spec.InputDim, "token ids 0 … Vocabulary − 1");
            Const(w, "Units", Plan.Output.Features, "embedding size");
            Const(w, "Embeddings", Tensor("embeddings")!.Offset, Plan.Name + "/embeddings [Vocabulary, Units]");
        }

        const string Id = "int id = (int)input[(long)rows[r / steps] * steps + r % steps];";
        const string Clamp = "id = id < 0 ? 0 : id >= Vocabulary ? Vocabulary - 1 : id; // validated on the host; clamped so memory stays in bounds";

        w.Summary(Describe() + ": forward, one thread per (sample, step): copies the token's embedding row.");
        using (w.Block("public static void " + Prefix + "Forward(ArrayView<float> parameters, ArrayView<float> input, ArrayView<int> rows, ArrayView<float> output, int batch, int steps)"))
        {
            Layout();
            using (GridStride(w, "r", "batch * steps"))
            {
                w.Line(Id);
                w.Line(Clamp);
                w.Line("for (int u = 0; u < Units; u++) output[(long)r * Units + u] = parameters[Embeddings + id * Units + u];");
            }
        }

        w.Line();
        w.Summary(Describe() + ": gradient of the embeddings, one thread per vocabulary row, summing the gradients of the steps that read it in step order.");
        using (w.Block("public static void " + Prefix + "WeightGradients(ArrayView<float> input, ArrayView<int> rows, ArrayView<float> outputGradient, ArrayView<float> gradients, int batch, int steps)"))
        {
            Layout();
            w.Line("var sum = LocalMemory.Allocate<float>(Units);");
            using (GridStride(w, "v", "Vocabulary"))
            {
                w.Line("for (int u = 0; u < Units; u++) sum[u] = 0f;");
                w.Line("int rowCount = batch * steps;");
                using (w.Block("for (int r = 0; r < rowCount; r++)"))
                {
                    w.Line(Id);
                    w.Line(Clamp);
                    using (w.Block("if (id == v)"))
                    {
                        w.Line("for (int u = 0; u < Units; u++) sum[u] += outputGradient[(long)r * Units + u];");
                    }
                }

                w.Line("for (int u = 0; u < Units; u++) gradients[Embeddings + v * Units + u] = sum[u];");
            }
        }
    }
}
