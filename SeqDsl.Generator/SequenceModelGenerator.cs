using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using SeqDsl.Generator.Emit;
using SeqDsl.Generator.Reading;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Generator;

/// <summary>
/// Finds every class marked <c>[SequenceModel]</c>, reads it into an equatable <c>ModelSpec</c>, infers its
/// shapes, and writes the model's partial class, kernels and program. Reports no diagnostics: that is the
/// analyzers' job, from the same shared rules.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SequenceModelGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var specs = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.SequenceModel,
                // Records too, so that the stub reports them even in builds without the analyzers.
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (ctx, ct) => ModelSpecReader.Read((INamedTypeSymbol)ctx.TargetSymbol, ct))
            .WithTrackingName(TrackingNames.ModelSpec);

        var plans = specs
            .Select(static (spec, _) => ShapeInference.Infer(spec))
            .WithTrackingName(TrackingNames.ModelPlan);

        context.RegisterSourceOutput(plans, static (output, plan) =>
        {
            foreach (var file in ModelEmitter.Emit(plan))
            {
                output.AddSource(file.HintName, SourceText.From(file.Text, System.Text.Encoding.UTF8));
            }
        });
    }
}

/// <summary>Names of the pipeline steps, for incrementality tests.</summary>
internal static class TrackingNames
{
    public const string ModelSpec = nameof(ModelSpec);
    public const string ModelPlan = nameof(ModelPlan);
}
