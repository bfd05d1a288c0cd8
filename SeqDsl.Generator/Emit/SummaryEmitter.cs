using System.Globalization;
using System.Text;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit;

/// <summary>The Keras-like summary table of a model, computed at compile time.</summary>
internal static class SummaryEmitter
{
    private const int NameColumn = 44;
    private const int ShapeColumn = 26;
    private const int RuleWidth = 82;

    public static string Build(ModelPlan plan)
    {
        var b = new StringBuilder();
        b.Append("Model: \"").Append(plan.Spec.ClassName).Append("\"\n");
        b.Append(new string('_', RuleWidth)).Append('\n');
        b.Append(Row("Layer (type)", "Output Shape", "Param #"));
        b.Append(new string('=', RuleWidth)).Append('\n');
        for (int i = 0; i < plan.Layers.Count; i++)
        {
            var layer = plan.Layers[i];
            b.Append(Row(layer.Name + " (" + layer.Title + ")", layer.Output.ToKerasString(), Count(layer.ParameterCount)));
        }

        b.Append(new string('=', RuleWidth)).Append('\n');
        b.Append("Total params: ").Append(Count(plan.ParameterCount)).Append('\n');
        b.Append("Trainable params: ").Append(Count(plan.TrainableParameterCount)).Append('\n');
        b.Append("Non-trainable params: ").Append(Count(plan.ParameterCount - plan.TrainableParameterCount)).Append('\n');
        b.Append(new string('_', RuleWidth));
        return b.ToString();
    }

    public static string Count(int n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Row(string name, string shape, string parameters) =>
        " " + name.PadRight(NameColumn - 1) + shape.PadRight(ShapeColumn) + parameters + "\n";
}
