namespace SeqDsl.Engine;

/// <summary>
/// One state that <c>PredictWithState</c> returns and takes, as the generator describes it: that of a recurrent layer
/// declared with <c>ReturnState = true</c>, or of one direction of such a Bidirectional layer (which has two, forward
/// then backward, as Keras's <c>[output, forward_h, forward_c, backward_h, backward_c]</c>), and which shape a given
/// initial state must have.
/// </summary>
/// <param name="Layer">Keras-style layer name (<c>lstm</c>, <c>gru_1</c>, <c>bidirectional</c>).</param>
/// <param name="Title">The layer as declared, for messages (<c>LSTM(20)</c>).</param>
/// <param name="Units">Width of h (and of c); per direction for a Bidirectional layer.</param>
/// <param name="HasCellState">True for LSTM: the state is h and c; false for SimpleRNN and GRU: h only.</param>
/// <param name="Direction"><c>forward</c> or <c>backward</c> for a direction of a Bidirectional layer; null for a one-direction layer.</param>
public sealed record ReturnedStateInfo(string Layer, string Title, int Units, bool HasCellState, string? Direction = null)
{
    /// <summary>Floats per sequence in the layer's device buffer: h, then c for LSTM.</summary>
    public int Width => HasCellState ? 2 * Units : Units;

    /// <summary>
    /// The name of the state, as <see cref="LayerState.Layer"/> and <see cref="RecurrentState"/>'s indexer use it: the
    /// layer's name (<c>lstm</c>), or for a Bidirectional layer the layer and direction (<c>bidirectional/forward</c>).
    /// </summary>
    public string Name => Direction is null ? Layer : Layer + "/" + Direction;

    /// <summary>The state for messages: <c>lstm (LSTM(20))</c>, <c>bidirectional/backward (backward direction of Bidirectional(LSTM(20)))</c>.</summary>
    public override string ToString() => Direction is null
        ? Layer + " (" + Title + ")"
        : Name + " (" + Direction + " direction of " + Title + ")";
}
