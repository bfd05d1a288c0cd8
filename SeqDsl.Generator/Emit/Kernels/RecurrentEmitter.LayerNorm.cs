using System.Globalization;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// Layer normalization inside the cell (the seed's LNSimpleRNNCell): the cell's pre-activations x·W + h·U + b,
/// all GateWidth of them, are normalized to zero mean and unit variance, scaled by gamma and shifted by beta, and
/// only then go through the activations. For LSTM the same one normalization covers the four gate blocks.
/// </summary>
internal sealed partial class RecurrentEmitter
{
    private void EmitLayerNormConstants(CodeWriter w)
    {
        Const(w, "LayerNormStart", LayerNormStart, "where a step's cache holds the normalized pre-activations, then 1/σ");
        w.Line("const float Epsilon = " + Plan.Spec.Epsilon.ToString("R", CultureInfo.InvariantCulture) + "f; // LayerNormalization epsilon, added to the variance");
    }

    /// <summary>Normalizes z in place (after the matmuls, before the activations) and caches x̂ and 1/σ.</summary>
    private void EmitLayerNormForward(CodeWriter w)
    {
        w.Line("float mean = 0f;");
        w.Line("for (int g = 0; g < GateWidth; g++) mean += z[g];");
        w.Line("mean /= GateWidth;");
        w.Line("float variance = 0f;");
        using (w.Block("for (int g = 0; g < GateWidth; g++)"))
        {
            w.Line("float centered = z[g] - mean;");
            w.Line("variance += centered * centered;");
        }

        w.Line("float inverseSigma = 1f / global::System.MathF.Sqrt(variance / GateWidth + Epsilon);");
        w.Line("long normalized = s * CacheWidth + LayerNormStart;");
        using (w.Block("for (int g = 0; g < GateWidth; g++)"))
        {
            w.Line("float xhat = (z[g] - mean) * inverseSigma;");
            w.Line("cache[normalized + g] = xhat;");
            w.Line("z[g] = parameters[Gamma + g] * xhat + parameters[Beta + g];");
        }

        w.Line("cache[normalized + GateWidth] = inverseSigma;");
    }

    /// <summary>
    /// dz holds the gradient of the normalized pre-activations y = γ·x̂ + β. Stores it (for γ, β and the peepholes)
    /// and turns dz into the gradient of the raw pre-activations: (1/σ)·(d x̂ − mean(d x̂) − x̂·mean(d x̂·x̂)), d x̂ = γ·dy.
    /// </summary>
    private void EmitLayerNormBackward(CodeWriter w)
    {
        w.Line("long normalized = s * CacheWidth + LayerNormStart;");
        w.Line("float meanGradient = 0f;");
        w.Line("float meanGradientXhat = 0f;");
        using (w.Block("for (int g = 0; g < GateWidth; g++)"))
        {
            w.Line("gateGradient[s * GradientWidth + GateWidth + g] = dz[g];");
            w.Line("float dxhat = dz[g] * parameters[Gamma + g];");
            w.Line("meanGradient += dxhat;");
            w.Line("meanGradientXhat += dxhat * cache[normalized + g];");
        }

        w.Line("meanGradient /= GateWidth;");
        w.Line("meanGradientXhat /= GateWidth;");
        w.Line("float inverseSigma = cache[normalized + GateWidth];");
        w.Line("for (int g = 0; g < GateWidth; g++) dz[g] = inverseSigma * (dz[g] * parameters[Gamma + g] - meanGradient - cache[normalized + g] * meanGradientXhat);");
    }
}
