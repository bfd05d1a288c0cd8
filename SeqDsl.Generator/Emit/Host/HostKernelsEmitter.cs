using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Emit.Host;

/// <summary>
/// Writes <c>Model.HostKernels.g.cs</c>: the model's thread-per-sequence kernels as plain C# for
/// <c>KernelSchedule.HostCode</c>, made from the text of <c>Model.Kernels.g.cs</c> so that both run the same code.
/// </summary>
/// <remarks>
/// Each kernel is translated, not re-emitted: its views become <c>HostView</c>s, its local arrays stack memory, its
/// grid-stride loop runs over <c>worker</c> and <c>workers</c> (a <c>HostLauncher</c> runs one call per core), and
/// its innermost loops over contiguous columns become <c>Vector&lt;float&gt;</c> loops (<see cref="LoopVectorizer"/>), those
/// padded to whole vectors for PoCL first cut to their real width (<see cref="PaddedLoop"/>); multiply-add calls are
/// written out as the multiply and add they run on .NET first (<see cref="MultiplyAdds"/>).
/// A launcher per kernel has the ILGPU launcher's signature, so the program assigns either to the same field.
/// </remarks>
internal static class HostKernelsEmitter
{
    public const string ClassName = "HostKernels";

    /// <summary>Local arrays up to this many elements (64 KB of floats) live on the stack; larger ones on the heap.</summary>
    private const long MaxStackElements = 16 * 1024;

    /// <summary>The launcher of kernel <paramref name="method"/> in <see cref="ClassName"/>.</summary>
    public static string Launcher(string method) => ClassName + ".Launch" + method;

    public static GeneratedFile Emit(ModelSpec spec, GeneratedFile kernels, IReadOnlyCollection<string> methods)
    {
        var root = CSharpSyntaxTree.ParseText(kernels.Text).GetRoot();
        var declared = root.DescendantNodes().OfType<MethodDeclarationSyntax>().ToDictionary(m => m.Identifier.Text);
        var w = new CodeWriter();
        FileHeader.Open(w, spec, "System", "System.Numerics", "ILGPU", "ILGPU.Runtime", "global::SeqDsl.Engine");
        using (FileHeader.OpenContainingTypes(w, spec))
        using (w.Block("partial class " + spec.ClassName))
        {
            w.Summary("The kernels of " + spec.ClassName + " as plain C# for ILGPU's CPU accelerator (KernelSchedule.HostCode), translated from\n" +
                      "Kernels: views read host memory directly, local arrays live on the stack, each grid-stride loop runs over\n" +
                      "worker/workers (one .NET thread per core), and loops over contiguous columns run a Vector<float> at a time,\n" +
                      "the remaining columns one by one.");
            using (w.Block("private static class " + ClassName))
            {
                bool first = true;
                foreach (var name in methods)
                {
                    if (!declared.TryGetValue(name, out var method))
                    {
                        throw new InvalidOperationException("SeqDsl generator: kernel " + name + " is not in " + kernels.HintName + ".");
                    }

                    if (!first)
                    {
                        w.Line();
                    }

                    first = false;
                    var parameters = method.ParameterList.Parameters.Select(p => (Type: p.Type!.ToString(), Name: p.Identifier.Text)).ToList();
                    EmitLauncher(w, name, parameters);
                    w.Line();
                    w.Lines(Translate(method).TrimEnd());
                }
            }
        }

        return new GeneratedFile(spec.FullName.Replace('.', '_') + ".HostKernels.g.cs", w.ToString());
    }

    private static void EmitLauncher(CodeWriter w, string name, List<(string Type, string Name)> parameters)
    {
        string signature = string.Join(", ", parameters.Select(p => p.Type + " " + p.Name));
        string arguments = string.Join(", ", parameters.Select(p => p.Type.StartsWith("ArrayView<", StringComparison.Ordinal) ? "HostView.Of(" + p.Name + ")" : p.Name));
        w.Line("public static void Launch" + name + "(KernelConfig config, " + signature + ") =>");
        w.Line("    HostLauncher.Run(config, (worker, workers) => " + name + "(worker, workers, " + arguments + "));");
    }

