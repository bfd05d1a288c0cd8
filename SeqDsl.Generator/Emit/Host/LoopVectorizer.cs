using System.Collections.Generic;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SeqDsl.Generator.Emit.Host;

/// <summary>
/// Turns an innermost kernel loop over contiguous columns, such as
/// <c>for (int g = 0; g &lt; GateWidth; g++) z[g] += hk * parameters[RecurrentKernel + k * GateWidth + g];</c>,
/// into a loop over whole <c>Vector&lt;float&gt;</c>s followed by the original loop for the remaining columns.
/// The .NET JIT does not vectorize loops itself; this is what PoCL's compiler does to the same kernels.
/// </summary>
/// <remarks>
/// <para>
/// A loop qualifies when every lane computes what the scalar loop computes for its column, in the same order:
/// its body assigns float view elements indexed "something + the loop variable" (unit stride) or declares float
/// locals (one vector each) and index locals that are themselves "something + the loop variable" (kept scalar: the
/// first lane's value); its expressions are +, −, ×, ÷, parentheses, the activations of <c>Activations</c>,
/// <c>MathF.Sqrt</c> and <c>KernelMath.FlushTiny</c>, conditionals on loop-invariant conditions, and conditionals on comparisons of loaded values
/// (blended lane by lane); everything else it reads is loop-invariant and broadcast. Reductions into a scalar, loops that read a written view at another index, and loops that write one
/// kernel argument while reading another (two arguments can be one buffer) stay scalar.
/// </para>
/// <para>
/// Nothing is reassociated: each lane accumulates in the scalar loop's order, so results differ from the scalar
/// kernel only where the vector exponential differs from <c>MathF.Exp</c> in the last bits.
/// </para>
/// </remarks>
internal sealed class LoopVectorizer
{
    private readonly ISet<string> floatViews;
    private readonly ISet<string> arguments;
    private readonly IReadOnlyDictionary<string, long> constants;

    /// <param name="floatViews">Names of the kernel's float views: its float arguments and its local arrays.</param>
    /// <param name="arguments">Names of the kernel's view arguments (buffers that may be one and the same).</param>
    /// <param name="constants">The kernel's integer constants, to tell how far apart two indices are.</param>
    public LoopVectorizer(ISet<string> floatViews, ISet<string> arguments, IReadOnlyDictionary<string, long> constants)
    {
        this.floatViews = floatViews;
        this.arguments = arguments;
        this.constants = constants;
    }

    /// <summary>
    /// The vectorized replacement of <paramref name="loop"/>, its lines after the first indented by
    /// <paramref name="indent"/>, or null when the loop does not qualify.
    /// </summary>
    public string? TryVectorize(ForStatementSyntax loop, string indent)
    {
        var header = LoopHeader.Read(loop);
        if (header is null)
        {
            return null;
        }

        var analysis = new VectorLoopBody(header.Variable, floatViews, arguments, constants);
        var statements = loop.Statement is BlockSyntax block ? block.Statements.ToList() : new List<StatementSyntax> { loop.Statement };
        var vectorLines = new List<string>();
        foreach (var statement in statements)
        {
            string? line = analysis.Translate(statement);
            if (line is null)
            {
                return null;
            }

            vectorLines.Add(line);
        }

        if (!analysis.IndependentLanes())
        {
            return null;
        }

        const string Step = VectorLoopBody.VectorType + ".Count";
        string v = header.Variable;
        var text = new StringBuilder();
        text.Append("{\n");
        text.Append(indent).Append("    int ").Append(v).Append(" = ").Append(header.Start).Append(";\n");
        string vectorHeader = "for (; " + v + " <= " + header.End + " - " + Step + "; " + v + " += " + Step + ")";
        if (vectorLines.Count == 1 && loop.Statement is not BlockSyntax)
        {
            text.Append(indent).Append("    ").Append(vectorHeader).Append(' ').Append(vectorLines[0]).Append('\n');
        }
        else
        {
            text.Append(indent).Append("    ").Append(vectorHeader).Append('\n');
            text.Append(indent).Append("    {\n");
            foreach (var line in vectorLines)
            {
                text.Append(indent).Append("        ").Append(line).Append('\n');
            }

            text.Append(indent).Append("    }\n");
        }

        // The remaining columns, one at a time: the original body.
        string body = Reindent(loop.Statement.ToString(), "    ");
        text.Append(indent).Append("    for (; ").Append(v).Append(" < ").Append(header.End).Append("; ").Append(v).Append("++)");
        text.Append(loop.Statement is BlockSyntax ? "\n" + indent + "    " : " ").Append(body).Append('\n');
        text.Append(indent).Append('}');
        return text.ToString();
    }

    private static string Reindent(string text, string extra) => text.Replace("\n", "\n" + extra);
}
