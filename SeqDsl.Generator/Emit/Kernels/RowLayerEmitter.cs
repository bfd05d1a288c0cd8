using System.Globalization;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// Base of the layers that work on rows of features — a row is a sample (vector input) or one step of a sample
/// (sequence input) — and keep the shape: Dropout, LayerNormalization, BatchNormalization.
/// </summary>
internal abstract class RowLayerEmitter : LayerEmitter
{
    protected RowLayerEmitter(LayerPlan plan, LayerIo io)
        : base(plan, io)
    {
        Features = plan.Input.Features;
    }

    /// <summary>Features per row (in = out).</summary>
    protected int Features { get; }

    /// <summary>Rows per sample, as a C# expression in terms of <c>steps</c>.</summary>
    protected string RowsPerSample => Plan.Input.IsSequence ? "steps" : "1";

    /// <summary>Workspace floats per sample for <paramref name="perRow"/> values per row.</summary>
    protected string PerSampleRows(int perRow) => (Plan.Input.IsSequence ? "steps * " : "") + I(perRow);

    /// <summary>
    /// Offset of a row's first input feature. The first layer reads the data set through the batch's row indices;
    /// later layers read their predecessor's contiguous buffer.
    /// </summary>
    protected string InputRow(string row) => Io.IsFirst
        ? "((long)rows[" + row + " / rowsPerSample] * rowsPerSample + " + row + " % rowsPerSample) * Features"
        : "(long)" + row + " * Features";

    /// <summary>A float literal that round-trips: <c>0.001f</c>.</summary>
    protected static string Float(double value) => ((float)value).ToString("R", CultureInfo.InvariantCulture) + "f";
}
