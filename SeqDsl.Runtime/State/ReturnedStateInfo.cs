namespace SeqDsl.Engine;

/// <summary>
/// A recurrent layer declared with <c>ReturnState = true</c>, as the generator describes it: whose state
/// <c>PredictWithState</c> returns, and which shape a given initial state must have.
/// </summary>
/// <param name="Layer">Keras-style layer name (<c>lstm</c>, <c>gru_1</c>).</param>
/// <param name="Title">The layer as declared, for messages (<c>LSTM(20)</c>).</param>
/// <param name="Units">Width of h (and of c).</param>
/// <param name="HasCellState">True for LSTM: the state is h and c; false for SimpleRNN and GRU: h only.</param>
public sealed record ReturnedStateInfo(string Layer, string Title, int Units, bool HasCellState)
{
    /// <summary>Floats per sequence in the layer's device buffer: h, then c for LSTM.</summary>
    public int Width => HasCellState ? 2 * Units : Units;

    /// <summary>The layer for messages: <c>lstm (LSTM(20))</c>.</summary>
    public override string ToString() => Layer + " (" + Title + ")";
}
