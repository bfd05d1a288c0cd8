using System.Globalization;
using System.Text;

namespace SeqDsl.Generator.Tests;

/// <summary>
/// Writes random model declarations for the fuzz test: any layer kind, argument values that include 0, negatives and
/// huge numbers, missing and ill-typed arguments, out-of-range enum casts, and class shapes the generator must refuse
/// (non-partial, generic, nested in non-partial or generic types, records, static classes). Each declaration sits in
/// its own namespace, so that many can share one compilation and every diagnostic can be traced back to one of them.
/// </summary>
internal sealed class RandomDeclarations
{
    private static readonly string[] Cells = { "LSTM", "GRU", "SimpleRNN", "Cell.LSTM" };
    private static readonly string[] OddCells = { "(Cell)99", "(Cell)(-1)", "(Cell)int.MaxValue" };
    private static readonly string[] Activations = { "Activation.Default", "Activation.Linear", "Activation.Tanh", "Activation.Sigmoid", "Activation.ReLU", "Activation.Softmax", "Activation.Elu", "Activation.Softplus" };
    private static readonly string[] OddActivations = { "(Activation)42", "(Activation)(-3)" };
    private static readonly string[] Losses = { "Loss.Mse", "Loss.Mae", "Loss.Huber", "Loss.SparseCategoricalCrossEntropy", "Loss.CategoricalCrossEntropy", "Loss.BinaryCrossEntropy" };
    private static readonly string[] OddLosses = { "(Loss)17", "(Loss)(-1)" };
    private static readonly string[] Optimizers = { "Optimizer.Adam", "Optimizer.Sgd" };
    private static readonly string[] OddOptimizers = { "(Optimizer)5" };
    private static readonly string[] Paddings = { "Padding.Valid", "Padding.Same", "Padding.Causal" };
    private static readonly string[] OddPaddings = { "(Padding)9" };
    private static readonly string[] MergeModes = { "MergeMode.Concat", "MergeMode.Sum", "MergeMode.Average", "MergeMode.Multiply" };
    private static readonly string[] OddMergeModes = { "(MergeMode)77" };
    private static readonly string[] OddInts = { "0", "-1", "-7", "4096", "65536", "int.MaxValue", "int.MinValue", "1 << 30", "100000" };
    private static readonly string[] OddDoubles = { "0", "-0.5", "1", "1.5", "double.NaN", "double.PositiveInfinity", "double.NegativeInfinity", "1e308", "-1e-300", "double.Epsilon" };

    private readonly Random random;

    /// <summary>
    /// The chance that a value is odd (0, negative, huge, an undefined enum) or a class has a shape the generator must
    /// refuse: small for half of the declarations, so that many are valid and get generated and compiled.
    /// </summary>
    private double oddness;

    public RandomDeclarations(int seed) => random = new Random(seed);

