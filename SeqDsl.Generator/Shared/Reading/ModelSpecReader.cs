using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SeqDsl.Generator.Model;

namespace SeqDsl.Generator.Reading;

/// <summary>
/// Turns a class carrying <c>[SequenceModel]</c> into a <see cref="ModelSpec"/>. Used by the generator's
/// pipeline and by the analyzers, so both see the same model. Never throws on half-typed code: missing
/// or erroneous arguments keep their defaults and are left for the shape checker to report.
/// </summary>
internal static class ModelSpecReader
{
    public static ModelSpec Read(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        AttributeData? modelAttribute = null;
        var layers = new List<LayerSpec>();
        var layerDeclarations = new HashSet<SyntaxNode>();

        foreach (var attribute in type.GetAttributes())
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? name = attribute.AttributeClass?.ToDisplayString();
            if (name is null)
            {
                continue;
            }

            if (name == AttributeNames.SequenceModel)
            {
                modelAttribute ??= attribute;
                continue;
            }

            if (!AttributeNames.Layers.TryGetValue(name, out var kind))
            {
                continue;
            }

            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken);
            var declaration = syntax?.FirstAncestorOrSelf<TypeDeclarationSyntax>();
            if (declaration is not null)
            {
                layerDeclarations.Add(declaration);
            }

