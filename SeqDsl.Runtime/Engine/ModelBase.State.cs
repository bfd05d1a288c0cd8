using System;
using System.Linq;
using ILGPU.Runtime;

namespace SeqDsl.Engine;

public abstract partial class ModelBase
{
    /// <summary>
    /// Predict, plus the final state of every ReturnState layer (Keras <c>return_state</c>; a Bidirectional layer's forward
    /// direction, then its backward one): runs <paramref name="x"/> in chunks of <paramref name="batchSize"/> (halved and
    /// retried if the device runs out of memory), each ReturnState layer (direction) starting from its rows of
    /// <paramref name="initialState"/> (Keras <c>initial_state</c>) or from zeros when it is null. Inference only: a given
    /// state is a constant (no gradient flows into it), and Fit always starts from zeros.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no ReturnState layer.</exception>
    /// <exception cref="ArgumentException">The inputs or the initial state have the wrong shape or a NaN/∞ value (the message names the layer and the expected shape).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    protected (float[] Predictions, RecurrentState States) PredictWithStateCore(TensorData x, RecurrentState? initialState, int batchSize)
    {
        lock (Gate)
        {
            ThrowIfDisposed();
            var layers = Description.ReturnedStates;
            if (layers.Count == 0)
            {
                throw new InvalidOperationException(
                    $"{Description.Name} has no recurrent layer with ReturnState = true, so it has no state to return or start from; declare one, e.g. [Recurrent(LSTM, 20, ReturnState = true)].");
            }

            DataValidator.BatchSize(batchSize, Description);
            DataValidator.Inputs(x, Description, ScanInputValues);
            if (initialState is not null)
            {
                StateValidator.Check(initialState, Description, x.Samples, ScanInputValues);
            }

            var network = Program;
            DataValidator.Steps(x, Description, network);
            int outputs = network.OutputsPerSample(x.Steps);
            var result = new float[(long)x.Samples * outputs];
            var h = layers.Select(l => new float[x.Samples, l.Units]).ToArray();
            var c = layers.Select(l => l.HasCellState ? new float[x.Samples, l.Units] : null).ToArray();
            var buffers = RentPredictionBuffers();
            int chunk = Math.Min(batchSize, x.Samples);
            int start = 0;
            while (start < x.Samples)
            {
                int count = Math.Min(chunk, x.Samples - start);
                try
                {
                    PredictStateChunk(network, buffers, x, initialState, start, count, outputs, result, h, c);
                    start += count;
                }
                catch (Exception e) when (IsOutOfMemory(e) && chunk > 1)
                {
                    // As Predict does: free the buffers and retry the same samples in smaller chunks.
                    buffers = RentPredictionBuffers(fresh: true);
                    chunk = Math.Max(1, chunk / 2);
                }
            }

            return (result, new RecurrentState(layers.Select((l, i) => new LayerState(l.Name, h[i], c[i]))));
        }
    }

    /// <summary>One chunk: its rows of the initial state in, the forward pass, its predictions and final states out.</summary>
    private void PredictStateChunk(NetworkProgram network, PredictionBuffers buffers, in TensorData x, RecurrentState? initialState, int start, int count, int outputs, float[] result, float[][,] h, float[,]?[] c)
    {
        var layers = Description.ReturnedStates;
        var batch = LoadChunk(network, buffers, parameters.View, Gradients.View, x, start, count, outputs, fromInitialStates: initialState is not null);
        if (initialState is not null)
        {
            for (int i = 0; i < layers.Count; i++)
            {
                network.ReturnedStateBuffer(i).SubView(0, (long)count * layers[i].Width).CopyFromCPU(Pack(initialState[i], layers[i], start, count));
            }
        }

        network.Forward(batch);
        CopyPredictions(buffers, batch, result.AsSpan(start * outputs, count * outputs));
        for (int i = 0; i < layers.Count; i++)
        {
            var rows = new float[(long)count * layers[i].Width];
            network.ReturnedStateBuffer(i).SubView(0, rows.Length).CopyToCPU(rows);
            Unpack(rows, layers[i], start, count, h[i], c[i]);
        }
    }

    /// <summary><see cref="PredictWithStateCore"/> shaped [samples, output steps, output features], for sequence-output models.</summary>
    protected (float[,,] Output, RecurrentState States) PredictSequenceWithStateCore(TensorData x, RecurrentState? initialState, int batchSize)
    {
        lock (Gate)
        {
            var (flat, states) = PredictWithStateCore(x, initialState, batchSize);
            return (SequencePredictions(flat, x), states);
        }
    }

    /// <summary><see cref="PredictWithStateCore"/> shaped [samples, output features], for vector-output models.</summary>
    protected (float[,] Output, RecurrentState States) PredictVectorWithStateCore(TensorData x, RecurrentState? initialState, int batchSize)
    {
        lock (Gate)
        {
            var (flat, states) = PredictWithStateCore(x, initialState, batchSize);
            return (VectorPredictions(flat, x), states);
        }
    }

    /// <summary>Rows [start, start + count) of a layer's state in the device layout: per sequence h, then c.</summary>
    private static float[] Pack(LayerState state, ReturnedStateInfo layer, int start, int count)
    {
        var rows = new float[(long)count * layer.Width];
        for (int r = 0; r < count; r++)
        {
            for (int u = 0; u < layer.Units; u++)
            {
                rows[(long)r * layer.Width + u] = state.H[start + r, u];
                if (layer.HasCellState)
                {
                    rows[(long)r * layer.Width + layer.Units + u] = state.C![start + r, u];
                }
            }
        }

        return rows;
    }

    private static void Unpack(float[] rows, ReturnedStateInfo layer, int start, int count, float[,] h, float[,]? c)
    {
        for (int r = 0; r < count; r++)
        {
            for (int u = 0; u < layer.Units; u++)
            {
                h[start + r, u] = rows[(long)r * layer.Width + u];
                if (c is not null)
                {
                    c[start + r, u] = rows[(long)r * layer.Width + layer.Units + u];
                }
            }
        }
    }
}
