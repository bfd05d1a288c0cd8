using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SeqDsl.Analyzers.CodeFixes;

/// <summary>A fix that replaces the enum value of the attribute argument a diagnostic points at with one fixed member.</summary>
public abstract class EnumArgumentCodeFix : AttributeCodeFix<AttributeArgumentSyntax>
{
    private readonly string enumType;
    private readonly string member;

    /// <summary>Creates the fix that writes <c><paramref name="enumType"/>.<paramref name="member"/></c>.</summary>
    /// <param name="diagnosticId">The SEQ diagnostic this fix repairs.</param>
    /// <param name="enumType">The enum's full name, e.g. <c>SeqDsl.Padding</c>.</param>
    /// <param name="member">The member to write, e.g. <c>Causal</c>.</param>
    /// <param name="equivalenceKey">Groups the fix's instances for Fix All.</param>
    protected EnumArgumentCodeFix(string diagnosticId, string enumType, string member, string equivalenceKey)
        : base(diagnosticId, "Use " + enumType.Substring(enumType.LastIndexOf('.') + 1) + "." + member, equivalenceKey)
    {
        this.enumType = enumType;
        this.member = member;
    }

    /// <inheritdoc />
    protected sealed override Task<Document> FixAsync(Document document, AttributeArgumentSyntax argument, CancellationToken cancellationToken)
    {
        var replacement = AttributeEdits.EnumMember(argument.Expression, enumType, member);
        return AttributeEdits.ReplaceAsync(document, argument, argument.WithExpression(replacement), cancellationToken);
    }
}
