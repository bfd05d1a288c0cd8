using System;

namespace SeqDsl;

/// <summary>
/// The state of one recurrent layer for a batch of sequences, as Keras's <c>return_state</c> gives it
/// (<c>[h, c]</c> for LSTM, <c>h</c> for SimpleRNN and GRU) and PyTorch's <c>(h_n, c_n)</c>: one row per sequence.
/// </summary>
public sealed class LayerState
{
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

    /// <summary>The layer that returned this state (<c>lstm</c>), or empty for a state built by hand.</summary>
    public string Layer { get; }

    /// <summary>The hidden state after the last processed step, [samples, units] (for GoBackwards: after input step 0).</summary>
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
}
