using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SeqDsl.Generator.Emit.Kernels;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator.Emit;

/// <summary>
/// Writes <c>Model.TrainingPass.g.cs</c> for a model that gets the training-pass kernel (<see cref="TrainingPassKernel"/>):
/// the struct of its views, one method per layer kernel that runs that kernel's grid-stride loop for one sample, and the
/// kernel, a thread per sequence calling them in order.
/// </summary>
/// <remarks>
/// The per-sample methods are made from the text of <c>Model.Kernels.g.cs</c>, as host code is
/// (<see cref="Host.HostKernelsEmitter"/>), so the layers' arithmetic is written once: a kernel's statements before its
/// grid-stride loop are kept, and the loop runs only the sample's items: <c>b</c> = the sample where the loop walks
/// samples, the sample's <c>X</c> consecutive items where it walks <c>batch * X</c> (a sequence's rows, a sample's
/// partial-sum rows).
/// </remarks>
internal static class TrainingPassEmitter
{
    /// <summary>The per-sample method of kernel <paramref name="kernel"/>.</summary>
    public static string SampleMethod(string kernel) => kernel + "OfSample";

    public static GeneratedFile Emit(ModelPlan plan, IReadOnlyList<LayerEmitter> layers, GeneratedFile kernels)
    {
        var spec = plan.Spec;
        var declared = CSharpSyntaxTree.ParseText(kernels.Text).GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().ToDictionary(m => m.Identifier.Text);
        var sequence = TrainingPassKernel.Sequence(plan, layers);
        var w = new CodeWriter();
        FileHeader.Open(w, spec, "System.Runtime.CompilerServices", "ILGPU", "ILGPU.Runtime");
        using (FileHeader.OpenContainingTypes(w, spec))
        using (w.Block("partial class " + spec.ClassName))
        {
            w.Summary("The training pass of " + spec.ClassName + " in one kernel for PoCL: a thread per sequence runs every layer's forward, the\n"
                + "loss, and every layer's backward and partial weight gradients, each the loop of that layer's own kernel (Kernels) for the\n"
                + "thread's sequence alone: the same sums in the same order, so the same bits, in one launch instead of " + (sequence.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) + ".");
            using (w.Block("private static class " + TrainingPassKernel.ClassName))
            {
                var views = TrainingPassKernel.Views(plan, layers);
                EmitViews(w, views, sequence, declared);
                foreach (var method in sequence.Select(s => s.Kernel.Method).Distinct())
                {
                    w.Line();
                    EmitSampleMethod(w, Kernel(declared, method));
                }

                w.Line();
                EmitKernel(w, plan, layers, sequence, views);
            }
        }

        return new GeneratedFile(spec.FullName.Replace('.', '_') + ".TrainingPass.g.cs", w.ToString());
    }

