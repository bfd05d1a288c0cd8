using System;
using System.Collections.Generic;
using System.Globalization;
using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Shapes;

/// <summary>Range checks of each layer's arguments (SEQ004) and options that do not fit the cell (SEQ018).</summary>
internal static class LayerArguments
{
    /// <summary>Adds a finding for each bad argument; returns false when shapes cannot be inferred for the layer.</summary>
    public static bool Check(LayerSpec layer, List<Finding> findings)
    {
        int before = findings.Count;
        string title = LayerNames.KerasType(layer);

        void Size(string argument, string what, int value, int min = 1)
        {
            if (value < min)
            {
                findings.Add(ShapeInference.OutOfRange(layer.LocationOf(argument), argument,
                    $"{title}: {what} must be at least {min}, but is {value}", layer.Index));
            }
            else if (value > ShapeInference.MaxSize)
            {
                findings.Add(ShapeInference.OutOfRange(layer.LocationOf(argument), argument,
                    $"{title}: {what} must be at most {ShapeInference.MaxSize:N0}, but is {value:N0}", layer.Index));
            }
        }

        void Rate(string argument, string what, double value)
        {
            if (!(value >= 0 && value < 1))
            {
                findings.Add(ShapeInference.OutOfRange(layer.LocationOf(argument), argument,
                    $"{title}: {what} must be in [0, 1), but is {value.ToString(CultureInfo.InvariantCulture)}", layer.Index));
            }
        }

        void EnumValue<TEnum>(string argument, int value)
            where TEnum : struct, Enum
        {
            if (!Enum.IsDefined(typeof(TEnum), value))
            {
                string name = typeof(TEnum).Name.Replace("Kind", "");
                findings.Add(ShapeInference.OutOfRange(layer.LocationOf(argument), argument,
                    $"{title}: {argument} value {value} is not a SeqDsl.{name}", layer.Index));
            }
        }

        EnumValue<ActivationKind>("Activation", layer.Activation);
        switch (layer.Kind)
        {
            case LayerKind.Recurrent:
            case LayerKind.Bidirectional:
                EnumValue<CellKind>("cell", layer.Cell);
                Size("units", "units", layer.Units);
                EnumValue<ActivationKind>("RecurrentActivation", layer.RecurrentActivation);
                Rate("Dropout", "Dropout", layer.Dropout);
                Rate("RecurrentDropout", "RecurrentDropout", layer.RecurrentDropout);
                EnumValue<MergeModeKind>("MergeMode", layer.MergeMode);
                CheckCellOptions(layer, title, findings);
                break;
            case LayerKind.Dense:
                Size("units", "units", layer.Units);
                break;
            case LayerKind.TimeDistributed:
                if (layer.Units == 0 && !layer.HasArgument("Dense"))
                {
                    findings.Add(new Finding(DiagnosticIds.InvalidTimeDistributed, FindingSeverity.Error,
                        "TimeDistributed wraps nothing: set the wrapped Dense layer's units, e.g. [TimeDistributed(Dense = 10)]",
                        layer.Location, layer.Index));
                }
                else
                {
                    Size("Dense", "Dense units", layer.Units);
                }

                break;
            case LayerKind.RepeatVector:
                Size("n", "n", layer.Units);
                break;
            case LayerKind.Embedding:
                Size("inputDim", "inputDim (vocabulary size)", layer.InputDim);
                Size("outputDim", "outputDim", layer.Units);
                break;
            case LayerKind.Dropout:
                Rate("rate", "rate", layer.Dropout);
                break;
            case LayerKind.BatchNormalization:
                Rate("Momentum", "Momentum", layer.Momentum);
                Positive("Epsilon", layer.Epsilon);
                break;
            case LayerKind.LayerNormalization:
                Positive("Epsilon", layer.Epsilon);
                break;
            case LayerKind.Conv1D:
                Size("filters", "filters", layer.Units);
                Size("kernelSize", "kernelSize", layer.KernelSize);
                Size("Strides", "Strides", layer.Strides);
                Size("dilation", "dilation", layer.Dilation);
                EnumValue<PaddingKind>("padding", layer.Padding);
                if (layer.Strides > 1 && layer.Dilation > 1)
                {
                    findings.Add(ShapeInference.OutOfRange(layer.LocationOf("Strides"), "Strides",
                        $"{title}: Strides > 1 cannot be combined with dilation > 1 (Keras rejects it too)", layer.Index));
                }

                break;
            case LayerKind.WaveNet:
                Size("filters", "filters", layer.Units);
                Size("LayersPerBlock", "LayersPerBlock", layer.LayersPerBlock);
                Size("Blocks", "Blocks", layer.Blocks);
                Size("KernelSize", "KernelSize", layer.KernelSize);
                Size("Outputs", "Outputs", layer.Outputs, min: 0);
                if (layer.LayersPerBlock > 20)
                {
                    findings.Add(ShapeInference.OutOfRange(layer.LocationOf("LayersPerBlock"), "LayersPerBlock",
                        $"{title}: LayersPerBlock must be at most 20 (dilation 2^19), but is {layer.LayersPerBlock}", layer.Index));
                }

                if (layer.Blocks > 64)
                {
                    findings.Add(ShapeInference.OutOfRange(layer.LocationOf("Blocks"), "Blocks",
                        $"{title}: Blocks must be at most 64, but is {layer.Blocks}", layer.Index));
                }

                break;
            case LayerKind.MaxPooling1D:
            case LayerKind.AveragePooling1D:
                Size("poolSize", "poolSize", layer.KernelSize);
                Size("Strides", "Strides", layer.Strides);
                EnumValue<PaddingKind>("Padding", layer.Padding);
                if (layer.Padding == (int)PaddingKind.Causal)
                {
                    findings.Add(ShapeInference.OutOfRange(layer.LocationOf("Padding"), "Padding",
                        $"{title}: pooling supports Padding.Valid and Padding.Same, not Causal", layer.Index));
                }

                break;
        }

        return findings.Count == before;

        void Positive(string argument, double value)
        {
            if (!(value > 0) || double.IsInfinity(value))
            {
                findings.Add(ShapeInference.OutOfRange(layer.LocationOf(argument), argument,
                    $"{title}: {argument} must be a positive number, but is {value.ToString(CultureInfo.InvariantCulture)}", layer.Index));
            }
            else if (value > float.MaxValue)
            {
                // The kernels compute in float: a larger value would become infinity there.
                findings.Add(ShapeInference.OutOfRange(layer.LocationOf(argument), argument,
                    $"{title}: {argument} must be at most {float.MaxValue.ToString(CultureInfo.InvariantCulture)} (the kernels compute in float), but is {value.ToString(CultureInfo.InvariantCulture)}", layer.Index));
            }
        }
    }

    private static void CheckCellOptions(LayerSpec layer, string title, List<Finding> findings)
    {
        void NotFor(string option, string cells)
        {
            findings.Add(new Finding(DiagnosticIds.OptionNotForCell, FindingSeverity.Error,
                $"{title}: {option} applies to {cells} only; remove it or change the cell", layer.LocationOf(option), layer.Index, option));
        }

        if (layer.Peepholes && layer.Cell != (int)CellKind.LSTM)
        {
            NotFor("Peepholes", "LSTM");
        }

        if (layer.HasArgument("UnitForgetBias") && layer.Cell != (int)CellKind.LSTM)
        {
            NotFor("UnitForgetBias", "LSTM");
        }

        if (layer.HasArgument("ResetAfter") && layer.Cell != (int)CellKind.GRU)
        {
            NotFor("ResetAfter", "GRU");
        }

        if (layer.HasArgument("RecurrentActivation") && layer.Cell == (int)CellKind.SimpleRNN)
        {
            NotFor("RecurrentActivation", "LSTM and GRU");
        }
    }
}
