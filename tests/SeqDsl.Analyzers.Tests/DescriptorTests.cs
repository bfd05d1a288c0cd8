using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SeqDsl.Generator.Reading;
using SeqDsl.Generator.Shapes;

namespace SeqDsl.Analyzers.Tests;

/// <summary>The descriptors agree with the shared IDs, the checker's severities, the release tracking file and the help pages.</summary>
public class DescriptorTests
{
    internal static readonly string RepositoryRoot = FindRepositoryRoot();

    public static TheoryData<string> Ids => new(DiagnosticDescriptors.All.Select(d => d.Id));

    [Fact]
    public void Every_shared_id_has_exactly_one_descriptor()
    {
        var ids = typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (string)f.GetRawConstantValue()!)
            .OrderBy(id => id, StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(ids, DiagnosticDescriptors.All.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal));
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Help_link_points_at_an_existing_page_with_a_wrong_and_a_right_example(string id)
    {
        var descriptor = DiagnosticDescriptors.ForId(id)!;
        Assert.Equal(DiagnosticDescriptors.HelpLinkBase + id + ".md", descriptor.HelpLinkUri);
        Assert.StartsWith("SeqDsl.", descriptor.Category, StringComparison.Ordinal);

        string page = Path.Combine(RepositoryRoot, "docs", "diagnostics", id + ".md");
        Assert.True(File.Exists(page), $"missing help page {page}");
        string text = File.ReadAllText(page);
        Assert.StartsWith("# " + id + ":", text, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"## Wrong\s+```csharp", RegexOptions.Multiline), text);
        Assert.Matches(new Regex(@"## Right\s+```csharp", RegexOptions.Multiline), text);
    }

    [Fact]
    public void Release_tracking_lists_every_rule_with_its_category_and_severity()
    {
        string path = Path.Combine(RepositoryRoot, "SeqDsl.Analyzers", "AnalyzerReleases.Unshipped.md");
        var rows = File.ReadAllLines(path)
            .Where(line => line.StartsWith("SEQ", StringComparison.Ordinal))
            .Select(line => line.Split('|').Select(cell => cell.Trim()).ToArray())
            .ToDictionary(cells => cells[0], cells => (Category: cells[1], Severity: cells[2]));
        Assert.Equal(DiagnosticDescriptors.All.Length, rows.Count);
        foreach (var d in DiagnosticDescriptors.All)
        {
            Assert.Equal((d.Category, d.DefaultSeverity.ToString()), rows[d.Id]);
        }
    }

    /// <summary>One model per checker ID; the checker's severity for each must be the descriptor's.</summary>
    public static TheoryData<string, string> CheckerSamples => new()
    {
        { "SEQ001", "[SequenceModel(InputFeatures = 1)] [Recurrent(LSTM, 20)] [Recurrent(LSTM, 20)] [Dense(1)] partial class M { }" },
        { "SEQ002", "[SequenceModel(InputFeatures = 1)] [Dense(1)] class M { }" },
        { "SEQ003", "[SequenceModel(InputFeatures = 1)] partial class M { }" },
        { "SEQ004", "[SequenceModel(InputFeatures = 1)] [Dense(0)] partial class M { }" },
        { "SEQ005", "[SequenceModel(InputFeatures = 1, InputSteps = 2)] [Conv1D(4, 3)] [Dense(1)] partial class M { }" },
        { "SEQ006", "[SequenceModel(InputFeatures = 1)] [Flatten] [Dense(1)] partial class M { }" },
        { "SEQ007", "[SequenceModel(InputFeatures = 1, Loss = Loss.CategoricalCrossEntropy)] [Recurrent(LSTM, 20)] [Dense(1)] partial class M { }" },
        { "SEQ009", "[SequenceModel(InputFeatures = 1)] [Conv1D(4, 3, padding: Padding.Same)] [Dense(1)] partial class M { }" },
        { "SEQ010", "[SequenceModel(InputFeatures = 1)] [Recurrent(GRU, 20, Activation = Activation.Elu)] [Dense(1)] partial class M { }" },
        { "SEQ011", "[SequenceModel(InputFeatures = 1)] [Recurrent(SimpleRNN, 1)] partial class M { }" },
        { "SEQ012", "[SequenceModel(InputFeatures = 1, InputSteps = 500)] [Recurrent(SimpleRNN, 8)] [Dense(1)] partial class M { }" },
        { "SEQ013", "[SequenceModel(InputFeatures = 1)] [Recurrent(GRU, 8, ReturnSequences = true)] [BatchNormalization] [Recurrent(GRU, 8)] [Dense(1)] partial class M { }" },
        { "SEQ014", "[SequenceModel(InputFeatures = 1)] [Recurrent(GRU, 8, Stateful = true)] [Dense(1)] partial class M { }" },
        { "SEQ015", "[SequenceModel(InputFeatures = 1)] [TimeDistributed] partial class M { }" },
        { "SEQ016", "[SequenceModel(InputFeatures = 1)] [GlobalAveragePooling1D] [Flatten] partial class M { }" },
        { "SEQ017", "[SequenceModel(InputFeatures = 1)] [RepeatVector(3)] [Dense(1)] partial class M { }" },
        { "SEQ018", "[SequenceModel(InputFeatures = 1)] [Recurrent(LSTM, 8, ResetAfter = false)] [Dense(1)] partial class M { }" },
    };

    [Theory]
    [MemberData(nameof(CheckerSamples))]
    public void Checker_severity_matches_the_descriptor(string id, string model)
    {
        var tree = CSharpSyntaxTree.ParseText(AnalyzerVerifier.Usings + model);
        var compilation = CSharpCompilation.Create("Sample", [tree], TestReferences.All, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var type = compilation.GetTypeByMetadataName("M")!;
        var findings = ShapeInference.Infer(ModelSpecReader.Read(type, CancellationToken.None)).Findings;

        var finding = Assert.Single(findings, f => f.Id == id);
        var expected = DiagnosticDescriptors.ForId(id)!.DefaultSeverity switch
        {
            DiagnosticSeverity.Error => FindingSeverity.Error,
            DiagnosticSeverity.Warning => FindingSeverity.Warning,
            _ => FindingSeverity.Info,
        };
        Assert.Equal(expected, finding.Severity);
    }

    [Fact]
    public void Checker_samples_cover_every_id_the_checker_reports()
    {
        var covered = CheckerSamples.Select(row => (string)row[0]).ToHashSet();
        var fromAnalyzerOnly = new[] { DiagnosticIds.LayerWithoutModel };
        Assert.Equal(DiagnosticDescriptors.All.Select(d => d.Id).Except(fromAnalyzerOnly).OrderBy(x => x), covered.OrderBy(x => x));
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SeqDsl.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"SeqDsl.sln not found above {AppContext.BaseDirectory}");
    }
}