    /// <summary>The views struct: a field per view of <paramref name="views"/>, typed as the kernel parameters it is passed to (checked alike).</summary>
    private static void EmitViews(CodeWriter w, IReadOnlyList<string> views, IReadOnlyList<(string Layer, SampleKernel Kernel)> sequence, Dictionary<string, MethodDeclarationSyntax> declared)
    {
        var types = new Dictionary<string, string>();
        foreach (var (_, kernel) in sequence)
        {
            var parameters = Kernel(declared, kernel.Method).ParameterList.Parameters;
            if (parameters.Count != kernel.Arguments.Count)
            {
                throw new InvalidOperationException("SeqDsl generator: " + kernel.Method + " takes " + parameters.Count + " parameters but its launch passes " + kernel.Arguments.Count + ".");
            }

            for (int i = 0; i < parameters.Count; i++)
            {
                string argument = kernel.Arguments[i];
                if (!ProgramView.Is(argument))
                {
                    if (parameters[i].Type!.ToString() != "int")
                    {
                        throw new InvalidOperationException("SeqDsl generator: " + kernel.Method + " takes " + argument + " as its " + parameters[i].Identifier.Text + ", a " + parameters[i].Type + ", not an int.");
                    }

                    continue;
                }

                string type = parameters[i].Type!.ToString();
                if (!type.StartsWith("ArrayView<", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("SeqDsl generator: " + kernel.Method + " takes " + argument + " as its " + parameters[i].Identifier.Text + ", a " + type + ", not a view.");
                }

                if (types.TryGetValue(argument, out var known) && known != type)
                {
                    throw new InvalidOperationException("SeqDsl generator: " + argument + " is passed as " + known + " and as " + type + ".");
                }

                types[argument] = type;
            }
        }

        w.Summary("Every view the training pass reads or writes: more than ILGPU loads a kernel's parameters with, so they travel in one struct.");
        using (w.Block("public struct " + TrainingPassKernel.ViewsType))
        {
            foreach (var argument in views)
            {
                w.Line("public " + types[argument] + " " + TrainingPassKernel.ViewField(argument) + "; // " + argument);
            }
        }
    }

    /// <summary>
    /// The kernel's statements before its grid-stride loop, then the loop's body for <c>sample</c> alone, in a method that
    /// takes the kernel's parameters after <c>sample</c>.
    /// </summary>
    private static void EmitSampleMethod(CodeWriter w, MethodDeclarationSyntax kernel)
    {
        var statements = kernel.Body!.Statements;
        var loops = statements.OfType<ForStatementSyntax>().Where(IsGridStrideLoop).ToList();
        if (loops.Count != 1 || statements.Last() != loops[0])
        {
            throw new InvalidOperationException("SeqDsl generator: " + kernel.Identifier.Text + " does not end in its one grid-stride loop.");
        }

        var loop = loops[0];

        // What runs for one sample must not depend on the grid or on other threads, and "sample" must be free.
        var copied = statements.Take(statements.Count - 1).Append(loop.Statement).SelectMany(s => s.DescendantNodesAndSelf());
        if (copied.OfType<IdentifierNameSyntax>().FirstOrDefault(n => n.Identifier.Text is "Grid" or "Group" or "SharedMemory" or "Atomic" or "Warp") is { } shared)
        {
            throw new InvalidOperationException("SeqDsl generator: " + kernel.Identifier.Text + " uses " + shared.Identifier.Text + " outside its grid-stride loop's header, so it cannot run one sample alone.");
        }

        if (kernel.DescendantTokens().Any(t => t.IsKind(SyntaxKind.IdentifierToken) && t.Text == "sample"))
        {
            throw new InvalidOperationException("SeqDsl generator: " + kernel.Identifier.Text + " names something sample, the per-sample method's parameter.");
        }

        var variable = loop.Declaration!.Variables.Single().Identifier.Text;
        string type = loop.Declaration.Type.ToString();
        var limit = ((BinaryExpressionSyntax)loop.Condition!).Right;
        var body = ((BlockSyntax)loop.Statement).Statements;
        w.SummaryMarkup(kernel.Identifier.Text + " for one sample alone: its loop over the batch's " + (IsBatch(limit) ? "samples" : "items") + " runs only <paramref name=\"sample\"/>'s.");
        w.Line("[MethodImpl(MethodImplOptions.AggressiveInlining)]");
        using (w.Block("public static void " + SampleMethod(kernel.Identifier.Text) + "(int sample, " + kernel.ParameterList.Parameters.ToFullString() + ")"))
        {
            foreach (var statement in statements.Take(statements.Count - 1))
            {
                WriteStatement(w, statement);
            }

            if (IsBatch(limit))
            {
                w.Line(type + " " + variable + " = sample;");
                foreach (var statement in body)
                {
                    WriteStatement(w, statement);
                }
            }
            else if (limit is BinaryExpressionSyntax product && product.IsKind(SyntaxKind.MultiplyExpression) && IsBatch(product.Left))
            {
                string perSample = product.Right.ToString();
                using (w.Block("for (" + type + " " + variable + " = sample * " + perSample + "; " + variable + " < (sample + 1) * " + perSample + "; " + variable + "++) // the sample's " + perSample + " items"))
                {
                    foreach (var statement in body)
                    {
                        WriteStatement(w, statement);
                    }
                }
            }
            else
            {
                throw new InvalidOperationException("SeqDsl generator: " + kernel.Identifier.Text + "'s grid-stride loop runs to " + limit + ", not over samples.");
            }
        }
    }

    private static void EmitKernel(CodeWriter w, ModelPlan plan, IReadOnlyList<LayerEmitter> layers, IReadOnlyList<(string Layer, SampleKernel Kernel)> sequence, IReadOnlyList<string> views)
    {
        var integers = TrainingPassKernel.IntegerParameters(plan, layers);
        w.Summary("A batch's training pass, a thread per sequence: each layer's forward, the loss, then each layer's backward and\n"
            + "partials, last layer first. A sequence writes only its own rows and reads only those and the weights (and their\n"
            + "copies), which nothing writes during the pass, so no thread waits for another.");
        using (w.Block("public static void " + TrainingPassKernel.Method + "(" + TrainingPassKernel.ViewsType + " views" + string.Concat(integers.Select(i => ", int " + i.Parameter)) + ")"))
        using (w.Block("for (int b = Grid.GlobalIndex.X; b < batch; b += Grid.Dimension.X * Group.Dimension.X) // sequence b, through the whole pass"))
        {
            string? layer = null;
            foreach (var (of, kernel) in sequence)
            {
                if (of != layer)
                {
                    w.Line("// " + of);
                    layer = of;
                }

                var arguments = kernel.Arguments.Select(a => views.Contains(a) ? "views." + TrainingPassKernel.ViewField(a) : TrainingPassKernel.IntegerParameter(a));
                w.Line(SampleMethod(kernel.Method) + "(b, " + string.Join(", ", arguments) + "); // " + kernel.What);
            }
        }
    }

    private static MethodDeclarationSyntax Kernel(Dictionary<string, MethodDeclarationSyntax> declared, string method) =>
        declared.TryGetValue(method, out var kernel) ? kernel : throw new InvalidOperationException("SeqDsl generator: kernel " + method + " is not in Kernels.");

    /// <summary><c>for (… v = Grid.GlobalIndex.X; v &lt; limit; v += Grid.Dimension.X * Group.Dimension.X)</c>.</summary>
    private static bool IsGridStrideLoop(ForStatementSyntax loop) =>
        loop.Declaration is { Variables.Count: 1 } declaration
        && declaration.Variables[0].Initializer?.Value.ToString() == "Grid.GlobalIndex.X"
        && loop.Condition is BinaryExpressionSyntax condition && condition.IsKind(SyntaxKind.LessThanExpression)
        && loop.Incrementors.Count == 1 && loop.Incrementors[0].ToString() == declaration.Variables[0].Identifier.Text + " += Grid.Dimension.X * Group.Dimension.X"
        && loop.Statement is BlockSyntax;

    private static bool IsBatch(ExpressionSyntax expression) => expression is IdentifierNameSyntax { Identifier.Text: "batch" };

    /// <summary>Writes a statement of the kernels' text, comments included, at the writer's indentation.</summary>
    private static void WriteStatement(CodeWriter w, StatementSyntax statement)
    {
        int column = statement.GetLocation().GetLineSpan().StartLinePosition.Character;
        var lines = statement.ToFullString().Replace("\r\n", "\n").TrimEnd('\n', ' ').Split('\n');
        foreach (var line in lines)
        {
            string text = line.Length >= column && line.Substring(0, column).Trim().Length == 0 ? line.Substring(column) : line.TrimStart();
            w.Line(text.TrimEnd());
        }
    }
}
