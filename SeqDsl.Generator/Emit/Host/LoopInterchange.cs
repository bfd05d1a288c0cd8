using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SeqDsl.Generator.Emit.Host;

/// <summary>
/// Turns the kernels' multiply-add nests, such as
/// <c>for (int k = 0; k &lt; Units; k++) { float hk = h[k]; for (int g = 0; g &lt; GateWidth; g++) z[g] += hk * w[k * GateWidth + g]; }</c>,
/// inside out for host code: for each whole vector of columns g, one <c>Vector&lt;float&gt;</c> accumulates over every k
/// in a register and is stored once, instead of loading and storing <c>z</c> for every k (the .NET JIT keeps no
/// stack array in registers). The remaining columns run the original nest one column at a time.
/// </summary>
/// <remarks>
/// Every element still adds its terms in the original order (k ascending), so results equal the scalar nest's. A nest
/// qualifies when the outer body is index or scalar declarations followed by the inner loop, the inner loop adds to
/// one float view at a unit-stride index that does not depend on the outer loop, nothing else in the nest reads that
/// view, and (when it is a kernel argument) no other kernel argument is read.
/// </remarks>
internal sealed class LoopInterchange
{
    /// <summary>The most vectors of columns accumulated side by side, so that consecutive adds do not wait on each other (an add takes about 4 cycles, and two can start per cycle). </summary>
    private const int Accumulators = 4;

    private readonly ISet<string> floatViews;
    private readonly ISet<string> arguments;
    private readonly IReadOnlyDictionary<string, long> constants;
    private readonly ISet<string> names;

    /// <param name="names">Every identifier of the kernel, so the accumulator gets a fresh name.</param>
    public LoopInterchange(ISet<string> floatViews, ISet<string> arguments, IReadOnlyDictionary<string, long> constants, ISet<string> names)
    {
        this.floatViews = floatViews;
        this.arguments = arguments;
        this.constants = constants;
        this.names = names;
    }

