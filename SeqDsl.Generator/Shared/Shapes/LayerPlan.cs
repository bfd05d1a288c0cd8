using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Shapes;

/// <summary>
/// One executable layer after shape inference: the (possibly expanded) spec, its input and output shapes,
/// and where its parameters live. A WaveNet attribute in its simple form expands into several Conv1D plans.
/// </summary>
internal sealed record LayerPlan
{
    /// <summary>Position in the plan (0-based), which is also the suffix of generated member names.</summary>
    public int Index { get; init; }

    /// <summary>The layer spec this plan executes (for an expanded WaveNet, a derived Conv1D spec).</summary>
    public LayerSpec Spec { get; init; } = new();

    /// <summary>Keras-style instance name: <c>lstm</c>, <c>lstm_1</c>, <c>time_distributed</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>Human description: <c>LSTM(20)</c>, <c>TimeDistributed(Dense(10))</c>.</summary>
    public string Title { get; init; } = "";

    /// <summary>Keras class name shown in the summary: <c>LSTM</c>, <c>TimeDistributed</c>.</summary>
    public string KerasType { get; init; } = "";

    public TensorShape Input { get; init; } = TensorShape.Vector(0);

    public TensorShape Output { get; init; } = TensorShape.Vector(0);

    public EquatableArray<ParameterTensor> Parameters { get; init; } = EquatableArray<ParameterTensor>.Empty;

    public int ParameterCount
    {
        get
        {
            int n = 0;
            foreach (var p in Parameters)
            {
                n += p.Length;
            }

            return n;
        }
    }

    public int ParameterOffset => Parameters.Count == 0 ? 0 : Parameters[0].Offset;
}