    /// <summary>The kernel's text with its ILGPU constructs replaced, at its original indentation.</summary>
    private static string Translate(MethodDeclarationSyntax method)
    {
        method = MultiplyAdds.Separate(method);
        var edits = new List<(TextSpan Span, string Text)>();
        var floatViews = new HashSet<string>();
        var arguments = new HashSet<string>();
        var parameters = new List<string> { "int worker", "int workers" };
        foreach (var p in method.ParameterList.Parameters)
        {
            string type = p.Type!.ToString();
            if (type.StartsWith("ArrayView<", StringComparison.Ordinal))
            {
                arguments.Add(p.Identifier.Text);
                if (type == "ArrayView<float>")
                {
                    floatViews.Add(p.Identifier.Text);
                }

                type = "HostView<" + type.Substring("ArrayView<".Length);
            }

            parameters.Add(type + " " + p.Identifier.Text);
        }

        edits.Add((method.ParameterList.Span, "(" + string.Join(", ", parameters) + ")"));
        var constants = IntegerConstants.Of(method);
        foreach (var node in method.Body!.DescendantNodes())
        {
            if (node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name: GenericNameSyntax allocate } access } invocation
                && access.Expression.ToString() == "LocalMemory" && allocate.Identifier.Text == "Allocate")
            {
                string element = allocate.TypeArgumentList.Arguments[0].ToString();
                if (invocation.Parent?.Parent?.Parent is VariableDeclarationSyntax { Parent: LocalDeclarationStatementSyntax { Parent: BlockSyntax block } } declaration
                    && block.Parent == method)
                {
                    if (element == "float")
                    {
                        floatViews.Add(declaration.Variables[0].Identifier.Text);
                    }
                }
                else
                {
                    // Stack memory allocated in a loop would grow with every iteration.
                    throw new InvalidOperationException("SeqDsl generator: " + method.Identifier.Text + " allocates local memory outside its top-level block.");
                }

                // Stack memory unless the array is large (a thread-pool thread's stack is about 1.5 MB): then one heap
                // array per call, which the view's reference keeps alive.
                var size = invocation.ArgumentList.Arguments[0].Expression;
                bool small = IntegerConstants.Evaluate(size, constants) is { } elements && elements <= MaxStackElements;
                edits.Add((invocation.Span, "new HostView<" + element + ">(" + (small ? "stackalloc " : "new ") + element + "[" + size + "])"));
            }
        }

        foreach (var node in method.Body.DescendantNodes())
        {
            string text = node.ToString();
            if (node is MemberAccessExpressionSyntax && text == "Grid.GlobalIndex.X")
            {
                edits.Add((node.Span, "worker"));
            }
            else if (node is BinaryExpressionSyntax && text == "Grid.Dimension.X * Group.Dimension.X")
            {
                edits.Add((node.Span, "workers"));
            }
            else if (node is IdentifierNameSyntax { Identifier.Text: "Grid" or "Group" or "Warp" or "SharedMemory" or "Atomic" } id
                     && !edits.Any(e => e.Span.Contains(id.Span)))
            {
                throw new InvalidOperationException("SeqDsl generator: " + method.Identifier.Text + " uses " + id.Parent + ", which has no host-code translation.");
            }
        }

        var vectorizer = new LoopVectorizer(floatViews, arguments, constants);
        var names = new HashSet<string>(method.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).Select(t => t.ValueText));
        var interchange = new LoopInterchange(floatViews, arguments, constants, names);
        string methodText = method.ToFullString();
        int origin = method.FullSpan.Start;
        foreach (var loop in method.Body.DescendantNodes().OfType<ForStatementSyntax>())
        {
            if (edits.Any(e => e.Span.IntersectsWith(loop.Span)))
            {
                continue; // an enclosing loop was vectorized, or this is the grid-stride loop (its body is visited below)
            }

            string indent = IndentOf(methodText, loop.SpanStart - origin);
            string? vectorized = PaddedLoop.Unpad(loop, constants) is { } unpadded
                ? vectorizer.TryVectorize(unpadded, indent)
                : interchange.TryInterchange(loop, indent) ?? vectorizer.TryVectorize(loop, indent);
            if (vectorized is not null)
            {
                // A comment at the end of the loop's line moves to the line that opens its replacement.
                var comment = loop.GetTrailingTrivia().TakeWhile(t => !t.IsKind(SyntaxKind.EndOfLineTrivia)).FirstOrDefault(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia));
                edits.Add(comment.IsKind(SyntaxKind.SingleLineCommentTrivia)
                    ? (TextSpan.FromBounds(loop.Span.Start, comment.Span.End), "{ " + comment + vectorized.Substring(1))
                    : (loop.Span, vectorized));
            }
        }

        var result = new StringBuilder(methodText);
        foreach (var (span, text) in edits.OrderByDescending(e => e.Span.Start))
        {
            result.Remove(span.Start - origin, span.Length).Insert(span.Start - origin, text);
        }

        // The kernel text keeps its indentation inside Kernels; CodeWriter.Lines adds the class's again.
        return Unindent(result.ToString().Trim('\n', '\r'), IndentOf(methodText, method.SpanStart - origin).Length);
    }

    private static string IndentOf(string text, int position)
    {
        int lineStart = text.LastIndexOf('\n', Math.Max(0, position - 1)) + 1;
        return text.Substring(lineStart, position - lineStart);
    }

    private static string Unindent(string text, int columns)
    {
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int strip = 0;
            while (strip < columns && strip < lines[i].Length && lines[i][strip] == ' ')
            {
                strip++;
            }

            lines[i] = lines[i].Substring(strip);
        }

        return string.Join("\n", lines);
    }
}
