using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace SeqDsl;

/// <summary>
/// The final states of a model's <c>ReturnState</c> layers, one <see cref="LayerState"/> per layer in declaration
/// order (two for a Bidirectional layer: <c>bidirectional/forward</c>, then <c>bidirectional/backward</c>, as Keras
/// lists <c>forward_h, forward_c, backward_h, backward_c</c>), as <c>PredictWithState</c> returns them; pass it to
/// another model's <c>PredictWithState</c> as its initial state (encoder → decoder), or to the same model to continue
/// a sequence.
/// </summary>
public sealed class RecurrentState : IReadOnlyList<LayerState>
{
    private readonly LayerState[] layers;

    /// <summary>States in the order of the receiving model's ReturnState layers.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="layers"/> or one of its entries is null.</exception>
    public RecurrentState(params LayerState[] layers)
        : this((IEnumerable<LayerState>)layers)
    {
    }

    /// <summary>States in the order of the receiving model's ReturnState layers.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="layers"/> or one of its entries is null.</exception>
    public RecurrentState(IEnumerable<LayerState> layers)
    {
        this.layers = (layers ?? throw new ArgumentNullException(nameof(layers))).ToArray();
        for (int i = 0; i < this.layers.Length; i++)
        {
            if (this.layers[i] is null)
            {
                throw new ArgumentNullException(nameof(layers), $"layer state {i} is null.");
            }
        }
    }

    /// <summary>The <paramref name="index"/>-th state: of the ReturnState layers in declaration order, a Bidirectional layer's forward direction before its backward one.</summary>
    public LayerState this[int index] => layers[index];

    /// <summary>The state returned by the layer named <paramref name="layer"/> (<c>lstm</c>; <c>bidirectional/forward</c> or <c>bidirectional/backward</c> for a direction of a Bidirectional layer).</summary>
    /// <exception cref="KeyNotFoundException">No state of that layer.</exception>
    public LayerState this[string layer] =>
        layers.FirstOrDefault(l => l.Layer == layer)
        ?? throw new KeyNotFoundException($"No state of a layer named '{layer}'; the states are of: {string.Join(", ", layers.Select(l => l.Layer.Length == 0 ? "(unnamed)" : l.Layer))}."
            + (layers.Any(l => l.Layer == layer + "/forward") ? $" {layer} is Bidirectional: ask for '{layer}/forward' or '{layer}/backward'." : ""));

    /// <summary>States held: one per one-direction layer, two per Bidirectional layer.</summary>
    public int Count => layers.Length;

    /// <inheritdoc/>
    public IEnumerator<LayerState> GetEnumerator() => ((IEnumerable<LayerState>)layers).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
