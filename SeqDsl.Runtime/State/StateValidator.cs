using System;
using System.Collections.Generic;
using System.Linq;

namespace SeqDsl.Engine;

/// <summary>Checks an initial state against the model's ReturnState layers; every message names the layer (and, for a Bidirectional layer, the direction), the expected and the actual shape.</summary>
internal static class StateValidator
{
    public const string Argument = "initialState";

    public static void Check(RecurrentState initialState, ModelDescription description, int samples, bool scanValues)
    {
        var layers = description.ReturnedStates;
        if (initialState.Count != layers.Count)
        {
            throw new ArgumentException(
                layers.Any(l => l.Direction is not null)
                    ? $"{Argument} holds {initialState.Count} layer state(s), but {description.Name} returns {layers.Count} state(s), a Bidirectional layer one per direction: {List(layers)}. Pass one LayerState per ReturnState layer and direction (forward, then backward), in declaration order."
                    : $"{Argument} holds {initialState.Count} layer state(s), but {description.Name} has {layers.Count} ReturnState layer(s): {List(layers)}. Pass one LayerState per ReturnState layer, in declaration order.",
                Argument);
        }

        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var state = initialState[i];
            Shape(state.H, $"{Argument}[{i}].H", layer, samples);
            if (layer.HasCellState)
            {
                if (state.C is null)
                {
                    throw new ArgumentException(
                        $"{Argument}[{i}].C is missing: layer {layer} is an LSTM, whose state is h and c, each [samples, units] = [{samples}, {layer.Units}].",
                        Argument);
                }

                Shape(state.C, $"{Argument}[{i}].C", layer, samples);
            }
            else if (state.C is not null)
            {
                throw new ArgumentException(
                    $"{Argument}[{i}].C must be null: layer {layer} has no cell state (only LSTM has one); its state is h, [samples, units] = [{samples}, {layer.Units}].",
                    Argument);
            }

            if (scanValues)
            {
                Finite(state.H, $"{Argument}[{i}].H", layer);
                if (state.C is not null)
                {
                    Finite(state.C, $"{Argument}[{i}].C", layer);
                }
            }
        }
    }

    private static void Shape(float[,] array, string name, ReturnedStateInfo layer, int samples)
    {
        if (array.GetLength(0) != samples || array.GetLength(1) != layer.Units)
        {
            throw new ArgumentException(
                $"{name} for layer {layer} must be [samples, units] = [{samples}, {layer.Units}] (one row per sample of x), got [{array.GetLength(0)}, {array.GetLength(1)}].",
                Argument);
        }
    }

    private static void Finite(float[,] array, string name, ReturnedStateInfo layer)
    {
        for (int r = 0; r < array.GetLength(0); r++)
        {
            for (int u = 0; u < array.GetLength(1); u++)
            {
                if (!float.IsFinite(array[r, u]))
                {
                    throw new ArgumentException($"{name}[{r}, {u}] for layer {layer} is {array[r, u]}; a state must be finite.", Argument);
                }
            }
        }
    }

    private static string List(IReadOnlyList<ReturnedStateInfo> layers) =>
        layers.Count == 0 ? "none" : string.Join(", ", layers.Select(l => l.ToString()));
}
