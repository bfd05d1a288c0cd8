using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Shapes;

internal enum FindingSeverity
{
    Error,
    Warning,
    Info,
}

/// <summary>
/// Something wrong (or worth saying) about a model, found by the shared checker. The analyzers turn each
/// finding into a diagnostic with the same ID; the generator emits a stub when any finding is an error.
/// </summary>
internal sealed record Finding(string Id, FindingSeverity Severity, string Message, SourceSpan? Location, int LayerIndex = -1, string? Argument = null);
