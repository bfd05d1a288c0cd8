using System.Globalization;
using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// Layer normalization inside the cell (the seed's LNSimpleRNNCell): the cell's pre-activations x·W + h·U + b,
/// all GateWidth of them, are normalized to zero mean and unit variance, scaled by gamma and shifted by beta, and
/// only then go through the activations. For LSTM the same one normalization covers the four gate blocks. GRU has
/// two (RecurrentEmitter.GruLayerNorm.cs): z and r together, then the candidate, which needs r first.
/// </summary>
internal sealed partial class RecurrentEmitter
{
    /// <summary>
    /// One normalization: gate columns [Start, End), Count of them, with gamma and beta at the same columns and 1/σ
    /// in cache slot GateWidth + Slot after the x̂s. Suffix keeps the local names of two normalizations in one step apart.
    /// </summary>
    private sealed record LayerNormSpan(string Start, string End, string Count, int Slot, string Suffix);

    /// <summary>SimpleRNN and LSTM: every pre-activation in one normalization.</summary>
    private static readonly LayerNormSpan AllGates = new("0", "GateWidth", "GateWidth", 0, "");

    private string LayerNormStartComment =>
        "where a step's cache holds the normalized pre-activations, then 1/σ" + (cell == CellKind.GRU ? " of z and r, then the candidate's" : "");

    private void EmitLayerNormConstants(CodeWriter w)
    {
        Const(w, "LayerNormStart", LayerNormStart, LayerNormStartComment);
        w.Line("const float Epsilon = " + Plan.Spec.Epsilon.ToString("R", CultureInfo.InvariantCulture) + "f; // LayerNormalization epsilon, added to the variance");
        EmitCandidateStart(w);
    }

    private void EmitLayerNormBackwardConstants(CodeWriter w)
    {
        Const(w, "LayerNormStart", LayerNormStart, LayerNormStartComment);
        Const(w, "GateSide", GateSide, "where a step's gradients after the layer normalization start (gamma, beta" + (Peepholes ? ", peepholes)" : ")"));
        EmitCandidateStart(w);
    }

    private void EmitCandidateStart(CodeWriter w)
    {
        if (cell == CellKind.GRU)
        {
            Const(w, "CandidateStart", 2 * units, "the candidate block's first column: z and r before it are normalized together, the candidate on its own");
        }
    }

    /// <summary>Normalizes z in place (after the matmuls, before the activations) and caches x̂ and 1/σ.</summary>
    private void EmitLayerNormForward(CodeWriter w) => EmitLayerNormForward(w, AllGates, declareOffset: true);

    /// <summary>Normalizes z[Start..End) in place and caches its x̂ and 1/σ.</summary>
    private static void EmitLayerNormForward(CodeWriter w, LayerNormSpan n, bool declareOffset)
    {
        string loop = "for (int g = " + n.Start + "; g < " + n.End + "; g++)";
        string mean = "mean" + n.Suffix, variance = "variance" + n.Suffix, inverseSigma = "inverseSigma" + n.Suffix;
        w.Line("float " + mean + " = 0f;");
        w.Line(loop + " " + mean + " += z[g];");
        w.Line(mean + " /= " + n.Count + ";");
        w.Line("float " + variance + " = 0f;");
        using (w.Block(loop))
        {
            w.Line("float centered = z[g] - " + mean + ";");
            w.Line(variance + " += centered * centered;");
        }

        w.Line("float " + inverseSigma + " = 1f / global::System.MathF.Sqrt(" + variance + " / " + n.Count + " + Epsilon);");
        if (declareOffset)
        {
            w.Line("long normalized = s * CacheWidth + LayerNormStart;");
        }

        using (w.Block(loop))
        {
            w.Line("float xhat = (z[g] - " + mean + ") * " + inverseSigma + ";");
            w.Line("cache[normalized + g] = xhat;");
            w.Line("z[g] = parameters[Gamma + g] * xhat + parameters[Beta + g];");
        }

        w.Line("cache[" + SigmaSlot(n) + "] = " + inverseSigma + ";");
    }

    /// <summary>
    /// dz holds the gradient of the normalized pre-activations y = γ·x̂ + β. Stores it (for γ, β and the peepholes)
    /// and turns dz into the gradient of the raw pre-activations: (1/σ)·(d x̂ − mean(d x̂) − x̂·mean(d x̂·x̂)), d x̂ = γ·dy.
    /// </summary>
    private void EmitLayerNormBackward(CodeWriter w) => EmitLayerNormBackward(w, AllGates, declareOffset: true);

    /// <summary>The same for dz[Start..End) alone.</summary>
    private static void EmitLayerNormBackward(CodeWriter w, LayerNormSpan n, bool declareOffset)
    {
        string loop = "for (int g = " + n.Start + "; g < " + n.End + "; g++)";
        string meanGradient = "meanGradient" + n.Suffix, meanGradientXhat = "meanGradientXhat" + n.Suffix, inverseSigma = "inverseSigma" + n.Suffix;
        if (declareOffset)
        {
            w.Line("long normalized = s * CacheWidth + LayerNormStart;");
        }

        w.Line("float " + meanGradient + " = 0f;");
        w.Line("float " + meanGradientXhat + " = 0f;");
        using (w.Block(loop))
        {
            w.Line("gateGradient[s * GradientWidth + GateSide + g] = dz[g];");
            w.Line("float dxhat = dz[g] * parameters[Gamma + g];");
            w.Line(meanGradient + " += dxhat;");
            w.Line(meanGradientXhat + " += dxhat * cache[normalized + g];");
        }

        w.Line(meanGradient + " /= " + n.Count + ";");
        w.Line(meanGradientXhat + " /= " + n.Count + ";");
        w.Line("float " + inverseSigma + " = cache[" + SigmaSlot(n) + "];");
        w.Line(loop + " dz[g] = " + inverseSigma + " * (dz[g] * parameters[Gamma + g] - " + meanGradient + " - cache[normalized + g] * " + meanGradientXhat + ");");
    }

    private static string SigmaSlot(LayerNormSpan n) => "normalized + GateWidth" + (n.Slot == 0 ? "" : " + " + n.Slot.ToString(CultureInfo.InvariantCulture));
}
