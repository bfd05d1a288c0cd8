using System.Collections.Generic;
using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Reading;

/// <summary>Metadata names of SeqDsl.Runtime's attributes, and which layer kind each declares.</summary>
internal static class AttributeNames
{
    public const string SequenceModel = "SeqDsl.SequenceModelAttribute";

    public static readonly IReadOnlyDictionary<string, LayerKind> Layers = new Dictionary<string, LayerKind>
    {
        ["SeqDsl.RecurrentAttribute"] = LayerKind.Recurrent,
        ["SeqDsl.BidirectionalAttribute"] = LayerKind.Bidirectional,
        ["SeqDsl.DenseAttribute"] = LayerKind.Dense,
        ["SeqDsl.TimeDistributedAttribute"] = LayerKind.TimeDistributed,
        ["SeqDsl.FlattenAttribute"] = LayerKind.Flatten,
        ["SeqDsl.RepeatVectorAttribute"] = LayerKind.RepeatVector,
        ["SeqDsl.EmbeddingAttribute"] = LayerKind.Embedding,
        ["SeqDsl.DropoutAttribute"] = LayerKind.Dropout,
        ["SeqDsl.BatchNormalizationAttribute"] = LayerKind.BatchNormalization,
        ["SeqDsl.LayerNormalizationAttribute"] = LayerKind.LayerNormalization,
        ["SeqDsl.Conv1DAttribute"] = LayerKind.Conv1D,
        ["SeqDsl.WaveNetAttribute"] = LayerKind.WaveNet,
        ["SeqDsl.MaxPooling1DAttribute"] = LayerKind.MaxPooling1D,
        ["SeqDsl.AveragePooling1DAttribute"] = LayerKind.AveragePooling1D,
        ["SeqDsl.GlobalAveragePooling1DAttribute"] = LayerKind.GlobalAveragePooling1D,
        ["SeqDsl.GlobalMaxPooling1DAttribute"] = LayerKind.GlobalMaxPooling1D,
    };
}
