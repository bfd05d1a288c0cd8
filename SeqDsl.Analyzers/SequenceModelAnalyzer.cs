using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using SeqDsl.Generator.Model;
using SeqDsl.Generator.Reading;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Analyzers;

/// <summary>
/// Reports the shared checker's findings for every <c>[SequenceModel]</c> class, at the layer or argument they
/// are about. The generator runs the same reader and checker, so what the IDE underlines is exactly what
/// the generator refuses (it emits a throwing stub instead).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SequenceModelAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property naming the attribute argument a finding is about (absent when it is about the whole layer).</summary>
    public const string ArgumentProperty = "Argument";

    /// <summary>Diagnostic property with the 0-based index of the layer attribute a finding is about.</summary>
    public const string LayerIndexProperty = "LayerIndex";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.All);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // No SeqDsl reference, nothing to check: no per-type work at all.
            var modelAttribute = start.Compilation.GetTypeByMetadataName(AttributeNames.SequenceModel);
            if (modelAttribute is null)
            {
                return;
            }

            var layerAttributes = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
            foreach (var name in AttributeNames.Layers.Keys)
            {
                if (start.Compilation.GetTypeByMetadataName(name) is { } layer)
                {
                    layerAttributes.Add(layer);
                }
            }

            start.RegisterSymbolAction(c => AnalyzeType(c, modelAttribute, layerAttributes), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, INamedTypeSymbol modelAttribute, HashSet<INamedTypeSymbol> layerAttributes)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        bool isModel = false;
        AttributeData? firstLayer = null;
        foreach (var attribute in type.GetAttributes())
        {
            var attributeClass = attribute.AttributeClass;
            if (attributeClass is null)
            {
                continue;
            }

            if (SymbolEqualityComparer.Default.Equals(attributeClass, modelAttribute))
            {
                isModel = true;
                break;
            }

            if (firstLayer is null && layerAttributes.Contains(attributeClass))
            {
                firstLayer = attribute;
            }
        }

        if (!isModel)
        {
            if (firstLayer?.ApplicationSyntaxReference is { } layerSyntax)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.LayerWithoutModel,
                    Location.Create(layerSyntax.SyntaxTree, layerSyntax.Span),
                    $"'{type.Name}' declares layers but has no [SequenceModel] attribute, so no model is generated for it; add [SequenceModel(InputFeatures = …)]"));
            }

            return;
        }

        var spec = ModelSpecReader.Read(type, context.CancellationToken);
        var plan = ShapeInference.Infer(spec);
        if (plan.Findings.Count == 0)
        {
            return;
        }

        var trees = new LocationMapper(type, context.Compilation);
        foreach (var finding in plan.Findings)
        {
            var descriptor = DiagnosticDescriptors.ForId(finding.Id);
            if (descriptor is null)
            {
                continue;
            }

            var properties = ImmutableDictionary.CreateBuilder<string, string?>();
            if (finding.Argument is not null)
            {
                properties[ArgumentProperty] = finding.Argument;
            }

            if (finding.LayerIndex >= 0)
            {
                properties[LayerIndexProperty] = finding.LayerIndex.ToString(CultureInfo.InvariantCulture);
            }

            context.ReportDiagnostic(Diagnostic.Create(descriptor, trees.Map(finding.Location), properties.ToImmutable(), finding.Message));
        }
    }

    /// <summary>
    /// Turns the checker's plain <see cref="SourceSpan"/>s back into locations in the compilation's syntax trees:
    /// a location in a tree (not just a file path) is what the IDE underlines and what a code fix can act on.
    /// </summary>
    private sealed class LocationMapper
    {
        private readonly INamedTypeSymbol type;
        private readonly Compilation compilation;

        public LocationMapper(INamedTypeSymbol type, Compilation compilation)
        {
            this.type = type;
            this.compilation = compilation;
        }

        public Location Map(SourceSpan? span)
        {
            if (span is not null)
            {
                var tree = FindTree(span.FilePath);
                if (tree is not null && span.Start >= 0 && span.Start + span.Length <= tree.Length)
                {
                    return Location.Create(tree, new TextSpan(span.Start, span.Length));
                }
            }

            // The class name is always a sensible place for a finding without a usable span.
            return type.Locations.Length > 0 ? type.Locations[0] : Location.None;
        }

        private SyntaxTree? FindTree(string path)
        {
            // The model's own declarations hold its attributes; look there before scanning the compilation.
            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.SyntaxTree.FilePath == path)
                {
                    return reference.SyntaxTree;
                }
            }

            foreach (var tree in compilation.SyntaxTrees)
            {
                if (tree.FilePath == path)
                {
                    return tree;
                }
            }

            return null;
        }
    }
}
