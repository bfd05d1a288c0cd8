using System.Globalization;

namespace SeqDsl.Generator.Emit.Kernels;

/// <summary>
/// Dropout inside recurrent layers (Keras semantics): <c>Dropout</c> masks the layer's input x(t) and
/// <c>RecurrentDropout</c> masks h(t−1) where the recurrent matmul reads it. Each mask is drawn once per sequence —
/// the same for every step — with inverted scaling, and only while training or in MC Dropout. One mask is shared by
/// all gates (Keras 2's default <c>implementation=2</c>, and Keras 3), not Keras 2's four per-gate masks of
/// <c>implementation=1</c>. A reset_after = False GRU's candidate reads r ⊙ (mask ⊙ h(t−1)). Only the matmuls see the
/// masked state: a GRU's carry z ⊙ h(t−1) reads the unmasked state (Gal and Ghahramani's variational dropout), as does
/// the LSTM's cell path. The masks come from
/// <c>SeqDsl.Kernels.KernelRandom</c> at step 0, so the backward and weight-gradient kernels redraw them and
/// nothing is stored.
/// </summary>
internal sealed partial class RecurrentEmitter
{
    private const string Random = "global::SeqDsl.Kernels.KernelRandom";

    private bool InputDropout => Plan.Spec.Dropout > 0;

    private bool StateDropout => Plan.Spec.RecurrentDropout > 0;

    private bool HasDropout => InputDropout || StateDropout;

    /// <summary>The launch's dropout arguments: the batch seed, and 1 when masks apply (training, or MC Dropout at inference).</summary>
    private void AddDropoutArguments(System.Collections.Generic.List<Argument> list)
    {
        if (HasDropout)
        {
            list.Add(new("int", "seed", "batch.Seed"));
            list.Add(new("int", "active", "batch.Training || batch.DropoutAtInference ? 1 : 0"));
        }
    }

    /// <summary>The rates and the random streams of this direction's masks (distinct per layer, direction and mask).</summary>
    private void EmitDropoutConstants(CodeWriter w, RecurrentDirection d, bool input, bool state)
    {
        if (input && InputDropout)
        {
            w.Line("const float InputRate = " + RateText(Plan.Spec.Dropout) + "; // dropout: fraction of the input features dropped");
            Const(w, "InputStream", Stream(d, "input"), "mixed into the seed so this mask is drawn apart from every other");
        }

        if (state && StateDropout)
        {
            w.Line("const float StateRate = " + RateText(Plan.Spec.RecurrentDropout) + "; // recurrent_dropout: fraction of h(t−1) dropped");
            Const(w, "StateStream", Stream(d, "state"), "mixed into the seed so this mask is drawn apart from every other");
        }
    }

    /// <summary>Allocates the per-sequence masks (call before the grid-stride loop).</summary>
    private void EmitMaskAllocation(CodeWriter w, bool input, bool state)
    {
        if (input && InputDropout)
        {
            w.Line("var inputMask = LocalMemory.Allocate<float>(Features); // this sequence's input mask, the same for every step");
        }

        if (state && StateDropout)
        {
            w.Line("var stateMask = LocalMemory.Allocate<float>(Units); // this sequence's mask on h(t−1), the same for every step");
        }
    }

    /// <summary>Draws sequence b's masks into the local arrays.</summary>
    private void EmitMaskFill(CodeWriter w, bool input, bool state)
    {
        if (input && InputDropout)
        {
            w.Line("for (int k = 0; k < Features; k++) inputMask[k] = " + MaskAt("Input", "k") + ";");
        }

        if (state && StateDropout)
        {
            w.Line("for (int k = 0; k < Units; k++) stateMask[k] = " + MaskAt("State", "k") + ";");
        }
    }

    /// <summary>The multiplier of element k of sequence b in the mask named <paramref name="kind"/> (Input or State).</summary>
    private static string MaskAt(string kind, string k) =>
        "active != 0 ? " + Random + ".DropoutScale(" + kind + "Rate, seed ^ " + kind + "Stream, b, 0, " + k + ") : 1f";

    private string InputMasked(string value) => InputDropout ? value + " * inputMask[k]" : value;

    private string StateMasked(string value) => StateDropout ? value + " * stateMask[k]" : value;

    private static string RateText(double rate) => ((float)rate).ToString("R", CultureInfo.InvariantCulture) + "f";

    /// <summary>A stable stream number from the layer, direction and mask names (FNV-1a, 31 bits).</summary>
    private int Stream(RecurrentDirection d, string mask)
    {
        uint hash = 2166136261u;
        foreach (char ch in Prefix + d.Tag + mask)
        {
            hash = unchecked((hash ^ ch) * 16777619u);
        }

        return (int)(hash & 0x7FFFFFFFu);
    }
}