            layers.Add(ReadLayer(kind, layers.Count, attribute, syntax as AttributeSyntax));
        }

        var modelSyntax = modelAttribute?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        var values = new AttributeValues(modelAttribute, modelSyntax);
        bool isPartial = IsDeclaredPartial(type, cancellationToken);
        string nonPartialContainer = "";
        for (var container = type.ContainingType; container is not null; container = container.ContainingType)
        {
            if (!IsDeclaredPartial(container, cancellationToken))
            {
                nonPartialContainer = container.Name;
                break;
            }
        }

        return new ModelSpec
        {
            Namespace = type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : "",
            ClassName = type.Name,
            Accessibility = AccessibilityKeyword(type.DeclaredAccessibility),
            ContainingTypes = ContainingTypeDeclarations(type).ToEquatableArray(),
            IsPartial = isPartial,
            NonPartialContainingType = nonPartialContainer,
            IsGeneric = type.IsGenericType,
            IsStatic = type.IsStatic,
            IsRecord = type.IsRecord,
            IsNestedInGeneric = IsNestedInGenericType(type),
            LayerDeclarationCount = layerDeclarations.Count,
            InputFeatures = values.Int("InputFeatures", 0),
            InputSteps = values.Int("InputSteps", 0),
            BatchSize = values.Int("BatchSize", 0),
            Loss = values.Int("Loss", 0),
            Optimizer = values.Int("Optimizer", 0),
            LearningRate = values.Double("LearningRate", 0.001),
            Layers = layers.ToEquatableArray(),
            Location = SourceSpan.From(modelSyntax?.GetLocation()),
            ClassLocation = SourceSpan.From(type.Locations.FirstOrDefault()),
            Arguments = values.Spans,
        };
    }

    private static LayerSpec ReadLayer(LayerKind kind, int index, AttributeData attribute, AttributeSyntax? syntax)
    {
        var v = new AttributeValues(attribute, syntax);
        var spec = new LayerSpec
        {
            Kind = kind,
            Index = index,
            Location = SourceSpan.From(syntax?.GetLocation()),
            Arguments = v.Spans,
            Activation = v.Int("Activation", 0),
            UseBias = v.Bool("UseBias", true),
        };

        switch (kind)
        {
            case LayerKind.Recurrent:
            case LayerKind.Bidirectional:
                return spec with
                {
                    Cell = v.Int("cell", 0),
                    Units = v.Int("units", 0),
                    ReturnSequences = v.Bool("ReturnSequences", false),
                    RecurrentActivation = v.Int("RecurrentActivation", 0),
                    Dropout = v.Double("Dropout", 0),
                    RecurrentDropout = v.Double("RecurrentDropout", 0),
                    Stateful = v.Bool("Stateful", false),
                    Peepholes = v.Bool("Peepholes", false),
                    LayerNorm = v.Bool("LayerNorm", false),
                    ResetAfter = v.Bool("ResetAfter", true),
                    UnitForgetBias = v.Bool("UnitForgetBias", true),
                    GoBackwards = v.Bool("GoBackwards", false),
                    ReturnState = v.Bool("ReturnState", false),
                    MergeMode = v.Int("MergeMode", 0),
                };
            case LayerKind.Dense:
                return spec with { Units = v.Int("units", 0) };
            case LayerKind.TimeDistributed:
                return spec with { Units = v.Int("Dense", 0) };
            case LayerKind.RepeatVector:
                return spec with { Units = v.Int("n", 0) };
            case LayerKind.Embedding:
                return spec with { InputDim = v.Int("inputDim", 0), Units = v.Int("outputDim", 0) };
            case LayerKind.Dropout:
                return spec with { Dropout = v.Double("rate", 0) };
            case LayerKind.BatchNormalization:
                return spec with { Momentum = v.Double("Momentum", 0.99), Epsilon = v.Double("Epsilon", 0.001) };
            case LayerKind.LayerNormalization:
                return spec with { Epsilon = v.Double("Epsilon", 0.001) };
            case LayerKind.Conv1D:
                return spec with
                {
                    Units = v.Int("filters", 0),
                    KernelSize = v.Int("kernelSize", 0),
                    Dilation = v.Int("dilation", 1),
                    Padding = v.Int("padding", 0),
                    Strides = v.Int("Strides", 1),
                };
            case LayerKind.WaveNet:
                return spec with
                {
                    Units = v.Int("filters", 0),
                    LayersPerBlock = v.Int("LayersPerBlock", 4),
                    Blocks = v.Int("Blocks", 2),
                    KernelSize = v.Int("KernelSize", 2),
                    Gated = v.Bool("Gated", false),
                    Outputs = v.Int("Outputs", 0),
                };
            case LayerKind.MaxPooling1D:
            case LayerKind.AveragePooling1D:
                int pool = v.Int("poolSize", 2);
                int strides = v.Int("Strides", 0);
                return spec with { Units = pool, KernelSize = pool, Strides = strides == 0 ? pool : strides, Padding = v.Int("Padding", 0) };
            default:
                return spec;
        }
    }

    private static bool IsDeclaredPartial(INamedTypeSymbol type, CancellationToken cancellationToken) =>
        type.DeclaringSyntaxReferences.Length > 0 && type.DeclaringSyntaxReferences.All(r =>
            r.GetSyntax(cancellationToken) is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.PartialKeyword));

    private static string AccessibilityKeyword(Accessibility accessibility) => accessibility switch
    {
        Microsoft.CodeAnalysis.Accessibility.Public => "public",
        Microsoft.CodeAnalysis.Accessibility.Private => "private",
        Microsoft.CodeAnalysis.Accessibility.Protected => "protected",
        Microsoft.CodeAnalysis.Accessibility.ProtectedOrInternal => "protected internal",
        Microsoft.CodeAnalysis.Accessibility.ProtectedAndInternal => "private protected",
        _ => "internal",
    };

    private static IEnumerable<string> ContainingTypeDeclarations(INamedTypeSymbol type)
    {
        var chain = new List<string>();
        for (var t = type.ContainingType; t is not null; t = t.ContainingType)
        {
            string keyword = t.IsRecord ? (t.IsValueType ? "record struct" : "record") : t.TypeKind == TypeKind.Struct ? "struct" : t.TypeKind == TypeKind.Interface ? "interface" : "class";
            chain.Insert(0, "partial " + keyword + " " + t.Name);
        }

        return chain;
    }

    private static bool IsNestedInGenericType(INamedTypeSymbol type)
    {
        for (var t = type.ContainingType; t is not null; t = t.ContainingType)
        {
            if (t.IsGenericType)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The values of one attribute application, looked up by constructor parameter name or property name,
    /// with the source span of each argument that was written.
    /// </summary>
    private readonly struct AttributeValues
    {
        private readonly Dictionary<string, TypedConstant> values;

        public AttributeValues(AttributeData? attribute, AttributeSyntax? syntax)
        {
            values = new Dictionary<string, TypedConstant>(StringComparer.Ordinal);
            var spans = new List<ArgumentSpan>();
            if (attribute is not null)
            {
                var parameters = attribute.AttributeConstructor?.Parameters ?? ImmutableParameterList.Empty;
                for (int i = 0; i < attribute.ConstructorArguments.Length && i < parameters.Length; i++)
                {
                    values[parameters[i].Name] = attribute.ConstructorArguments[i];
                }

                foreach (var named in attribute.NamedArguments)
                {
                    values[named.Key] = named.Value;
                }

                if (syntax?.ArgumentList is { } list)
                {
                    int positional = 0;
                    foreach (var argument in list.Arguments)
                    {
                        string? name = argument.NameEquals?.Name.Identifier.ValueText
                            ?? argument.NameColon?.Name.Identifier.ValueText
                            ?? (positional < parameters.Length ? parameters[positional].Name : null);
                        if (argument.NameEquals is null)
                        {
                            positional++;
                        }

                        var span = SourceSpan.From(argument.GetLocation());
                        if (name is not null && span is not null)
                        {
                            spans.Add(new ArgumentSpan(name, span));
                        }
                    }
                }
            }

            Spans = spans.ToEquatableArray();
        }

        public EquatableArray<ArgumentSpan> Spans { get; }

        public int Int(string name, int fallback) =>
            values.TryGetValue(name, out var c) && c.Kind != TypedConstantKind.Error && c.Value is not null
                ? c.Value switch
                {
                    int i => i,
                    long l => (int)Math.Max(int.MinValue, Math.Min(int.MaxValue, l)),
                    short s => s,
                    byte b => b,
                    _ => fallback,
                }
                : fallback;

        public double Double(string name, double fallback) =>
            values.TryGetValue(name, out var c) && c.Kind != TypedConstantKind.Error && c.Value is not null
                ? c.Value switch
                {
                    double d => d,
                    float f => f,
                    int i => i,
                    _ => fallback,
                }
                : fallback;

        public bool Bool(string name, bool fallback) =>
            values.TryGetValue(name, out var c) && c.Kind != TypedConstantKind.Error && c.Value is bool b ? b : fallback;
    }

    private static class ImmutableParameterList
    {
        public static readonly System.Collections.Immutable.ImmutableArray<IParameterSymbol> Empty =
            System.Collections.Immutable.ImmutableArray<IParameterSymbol>.Empty;
    }
}
