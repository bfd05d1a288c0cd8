using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SeqDsl.Generator.Tests;

/// <summary>An edit elsewhere in the project must not re-run the model steps.</summary>
public class IncrementalTests
{
    [Fact]
    public void Unrelated_edit_leaves_model_steps_cached()
    {
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Usings + Models.SeqToSeqLstm, "class Other { int x = 1; }");
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var other = compilation.SyntaxTrees.Single(t => t.FilePath == "Model1.cs");
        var edited = compilation.ReplaceSyntaxTree(other, CSharpSyntaxTree.ParseText("class Other { int x = 2; int y = 3; }", (CSharpParseOptions)other.Options, other.FilePath));
        driver = driver.RunGenerators(edited);

        var run = driver.GetRunResult().Results.Single();
        foreach (var step in new[] { TrackingNames.ModelSpec, TrackingNames.ModelPlan })
        {
            var outputs = run.TrackedSteps[step].SelectMany(s => s.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, step + " was " + o.Reason));
        }
    }

    [Fact]
    public void Editing_the_model_reruns_it()
    {
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Usings + Models.SeqToSeqLstm);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single();
        var changed = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(tree.ToString().Replace("Dense = 10", "Dense = 5"), (CSharpParseOptions)tree.Options, tree.FilePath));
        driver = driver.RunGenerators(changed);
        var run = driver.GetRunResult().Results.Single();
        Assert.Contains(run.TrackedSteps[TrackingNames.ModelPlan].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("OutputFeatures = 5", run.GeneratedSources.Single(s => s.HintName.EndsWith("Forecaster.g.cs", StringComparison.Ordinal)).SourceText.ToString());
    }
}
