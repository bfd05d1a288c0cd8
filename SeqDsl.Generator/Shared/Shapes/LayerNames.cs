using System.Collections.Generic;
using System.Globalization;
using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Shapes;

/// <summary>Names and titles of layers as Keras prints them.</summary>
internal static class LayerNames
{
    public static string CellName(int cell) => cell switch
    {
        (int)CellKind.SimpleRNN => "SimpleRNN",
        (int)CellKind.LSTM => "LSTM",
        (int)CellKind.GRU => "GRU",
        _ => "Cell(" + cell.ToString(CultureInfo.InvariantCulture) + ")",
    };

    public static string KerasType(LayerSpec spec) => spec.Kind switch
    {
        LayerKind.Recurrent => CellName(spec.Cell),
        LayerKind.Bidirectional => "Bidirectional",
        LayerKind.WaveNet => "WaveNet",
        _ => spec.Kind.ToString(),
    };

    /// <summary>Keras's snake_case base name: <c>simple_rnn</c>, <c>lstm</c>, <c>time_distributed</c>, <c>conv1d</c>.</summary>
    public static string BaseName(LayerSpec spec) => spec.Kind switch
    {
        LayerKind.Recurrent => spec.Cell switch
        {
            (int)CellKind.SimpleRNN => "simple_rnn",
            (int)CellKind.LSTM => "lstm",
            (int)CellKind.GRU => "gru",
            _ => "rnn",
        },
        LayerKind.Bidirectional => "bidirectional",
        LayerKind.Dense => "dense",
        LayerKind.TimeDistributed => "time_distributed",
        LayerKind.Flatten => "flatten",
        LayerKind.RepeatVector => "repeat_vector",
        LayerKind.Embedding => "embedding",
        LayerKind.Dropout => "dropout",
        LayerKind.BatchNormalization => "batch_normalization",
        LayerKind.LayerNormalization => "layer_normalization",
        LayerKind.Conv1D => "conv1d",
        LayerKind.WaveNet => "wavenet",
        LayerKind.MaxPooling1D => "max_pooling1d",
        LayerKind.AveragePooling1D => "average_pooling1d",
        LayerKind.GlobalAveragePooling1D => "global_average_pooling1d",
        LayerKind.GlobalMaxPooling1D => "global_max_pooling1d",
        _ => "layer",
    };

    public static string Title(LayerSpec spec)
    {
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        return spec.Kind switch
        {
            LayerKind.Recurrent => CellName(spec.Cell) + "(" + I(spec.Units) + ")",
            LayerKind.Bidirectional => "Bidirectional(" + CellName(spec.Cell) + "(" + I(spec.Units) + "))",
            LayerKind.Dense => "Dense(" + I(spec.Units) + ")",
            LayerKind.TimeDistributed => "TimeDistributed(Dense(" + I(spec.Units) + "))",
            LayerKind.RepeatVector => "RepeatVector(" + I(spec.Units) + ")",
            LayerKind.Embedding => "Embedding(" + I(spec.InputDim) + ", " + I(spec.Units) + ")",
            LayerKind.Dropout => "Dropout(" + spec.Dropout.ToString(CultureInfo.InvariantCulture) + ")",
            LayerKind.Conv1D => "Conv1D(" + I(spec.Units) + ", " + I(spec.KernelSize)
                + (spec.Strides != 1 ? ", strides " + I(spec.Strides) : "")
                + (spec.Dilation != 1 ? ", dilation " + I(spec.Dilation) : "")
                + ", " + ((PaddingKind)spec.Padding).ToString().ToLowerInvariant() + ")",
            LayerKind.WaveNet => "WaveNet(" + I(spec.Units) + (spec.Gated ? ", gated" : "") + ")",
            LayerKind.MaxPooling1D or LayerKind.AveragePooling1D => spec.Kind + "(" + I(spec.KernelSize) + ")",
            _ => spec.Kind.ToString(),
        };
    }

    /// <summary>Hands out Keras's numbered names: the first <c>lstm</c>, then <c>lstm_1</c>, <c>lstm_2</c>…</summary>
    internal sealed class Counter
    {
        private readonly Dictionary<string, int> seen = new();

        public string Next(string baseName)
        {
            seen.TryGetValue(baseName, out int n);
            seen[baseName] = n + 1;
            return n == 0 ? baseName : baseName + "_" + n.ToString(CultureInfo.InvariantCulture);
        }
    }
}
