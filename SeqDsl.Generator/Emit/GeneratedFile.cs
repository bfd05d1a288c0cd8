namespace SeqDsl.Generator.Emit;

/// <summary>One generated source: its hint name and its text.</summary>
internal sealed record GeneratedFile(string HintName, string Text);