    /// <summary>One declaration in namespace <c>Fuzz.M{index}</c>.</summary>
    public string Next(int index)
    {
        oddness = random.Next(2) == 0 ? 0.02 : 0.3;
        var b = new StringBuilder();
        b.Append("namespace Fuzz.M").Append(index.ToString("D5", CultureInfo.InvariantCulture)).Append(";\n");
        var attributes = new StringBuilder();
        if (random.NextDouble() < 0.95)
        {
            attributes.Append(ModelAttribute()).Append('\n');
        }

        if (random.NextDouble() < oddness / 10)
        {
            attributes.Append("[SequenceModel(InputFeatures = 2)]\n"); // a duplicate: the compiler rejects it
        }

        int layers = random.NextDouble() < oddness / 5 ? 0 : random.Next(1, 6);
        for (int i = 0; i < layers; i++)
        {
            string layer = Layer();
            if (random.NextDouble() < oddness / 10 && layer.Length > 3)
            {
                layer = layer[..random.Next(2, layer.Length - 1)] + "]"; // half-typed, as in the editor: a syntax error
            }

            attributes.Append(layer).Append('\n');
        }

        string name = "Model" + index.ToString(CultureInfo.InvariantCulture);
        switch (random.NextDouble() < oddness ? random.Next(9) : -1)
        {
            case 0:
                b.Append(attributes).Append("public class ").Append(name).Append(" { }\n");
                break;
            case 1:
                b.Append(attributes).Append("public partial class ").Append(name).Append("<T> { }\n");
                break;
            case 2:
                b.Append("public partial class Outer").Append(index).Append("\n{\n").Append(attributes).Append("    internal partial class ").Append(name).Append(" { }\n}\n");
                break;
            case 3:
                b.Append("public class Outer").Append(index).Append("\n{\n").Append(attributes).Append("    public partial class ").Append(name).Append(" { }\n}\n");
                break;
            case 4:
                b.Append("public partial class Outer").Append(index).Append("<T>\n{\n").Append(attributes).Append("    public partial class ").Append(name).Append(" { }\n}\n");
                break;
            case 5:
                b.Append(attributes).Append("public partial record ").Append(name).Append(" { }\n");
                break;
            case 6:
                b.Append(attributes).Append("public static partial class ").Append(name).Append(" { }\n");
                break;
            case 7:
                b.Append(attributes).Append("public abstract partial class ").Append(name).Append(" { }\n");
                break;
            case 8:
                b.Append(attributes).Append("internal sealed partial class ").Append(name).Append(" { }\n");
                break;
            default:
                b.Append(attributes).Append("public partial class ").Append(name).Append(" { }\n");
                break;
        }

        return b.ToString();
    }

    /// <summary>A huge but valid declaration: <paramref name="layers"/> stacked recurrent layers of <paramref name="units"/> units.</summary>
    public static string Huge(string name, int layers, int units)
    {
        var b = new StringBuilder("namespace Fuzz.Huge;\n[SequenceModel(InputFeatures = 8)]\n");
        for (int i = 0; i < layers - 1; i++)
        {
            string cell = (i % 3) switch { 0 => "LSTM", 1 => "GRU", _ => "SimpleRNN" };
            b.Append("[Recurrent(").Append(cell).Append(", ").Append(units).Append(", ReturnSequences = true)]\n");
        }

        b.Append("[TimeDistributed(Dense = ").Append(units).Append(")]\n");
        b.Append("public partial class ").Append(name).Append(" { }\n");
        return b.ToString();
    }

    private string ModelAttribute()
    {
        var arguments = new List<string>();
        if (random.NextDouble() < 0.9)
        {
            arguments.Add("InputFeatures = " + Int());
        }

        Maybe(0.3, () => arguments.Add("InputSteps = " + Int()));
        Maybe(0.15, () => arguments.Add("BatchSize = " + Int()));
        Maybe(0.4, () => arguments.Add("Loss = " + Pick(Losses, OddLosses)));
        Maybe(0.2, () => arguments.Add("Optimizer = " + Pick(Optimizers, OddOptimizers)));
        Maybe(0.2, () => arguments.Add("LearningRate = " + Double()));
        Maybe(oddness / 10, () => arguments.Add("InputFeatures = \"one\"")); // ill-typed
        return "[SequenceModel(" + string.Join(", ", Shuffle(arguments)) + ")]";
    }