    /// <summary>The interchanged nest, its lines after the first indented by <paramref name="indent"/>, or null.</summary>
    public string? TryInterchange(ForStatementSyntax outer, string indent)
    {
        var outerHeader = LoopHeader.Read(outer);
        if (outerHeader is null)
        {
            return null;
        }

        var statements = outer.Statement is BlockSyntax block ? block.Statements.ToList() : new List<StatementSyntax> { outer.Statement };
        if (statements.Count == 0 || statements[statements.Count - 1] is not ForStatementSyntax inner)
        {
            return null;
        }

        var declarations = statements.Take(statements.Count - 1).ToList();
        var outerNames = new HashSet<string> { outerHeader.Variable };
        foreach (var statement in declarations)
        {
            if (statement is not LocalDeclarationStatementSyntax { Declaration.Variables.Count: 1 } local || local.IsConst
                || local.Declaration.Variables[0].Initializer is null)
            {
                return null;
            }

            outerNames.Add(local.Declaration.Variables[0].Identifier.Text);
        }

        var innerHeader = LoopHeader.Read(inner);
        var innerStatement = inner.Statement is BlockSyntax { Statements.Count: 1 } single ? single.Statements[0] : inner.Statement;
        if (innerHeader is null || inner.Statement is BlockSyntax { Statements.Count: not 1 }
            || innerStatement is not ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax assignment }
            || assignment.Kind() is not (SyntaxKind.AddAssignmentExpression or SyntaxKind.SubtractAssignmentExpression)
            || assignment.Left is not ElementAccessExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.Text: var view }, ArgumentList.Arguments.Count: 1 } target
            || !floatViews.Contains(view))
        {
            return null;
        }

        // The accumulated element must be the same for every outer iteration, and so must the inner loop's range.
        var index = target.ArgumentList.Arguments[0].Expression;
        if (outerNames.Any(n => LoopHeader.Mentions(index, n) || LoopHeader.Mentions(inner.Condition!, n) || LoopHeader.Mentions(inner.Declaration!, n))
            || declarations.Any(d => LoopHeader.Mentions(d, view) || LoopHeader.Mentions(d, innerHeader.Variable)
                                     || (arguments.Contains(view) && arguments.Any(a => LoopHeader.Mentions(d, a)))))
        {
            return null;
        }

        var body = new VectorLoopBody(innerHeader.Variable, floatViews, arguments, constants);
        string? term = body.IsUnitStrideIndex(index) ? body.VectorOf(assignment.Right) : null;
        if (term is null || body.ReadsOrMayAlias(view))
        {
            return null;
        }

        // Several accumulators side by side: one alone would wait on its own previous add at every outer iteration.
        string g = innerHeader.Variable;
        var lanes = new List<(string Variable, string Accumulator, string Index, string Term)> { (g, FreshName(view + "Columns"), index.ToString(), term) };
        for (int extra = 1; extra < Accumulators; extra++)
        {
            string number = extra.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string variable = FreshName(g + number);
            var shifted = new VectorLoopBody(variable, floatViews, arguments, constants);
            string? shiftedTerm = shifted.VectorOf(Renamed(assignment.Right, g, variable));
            if (shiftedTerm is null)
            {
                return null;
            }

            lanes.Add((variable, FreshName(view + "Columns" + number), Renamed(index, g, variable).ToString(), shiftedTerm));
        }

        string op = assignment.OperatorToken.Text;
        string outerFor = "for (int " + outerHeader.Variable + " = " + outerHeader.Start + "; " + outerHeader.Variable + " < " + outerHeader.End + "; " + outerHeader.Variable + "++)";
        string step = VectorLoopBody.VectorType + ".Count";
        var text = new StringBuilder();
        void Line(int depth, string line) => text.Append(indent).Append(' ', depth * 4).Append(line).Append('\n');
        text.Append("{\n");
        Line(1, "int " + g + " = " + innerHeader.Start + ";");
        // 4 accumulators, then 1, cover the whole vectors (a tier of 2 measured no faster); the original nest, the columns left over.
        foreach (int tier in new[] { Accumulators, 1 })
        {
            var used = lanes.Take(tier).ToList();
            string width = tier == 1 ? step : tier + " * " + step;
            Line(1, "for (; " + g + " <= " + innerHeader.End + " - " + width + "; " + g + " += " + width + ")");
            Line(1, "{");
            for (int extra = 1; extra < used.Count; extra++)
            {
                Line(2, "int " + used[extra].Variable + " = " + used[extra - 1].Variable + " + " + step + ";");
            }

            foreach (var lane in used)
            {
                Line(2, VectorLoopBody.VectorType + " " + lane.Accumulator + " = " + view + ".Load(" + lane.Index + ");");
            }

            WriteNest(Line, 2, outerFor, declarations, used.Select(l => l.Accumulator + " " + op + " " + l.Term + ";").ToList());
            foreach (var lane in used)
            {
                Line(2, view + ".Store(" + lane.Index + ", " + lane.Accumulator + ");");
            }

            Line(1, "}");
        }

        Line(1, "for (; " + g + " < " + innerHeader.End + "; " + g + "++)");
        Line(1, "{");
        WriteNest(Line, 2, outerFor, declarations, new List<string> { innerStatement.ToString() });
        Line(1, "}");
        text.Append(indent).Append('}');
        return text.ToString();
    }

    /// <summary><paramref name="e"/> with every use of <paramref name="from"/> renamed <paramref name="to"/>.</summary>
    private static ExpressionSyntax Renamed(ExpressionSyntax e, string from, string to) =>
        e.ReplaceNodes(e.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Where(id => id.Identifier.Text == from),
            (original, _) => SyntaxFactory.IdentifierName(to).WithTriviaFrom(original));

    private static void WriteNest(System.Action<int, string> line, int depth, string outerFor, List<StatementSyntax> declarations, List<string> statements)
    {
        if (declarations.Count == 0 && statements.Count == 1)
        {
            line(depth, outerFor + " " + statements[0]);
            return;
        }

        line(depth, outerFor);
        line(depth, "{");
        foreach (var declaration in declarations)
        {
            line(depth + 1, declaration.ToString());
        }

        foreach (var statement in statements)
        {
            line(depth + 1, statement);
        }

        line(depth, "}");
    }

    private string FreshName(string name)
    {
        string candidate = name;
        for (int i = 2; names.Contains(candidate); i++)
        {
            candidate = name + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return candidate;
    }
}
