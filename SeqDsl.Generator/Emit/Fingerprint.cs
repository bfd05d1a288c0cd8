using System.Globalization;
using System.Text;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit;

/// <summary>
/// A hash of everything that decides the meaning of a model's weights: input features, every layer's kind,
/// sizes and options, and the parameter layout. Weight files carry it, so loading weights into another
/// architecture fails instead of silently mixing tensors.
/// </summary>
internal static class Fingerprint
{
    private const ulong OffsetBasis = 14695981039346656037UL; // FNV-1a 64-bit
    private const ulong Prime = 1099511628211UL;

    public static string Canonical(ModelPlan plan)
    {
        var b = new StringBuilder();
        b.Append("input:").Append(plan.Input).Append(';');
        foreach (var layer in plan.Layers)
        {
            var s = layer.Spec;
            b.Append(layer.Title).Append('|').Append(s.Kind).Append(",cell=").Append(s.Cell)
                .Append(",act=").Append(s.Activation).Append(",ract=").Append(s.RecurrentActivation)
                .Append(",rs=").Append(s.ReturnSequences).Append(",bias=").Append(s.UseBias)
                .Append(",peep=").Append(s.Peepholes).Append(",ln=").Append(s.LayerNorm)
                .Append(",resetAfter=").Append(s.ResetAfter).Append(",merge=").Append(s.MergeMode)
                .Append(",out=").Append(layer.Output);
            foreach (var p in layer.Parameters)
            {
                b.Append(',').Append(p.Name).Append('@').Append(p.Offset.ToString(CultureInfo.InvariantCulture))
                    .Append('[').Append(p.Rows.ToString(CultureInfo.InvariantCulture)).Append('x').Append(p.Cols.ToString(CultureInfo.InvariantCulture)).Append(']');
            }

            b.Append(';');
        }

        return b.ToString();
    }

    public static string Compute(ModelPlan plan)
    {
        ulong hash = OffsetBasis;
        foreach (byte c in Encoding.UTF8.GetBytes(Canonical(plan)))
        {
            hash ^= c;
            hash *= Prime;
        }

        return hash.ToString("x16", CultureInfo.InvariantCulture);
    }
}
