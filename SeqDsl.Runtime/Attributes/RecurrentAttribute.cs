using System;

namespace SeqDsl;

/// <summary>
/// A recurrent layer (Keras <c>SimpleRNN</c>, <c>LSTM</c> or <c>GRU</c>):
/// <c>[Recurrent(LSTM, 20, ReturnSequences = true)]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class RecurrentAttribute : Attribute
{
    /// <summary>Declares a recurrent layer of <paramref name="units"/> units.</summary>
    public RecurrentAttribute(Cell cell, int units)
    {
        Cell = cell;
        Units = units;
    }

    /// <summary>The cell kind.</summary>
    public Cell Cell { get; }

    /// <summary>Units (size of the hidden state).</summary>
    public int Units { get; }

    /// <summary>Output every step's hidden state ([batch, steps, units]) rather than the last ([batch, units]).</summary>
    public bool ReturnSequences { get; set; }

    /// <summary>The output activation (Keras <c>activation</c>); tanh by default.</summary>
    public Activation Activation { get; set; }

    /// <summary>The gate activation of LSTM and GRU (Keras <c>recurrent_activation</c>); sigmoid by default.</summary>
    public Activation RecurrentActivation { get; set; }

    /// <summary>Whether the layer has biases.</summary>
    public bool UseBias { get; set; } = true;

    /// <summary>Fraction of the inputs dropped during training, in [0, 1).</summary>
    public double Dropout { get; set; }

    /// <summary>Fraction of the recurrent state dropped during training, one mask per sequence, in [0, 1).</summary>
    public double RecurrentDropout { get; set; }

    /// <summary>
    /// Carry the final state of each batch into the next batch until <c>ResetStates()</c>: row i of a batch (or of a
    /// Predict call) continues row i of the previous one, so a long sequence can be fed in pieces, or one step at a time
    /// in a generation loop. Needs a fixed batch size (<c>BatchSize</c> on <c>[SequenceModel]</c>). Fit keeps the sample
    /// order, needs a multiple of the batch size, and starts every epoch (and the validation pass) from a zero state;
    /// gradients stop at the batch boundary (truncated backpropagation through time, as Keras).
    /// </summary>
    public bool Stateful { get; set; }

    /// <summary>LSTM only: peephole connections (TF's PeepholeLSTMCell): the input and forget gates see c(t−1), the output gate sees c(t), each through a per-unit weight vector initialized like the kernel.</summary>
    public bool Peepholes { get; set; }

    /// <summary>
    /// Layer normalization of the cell's pre-activations x·W + h·U + b before the activations (the seed's
    /// <c>LNSimpleRNNCell</c>), with gamma (ones) and beta (zeros) per pre-activation and epsilon 0.001. For LSTM one
    /// normalization covers the four gate blocks together (peepholes are added after it). GRU has two, because its
    /// candidate's pre-activation depends on the reset gate: first the z and r pre-activations x·W_zr + h·U_zr + b_zr
    /// (with ResetAfter, both biases) together, before the sigmoid; then the candidate's, on its own, before tanh:
    /// x·W_h + b_h + r ⊙ (h·U_h + b'_h) with ResetAfter, x·W_h + (r ⊙ h)·U_h + b_h without. Gamma and beta stay one
    /// vector per pre-activation [3·units]: columns [0, 2·units) belong to the first normalization, the rest to the second.
    /// </summary>
    public bool LayerNorm { get; set; }

    /// <summary>GRU only: apply the reset gate after the recurrent matrix (Keras 2 default, two biases).</summary>
    public bool ResetAfter { get; set; } = true;

    /// <summary>LSTM only: initialize the forget-gate bias to 1 (Keras <c>unit_forget_bias</c>).</summary>
    public bool UnitForgetBias { get; set; } = true;

    /// <summary>Process the sequence backwards (Keras <c>go_backwards</c>): step t reads input step steps − 1 − t, and a returned sequence is in that (reversed) order, as in Keras.</summary>
    public bool GoBackwards { get; set; }

    /// <summary>
    /// Also return the final state (Keras <c>return_state</c>, PyTorch's <c>output, (h, c) = lstm(x, (h0, c0))</c>) for
    /// encoder-decoder use: the generated <c>PredictWithState(x, initialState)</c> returns the output and a
    /// <see cref="RecurrentState"/> holding, per ReturnState layer in declaration order, h [samples, units] and, for LSTM,
    /// c (for GoBackwards, the state after input step 0), and starts these layers from <c>initialState</c> instead of
    /// zeros (Keras <c>initial_state</c>). Inference only: gradients do not flow into a given state, and Fit starts from
    /// zeros. Not with Stateful, which carries the state itself (SEQ014).
    /// </summary>
    public bool ReturnState { get; set; }
}

/// <summary>
/// A bidirectional recurrent layer (Keras <c>Bidirectional(LSTM(units))</c>):
/// <c>[Bidirectional(LSTM, 32, ReturnSequences = true)]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BidirectionalAttribute : Attribute
{
    /// <summary>Declares a bidirectional recurrent layer with <paramref name="units"/> units in each direction.</summary>
    public BidirectionalAttribute(Cell cell, int units)
    {
        Cell = cell;
        Units = units;
    }

    /// <summary>The cell kind of both directions.</summary>
    public Cell Cell { get; }

    /// <summary>Units of each direction.</summary>
    public int Units { get; }

    /// <summary>How the two directions are merged: Concat (forward units, then backward units), Sum, Average or Multiply (element-wise product). The backward direction's outputs are reversed back to the input's order first, as Keras does.</summary>
    public MergeMode MergeMode { get; set; } = MergeMode.Concat;

    /// <summary>Output every step rather than the last.</summary>
    public bool ReturnSequences { get; set; }

    /// <summary>The output activation; tanh by default.</summary>
    public Activation Activation { get; set; }

    /// <summary>Fraction of the inputs dropped during training.</summary>
    public double Dropout { get; set; }

    /// <summary>Fraction of the recurrent state dropped during training.</summary>
    public double RecurrentDropout { get; set; }

    /// <summary>
    /// Carry each direction's final state into the next batch until <c>ResetStates()</c>, as Keras's stateful
    /// Bidirectional does: the forward direction continues where it stopped; the backward direction, which ended at
    /// the batch's first step, starts the next batch's last step from there. Needs a fixed batch size, like
    /// <see cref="RecurrentAttribute.Stateful"/>; gradients stop at the batch boundary.
    /// </summary>
    public bool Stateful { get; set; }

    /// <summary>
    /// Also return the final state of each direction (Keras <c>Bidirectional(LSTM(units, return_state=True))</c>, which
    /// returns <c>[output, forward_h, forward_c, backward_h, backward_c]</c>; PyTorch's <c>h_n</c> with a row per
    /// direction): the generated <c>PredictWithState(x, initialState)</c> returns two <see cref="LayerState"/>s for this
    /// layer, <c>bidirectional/forward</c> then <c>bidirectional/backward</c>, each h [samples, units] and, for LSTM, c.
    /// The backward direction's state is the one after it read input step 0 (its last processed step).
    /// <c>initialState</c> takes one state per direction in the same order; <see cref="LayerState.Concatenate"/> joins
    /// them for a decoder of 2 × units. Inference only, and not with Stateful (SEQ014).
    /// </summary>
    public bool ReturnState { get; set; }
}
