using ApprovalTests;
using ApprovalTests.Core;
using ApprovalTests.Namers;
using ApprovalTests.Reporters;

[assembly: UseReporter(typeof(SeqDsl.Generator.Tests.ApproveOnDemandReporter))]

namespace SeqDsl.Generator.Tests;

/// <summary>
/// Snapshots of every generated file of representative models, one per layer family. Approved files live in
/// Snapshots/ as <c>*.approved.txt</c> (never compiled). To re-approve them all after an intended change, run the
/// tests with <c>SEQDSL_APPROVE=1</c> and review the diff.
/// </summary>
[UseApprovalSubdirectory("Snapshots")]
public class SnapshotTests
{
    [Theory]
    [InlineData(nameof(Models.SeqToSeqLstm))]
    [InlineData(nameof(Models.DeepSimpleRnn))]
    [InlineData(nameof(Models.GruSeqToSeq))]
    [InlineData(nameof(Models.Linear))]
    [InlineData(nameof(Models.ConvGru))]
    [InlineData(nameof(Models.SimpleWaveNet))]
    [InlineData(nameof(Models.GatedWaveNet))]
    [InlineData(nameof(Models.EveryOtherLayer))]
    [InlineData(nameof(Models.GlobalAverage))]
    [InlineData(nameof(Models.MissingReturnSequences))]
    [InlineData(nameof(Models.Tagger))]
    [InlineData(nameof(Models.RecurrentCellOptions))]
    [InlineData(nameof(Models.StatefulLstm))]
    [InlineData(nameof(Models.RecurrentDropout))]
    [InlineData(nameof(Models.ReturnStateEncoder))]
    [InlineData(nameof(Models.GruLayerNormAndMerges))]
    [InlineData(nameof(Models.RecurrentLast))]
    [InlineData(nameof(Models.BidirectionalReturnState))]
    [InlineData(nameof(Models.EncoderDecoder))]
    public void Generated_sources(string model)
    {
        string source = (string)typeof(Models).GetField(model)!.GetValue(null)!;
        var (sources, _, diagnostics) = GeneratorHarness.Run(GeneratorHarness.Usings + source);
        Assert.Empty(diagnostics);
        Assert.NotEmpty(sources);
        foreach (var (hintName, text) in sources.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            using (ApprovalResults.ForScenario(model + "." + hintName))
            {
                Approvals.Verify(text);
            }
        }
    }

    [Fact]
    public void Output_is_deterministic()
    {
        var a = GeneratorHarness.Run(GeneratorHarness.Usings + Models.SeqToSeqLstm).Sources;
        var b = GeneratorHarness.Run(GeneratorHarness.Usings + Models.SeqToSeqLstm).Sources;
        Assert.Equal(a, b);
    }
}

/// <summary>Fails with a diff hint; with SEQDSL_APPROVE=1 it copies the received file over the approved one.</summary>
public sealed class ApproveOnDemandReporter : IApprovalFailureReporter
{
    public void Report(string approved, string received)
    {
        if (Environment.GetEnvironmentVariable("SEQDSL_APPROVE") == "1")
        {
            File.Copy(received, approved, overwrite: true);
            File.Delete(received);
        }
    }
}