    private string Layer()
    {
        var named = new List<string>();
        void Named(double p, string name, Func<string> value) => Maybe(p, () => named.Add(name + " = " + value()));
        string Bool() => random.Next(2) == 0 ? "true" : "false";
        string Build(string attribute, params string?[] positional)
        {
            var all = positional.Where(p => p is not null).Cast<string>().ToList();
            if (all.Count > 0 && random.NextDouble() < oddness / 10)
            {
                all.RemoveAt(all.Count - 1); // a missing argument: the compiler rejects it
            }

            all.AddRange(Shuffle(named));
            return all.Count == 0 && random.Next(2) == 0 ? "[" + attribute + "]" : "[" + attribute + "(" + string.Join(", ", all) + ")]";
        }

        switch (random.Next(16))
        {
            case 0:
            case 1:
            case 2:
                Named(0.5, "ReturnSequences", Bool);
                Named(0.15, "Activation", () => Pick(Activations, OddActivations));
                Named(0.1, "RecurrentActivation", () => Pick(Activations, OddActivations));
                Named(0.1, "UseBias", Bool);
                Named(0.1, "Dropout", Double);
                Named(0.1, "RecurrentDropout", Double);
                Named(0.05, "Stateful", Bool);
                Named(0.05, "Peepholes", Bool);
                Named(0.05, "LayerNorm", Bool);
                Named(0.05, "ResetAfter", Bool);
                Named(0.05, "UnitForgetBias", Bool);
                Named(0.05, "GoBackwards", Bool);
                Named(0.05, "ReturnState", Bool);
                if (random.NextDouble() < 0.1)
                {
                    // Constructor arguments by name and out of order.
                    return Build("Recurrent", "units: " + Int(), "cell: " + Pick(Cells, OddCells));
                }

                return Build("Recurrent", Pick(Cells, OddCells), Int());
            case 3:
                Named(0.5, "ReturnSequences", Bool);
                Named(0.2, "MergeMode", () => Pick(MergeModes, OddMergeModes));
                Named(0.1, "Activation", () => Pick(Activations, OddActivations));
                Named(0.1, "Dropout", Double);
                Named(0.05, "Stateful", Bool);
                Named(0.05, "ReturnState", Bool);
                return Build("Bidirectional", Pick(Cells, OddCells), Int());
            case 4:
            case 5:
                Named(0.3, "Activation", () => Pick(Activations, OddActivations));
                Named(0.1, "UseBias", Bool);
                return Build("Dense", Int());
            case 6:
                Named(0.9, "Dense", Int);
                Named(0.2, "Activation", () => Pick(Activations, OddActivations));
                Named(0.1, "UseBias", Bool);
                return Build("TimeDistributed");
            case 7:
                return random.Next(2) == 0 ? "[Flatten]" : "[Flatten()]";
            case 8:
                return Build("RepeatVector", Int());
            case 9:
                return Build("Embedding", Int(), Int());
            case 10:
                Named(0.2, "Strides", Int);
                Named(0.2, "Activation", () => Pick(Activations, OddActivations));
                Named(0.1, "UseBias", Bool);
                return Build("Conv1D", Int(), Int(), random.Next(3) == 0 ? "dilation: " + Int() : null, random.Next(3) == 0 ? "padding: " + Pick(Paddings, OddPaddings) : null);
            case 11:
                Named(0.3, "LayersPerBlock", Int);
                Named(0.3, "Blocks", Int);
                Named(0.2, "KernelSize", Int);
                Named(0.2, "Gated", Bool);
                Named(0.4, "Outputs", Int);
                return Build("WaveNet", Int());
            case 12:
                Named(0.3, "Strides", Int);
                Named(0.2, "Padding", () => Pick(Paddings, OddPaddings));
                return Build(random.Next(2) == 0 ? "MaxPooling1D" : "AveragePooling1D", random.Next(3) == 0 ? null : Int());
            case 13:
                return random.Next(2) == 0 ? "[GlobalAveragePooling1D]" : "[GlobalMaxPooling1D]";
            case 14:
                return Build("Dropout", random.NextDouble() < oddness / 10 ? "\"half\"" : Double());
            default:
                if (random.Next(2) == 0)
                {
                    Named(0.3, "Momentum", Double);
                    Named(0.3, "Epsilon", Double);
                    return Build("BatchNormalization");
                }

                Named(0.3, "Epsilon", Double);
                return Build("LayerNormalization");
        }
    }

    /// <summary>Mostly small valid sizes, sometimes 0, negatives or huge values.</summary>
    private string Int() => random.NextDouble() < oddness
        ? Pick(OddInts)
        : random.Next(1, 33).ToString(CultureInfo.InvariantCulture);

    private string Double() => random.NextDouble() < oddness
        ? Pick(OddDoubles)
        : (random.Next(0, 5) / 10.0).ToString("0.0", CultureInfo.InvariantCulture);

    private string Pick(string[] values) => values[random.Next(values.Length)];

    private string Pick(string[] values, string[] odd) => random.NextDouble() < oddness ? Pick(odd) : Pick(values);

    private void Maybe(double probability, Action action)
    {
        if (random.NextDouble() < probability)
        {
            action();
        }
    }

    private List<string> Shuffle(List<string> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }

        return items;
    }
}
