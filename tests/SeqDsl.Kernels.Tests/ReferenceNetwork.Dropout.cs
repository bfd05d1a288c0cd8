using SeqDsl.Kernels;

namespace SeqDsl.Kernels.Tests;

/// <summary>Which masks a reference recurrent layer applies: the generated layer's kernel prefix ("Layer1") and the batch seed.</summary>
internal sealed record DropoutMasks(string Layer, int Seed);

/// <summary>
/// Recurrent dropout masks as the documented contract says the kernels draw them: per sequence (step 0), per
/// element, inverted scaling, from KernelRandom with the batch seed mixed with a stream number per (layer,
/// direction, mask) — FNV-1a of e.g. "Layer1" + "" + "input" (a Bidirectional layer's backward half adds "Reversed").
/// </summary>
internal sealed partial class ReferenceNetwork
{
    private double[] Mask(CellOptions o, string prefix, string mask, double rate, int count)
    {
        var ones = Enumerable.Repeat(1.0, count).ToArray();
        if (o.Masks is null || rate <= 0)
        {
            return ones;
        }

        int seed = o.Masks.Seed ^ Stream(o.Masks.Layer + (prefix == "backward_" ? "Reversed" : "") + mask);
        return ones.Select((_, k) => (double)KernelRandom.DropoutScale((float)rate, seed, currentSample, 0, k)).ToArray();
    }

    private static int Stream(string name)
    {
        uint hash = 2166136261u;
        foreach (char ch in name)
        {
            hash = unchecked((hash ^ ch) * 16777619u);
        }

        return (int)(hash & 0x7FFFFFFFu);
    }
}
