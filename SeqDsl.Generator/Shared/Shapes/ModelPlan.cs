using System.Linq;
using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Shapes;

/// <summary>The result of shape inference and checking for one model.</summary>
internal sealed record ModelPlan
{
    public ModelSpec Spec { get; init; } = new();

    public TensorShape Input { get; init; } = TensorShape.Vector(0);

    public EquatableArray<LayerPlan> Layers { get; init; } = EquatableArray<LayerPlan>.Empty;

    public EquatableArray<Finding> Findings { get; init; } = EquatableArray<Finding>.Empty;

    public TensorShape Output => Layers.Count == 0 ? Input : Layers[Layers.Count - 1].Output;

    public int ParameterCount => Layers.Sum(l => l.ParameterCount);

    public int TrainableParameterCount => Layers.Sum(l => l.Parameters.Where(p => p.Trainable).Sum(p => p.Length));

    public bool HasErrors => Findings.Any(f => f.Severity == FindingSeverity.Error);

    public Finding? FirstError => Findings.FirstOrDefault(f => f.Severity == FindingSeverity.Error);
}
