using System;

namespace SeqDsl;

/// <summary>
/// The state of one recurrent layer for a batch of sequences, as Keras's <c>return_state</c> gives it
/// (<c>[h, c]</c> for LSTM, <c>h</c> for SimpleRNN and GRU) and PyTorch's <c>(h_n, c_n)</c>: one row per sequence.
/// A Bidirectional layer has one per direction (Keras's <c>forward_h, forward_c, backward_h, backward_c</c>, PyTorch's
/// two rows of <c>h_n</c> per layer), named <c>bidirectional/forward</c> and <c>bidirectional/backward</c>; join them
/// with <see cref="Concatenate"/> to start a decoder twice as wide.
/// </summary>
public sealed class LayerState
{
    private const string ForwardSuffix = "/forward";
    private const string BackwardSuffix = "/backward";

    /// <summary>A state to pass as an initial state: <paramref name="h"/> [samples, units], and <paramref name="c"/> [samples, units] for an LSTM layer.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="h"/> is null.</exception>
    public LayerState(float[,] h, float[,]? c = null)
        : this(string.Empty, h, c)
    {
    }

    /// <summary>A state returned by <paramref name="layer"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="h"/> is null.</exception>
    public LayerState(string layer, float[,] h, float[,]? c = null)
    {
        Layer = layer ?? string.Empty;
        H = h ?? throw new ArgumentNullException(nameof(h));
        C = c;
    }

    /// <summary>
    /// The layer that returned this state (<c>lstm</c>); for a direction of a Bidirectional layer, the layer and the
    /// direction (<c>bidirectional/forward</c>, <c>bidirectional/backward</c>); empty for a state built by hand.
    /// </summary>
    public string Layer { get; }

    /// <summary>
    /// The hidden state after the last processed step, [samples, units] (for GoBackwards and the backward direction
    /// of a Bidirectional layer: after input step 0).
    /// </summary>
    public float[,] H { get; }

    /// <summary>The LSTM cell state after the last processed step, [samples, units]; null for SimpleRNN and GRU.</summary>
    public float[,]? C { get; }

    /// <summary>Sequences (rows of <see cref="H"/>).</summary>
    public int Samples => H.GetLength(0);

    /// <summary>Units (columns of <see cref="H"/>).</summary>
    public int Units => H.GetLength(1);

    /// <summary>Deconstructs into h and c, as PyTorch's <c>(h_n, c_n)</c>.</summary>
    public void Deconstruct(out float[,] h, out float[,]? c)
    {
        h = H;
        c = C;
    }

    /// <summary>
    /// The two directions' states side by side, [samples, forward units + backward units], as Keras's
    /// <c>Concatenate()([forward_h, backward_h])</c> (and the same for c): the initial state of a decoder whose layer is
    /// as wide as a Bidirectional encoder's concatenated output. Named after the Bidirectional layer when the two
    /// states are its <c>/forward</c> and <c>/backward</c> ones.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="forward"/> or <paramref name="backward"/> is null.</exception>
    /// <exception cref="ArgumentException">The states have different numbers of samples, or only one has a cell state.</exception>
    public static LayerState Concatenate(LayerState forward, LayerState backward)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(backward);
        if (forward.Samples != backward.Samples)
        {
            throw new ArgumentException(
                $"The states to concatenate must have one row per sample each: {Describe(forward)} has {forward.Samples} rows, {Describe(backward)} has {backward.Samples}.",
                nameof(backward));
        }

        if ((forward.C is null) != (backward.C is null))
        {
            throw new ArgumentException(
                $"The states to concatenate must both have a cell state C (LSTM) or both have none: {Describe(forward)} {(forward.C is null ? "has none" : "has one")}, {Describe(backward)} {(backward.C is null ? "has none" : "has one")}.",
                nameof(backward));
        }

        return new LayerState(JoinedName(forward.Layer, backward.Layer), SideBySide(forward.H, backward.H), forward.C is null ? null : SideBySide(forward.C, backward.C!));
    }

    /// <summary>"bidirectional" for "bidirectional/forward" and "bidirectional/backward"; empty otherwise (a state built by hand).</summary>
    private static string JoinedName(string forward, string backward)
    {
        if (!forward.EndsWith(ForwardSuffix, StringComparison.Ordinal))
        {
            return string.Empty;
        }

        string layer = forward.Substring(0, forward.Length - ForwardSuffix.Length);
        return backward == layer + BackwardSuffix ? layer : string.Empty;
    }

    private static float[,] SideBySide(float[,] left, float[,] right)
    {
        int rows = left.GetLength(0), a = left.GetLength(1), b = right.GetLength(1);
        var joined = new float[rows, a + b];
        for (int r = 0; r < rows; r++)
        {
            for (int u = 0; u < a; u++)
            {
                joined[r, u] = left[r, u];
            }

            for (int u = 0; u < b; u++)
            {
                joined[r, a + u] = right[r, u];
            }
        }

        return joined;
    }

    private static string Describe(LayerState state) => state.Layer.Length == 0 ? "a state built by hand" : "the state of " + state.Layer;
}
