using System;
using System.Text;

namespace SeqDsl.Generator.Emit;

/// <summary>
/// Writes indented C#. Lines end with '\n' on every platform so the generated text is the same bytes everywhere.
/// </summary>
internal sealed class CodeWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder builder = new();
    private int depth;

    public CodeWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            for (int i = 0; i < depth; i++)
            {
                builder.Append(IndentUnit);
            }

            builder.Append(text);
        }

        builder.Append('\n');
        return this;
    }

    /// <summary>Writes each line of a multi-line string at the current indentation.</summary>
    public CodeWriter Lines(string text)
    {
        foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
        {
            Line(line);
        }

        return this;
    }

    /// <summary>Writes <paramref name="header"/>, an opening brace, and indents until the returned scope is disposed.</summary>
    public Scope Block(string header)
    {
        Line(header);
        return Braces();
    }

    /// <summary>Writes one block per header, each inside the one before; the returned scope closes them all.</summary>
    public Scope Blocks(params string[] headers)
    {
        foreach (var header in headers)
        {
            Line(header);
            Line("{");
            depth++;
        }

        return new Scope(this, headers.Length);
    }

    /// <summary>Opens a block with no header: a scope of its own for the locals written in it.</summary>
    public Scope Braces()
    {
        Line("{");
        depth++;
        return new Scope(this);
    }

    /// <summary>Writes an XML doc summary.</summary>
    public CodeWriter Summary(string text)
    {
        Line("/// <summary>");
        foreach (var line in text.Split('\n'))
        {
            Line("/// " + Escape(line));
        }

        Line("/// </summary>");
        return this;
    }

    /// <summary>
    /// Writes an XML doc summary whose text is already XML: its tags (<c>&lt;paramref name="x"/&gt;</c>) are kept, so
    /// any plain text spliced into it goes through <see cref="Escape"/> first.
    /// </summary>
    public CodeWriter SummaryMarkup(string markup)
    {
        Line("/// <summary>");
        foreach (var line in markup.Split('\n'))
        {
            Line("/// " + line);
        }

        Line("/// </summary>");
        return this;
    }

    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    public override string ToString() => builder.ToString();

    internal readonly struct Scope : IDisposable
    {
        private readonly CodeWriter writer;
        private readonly int blocks;

        /// <param name="blocks">How many nested blocks the scope closes.</param>
        public Scope(CodeWriter writer, int blocks = 1)
        {
            this.writer = writer;
            this.blocks = blocks;
        }

        public void Dispose()
        {
            for (int i = 0; i < blocks; i++)
            {
                writer.depth--;
                writer.Line("}");
            }
        }
    }
}
