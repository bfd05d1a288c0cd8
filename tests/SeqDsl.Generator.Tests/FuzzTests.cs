using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SeqDsl.Analyzers;
using Xunit.Abstractions;

namespace SeqDsl.Generator.Tests;

/// <summary>
/// Property test of the compiler side: for random declarations (from a fixed seed) the generator and the analyzers
/// never throw, every declaration is either generated or diagnosed, and everything generated compiles.
/// </summary>
/// <remarks>
/// The CI budget: the first <see cref="DefaultCount"/> declarations of the fixed seed, except that after
/// <see cref="DefaultSeconds"/> seconds no new batch starts once <see cref="MinimumCount"/> are checked, so that a
/// loaded machine stays near a minute. <c>SEQDSL_FUZZ_COUNT=n</c> checks exactly n declarations, however long it
/// takes; <c>SEQDSL_FUZZ_SEED</c> changes the seed. The test prints what it checked and how long it took.
/// </remarks>
public sealed partial class FuzzTests(ITestOutputHelper output)
{
    private const int DefaultCount = 2000;
    private const int MinimumCount = 1000;
    private const double DefaultSeconds = 40;
    private const int DefaultSeed = 20261125;
    private const int DeclarationsPerCompilation = 250;
    private const string GeneratorExceptionId = "CS8785";
    private const string AnalyzerExceptionId = "AD0001";
    private const string ErrorDirectiveId = "CS1029";

    [Fact]
    public void RandomDeclarations_AreGeneratedOrDiagnosed_AndNothingThrows()
    {
        int requested = EnvironmentInt("SEQDSL_FUZZ_COUNT", 0);
        int count = requested > 0 ? requested : DefaultCount;
        int seed = EnvironmentInt("SEQDSL_FUZZ_SEED", DefaultSeed);
        var declarations = new RandomDeclarations(seed);
        var tally = new Tally();
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();

        for (int start = 0; start < count; start += DeclarationsPerCompilation)
        {
            var batch = Enumerable.Range(start, Math.Min(DeclarationsPerCompilation, count - start)).Select(declarations.Next).ToArray();
            var batchClock = Stopwatch.StartNew();
            failures.AddRange(Check(batch, start, tally));
            output.WriteLine(FormattableString.Invariant($"declarations {start}..{start + batch.Length - 1}: {batchClock.Elapsed.TotalSeconds:F1} s"));
            if (failures.Count >= 5 || (requested == 0 && tally.Declarations >= MinimumCount && clock.Elapsed.TotalSeconds > DefaultSeconds))
            {
                break;
            }
        }

        output.WriteLine(FormattableString.Invariant(
            $"{tally.Declarations} declarations (seed {seed}) in {clock.Elapsed.TotalSeconds:F1} s: {tally.Generated} generated and compiling, {tally.DiagnosedByAnalyzers} diagnosed by the analyzers, {tally.DiagnosedByCompiler} rejected by the compiler, {tally.NotModels} without [SequenceModel]."));
        Assert.True(failures.Count == 0, string.Join("\n\n", failures.Take(5)));
        Assert.True(tally.Declarations >= Math.Min(count, MinimumCount), $"only {tally.Declarations} declarations were checked");
        // The property must not hold vacuously: a good share of the declarations produce real models.
        Assert.True(tally.Generated >= tally.Declarations / 10, $"only {tally.Generated} of {tally.Declarations} declarations were generated");
        Assert.True(tally.DiagnosedByAnalyzers >= tally.Declarations / 10, $"only {tally.DiagnosedByAnalyzers} of {tally.Declarations} declarations were diagnosed");
    }

    /// <summary>
    /// Hundreds of layers, or 4,096 units: the generator and the analyzers finish in bounded time (printed; the bounds
    /// are generous because the machine is shared) and the result is generated or diagnosed. Compiling the generated
    /// code is checked too, except for the 300-layer model whose ~4 MB of generated C# takes the compiler itself
    /// minutes on a loaded machine (the fuzz test compiles every generated model of ordinary size).
    /// </summary>
    [Theory]
    [InlineData(300, 32, false)]
    [InlineData(12, 4096, true)]
    [InlineData(300, 4096, true)]
    public void HugeDeclarations_GenerateOrDiagnoseInBoundedTime(int layers, int units, bool compile)
    {
        string source = RandomDeclarations.Huge("Huge", layers, units);
        var compilation = GeneratorHarness.Compile(GeneratorHarness.Usings + source);
        var clock = Stopwatch.StartNew();
        var driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var generated, out var generatorDiagnostics);
        double generateSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var findings = Analyze(compilation); // the analyzers skip generated code, so the user's compilation is what they see
        double analyzeSeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        var errors = compile ? generated.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray() : Array.Empty<Diagnostic>();
        double compileSeconds = clock.Elapsed.TotalSeconds;
        int generatedChars = driver.GetRunResult().GeneratedTrees.Sum(t => t.Length);
        var analyzerErrors = findings.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).Distinct().ToArray();

        output.WriteLine(FormattableString.Invariant(
            $"{layers} layers × {units} units: generator {generateSeconds:F2} s ({generatedChars:N0} chars), analyzers {analyzeSeconds:F2} s, compile {(compile ? compileSeconds.ToString("F2", CultureInfo.InvariantCulture) + " s" : "skipped")}; analyzer errors: {(analyzerErrors.Length == 0 ? "none" : string.Join(", ", analyzerErrors))}"));
        Assert.DoesNotContain(generatorDiagnostics, d => d.Id == GeneratorExceptionId);
        Assert.DoesNotContain(findings, d => d.Id == AnalyzerExceptionId);
        Assert.True(analyzerErrors.Length > 0 || errors.Length == 0, "neither diagnosed nor compiling:\n" + string.Join("\n", errors.Take(5)));
        Assert.True(generatedChars > 0, "nothing was generated");
        Assert.True(generateSeconds < 60, $"the generator took {generateSeconds:F1} s");
        Assert.True(analyzeSeconds < 30, $"the analyzers took {analyzeSeconds:F1} s");
    }

    /// <summary>Runs one compilation of many declarations and returns a description of each broken property.</summary>
    private static List<string> Check(string[] batch, int first, Tally tally)
    {
        var failures = new List<string>();
        var compilation = GeneratorHarness.Compile(batch.Select(d => GeneratorHarness.Usings + d).ToArray());
        var driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var generated, out var generatorDiagnostics);
        var run = driver.GetRunResult();
        if (run.Results.Any(r => r.Exception is not null) || generatorDiagnostics.Any(d => d.Id == GeneratorExceptionId))
        {
            // One declaration broke the whole run; find which by running them one at a time.
            for (int i = 0; i < batch.Length && failures.Count < 3; i++)
            {
                var single = GeneratorHarness.CreateDriver().RunGenerators(GeneratorHarness.Compile(GeneratorHarness.Usings + batch[i])).GetRunResult();
                if (single.Results.FirstOrDefault(r => r.Exception is not null).Exception is { } exception)
                {
                    failures.Add($"The generator threw {exception.GetType().Name}: {exception.Message}\n{exception.StackTrace}\nfor:\n{batch[i]}");
                }
            }

            return failures.Count > 0 ? failures : new List<string> { "The generator threw, but no single declaration reproduces it:\n" + string.Join("\n", generatorDiagnostics) };
        }

        var diagnostics = Analyze(generated, withCompilerDiagnostics: true);
        foreach (var crash in diagnostics.Where(d => d.Id == AnalyzerExceptionId))
        {
            failures.Add($"The analyzer threw: {crash.GetMessage(CultureInfo.InvariantCulture)}\nfor:\n{Declaration(crash, batch, first)}");
        }

        var generatedFiles = run.GeneratedTrees.GroupBy(t => Owner(t.FilePath, first)).ToDictionary(g => g.Key, g => g.Count());
        var byDeclaration = diagnostics.Where(d => d.Location.SourceTree is not null).ToLookup(d => Owner(d.Location.SourceTree!.FilePath, first));
        for (int i = 0; i < batch.Length; i++)
        {
            tally.Declarations++;
            var own = byDeclaration[i].ToArray();
            var userErrors = own.Where(d => d.Severity == DiagnosticSeverity.Error && !IsGenerated(d) && !d.Id.StartsWith("SEQ", StringComparison.Ordinal)).ToArray();
            var analyzerErrors = own.Where(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("SEQ", StringComparison.Ordinal)).ToArray();
            var generatedErrors = own.Where(d => d.Severity == DiagnosticSeverity.Error && IsGenerated(d)).ToArray();
            bool isModel = batch[i].Contains("[SequenceModel", StringComparison.Ordinal);
            generatedFiles.TryGetValue(i, out int files);

            string? problem = null;
            if (userErrors.Length > 0)
            {
                tally.DiagnosedByCompiler++; // the user's own code does not compile: whatever was generated may not either
            }
            else if (analyzerErrors.Length > 0)
            {
                tally.DiagnosedByAnalyzers++;
                var unexpected = generatedErrors.Where(d => d.Id != ErrorDirectiveId).ToArray();
                if (unexpected.Length > 0)
                {
                    problem = "the stub generated for a diagnosed declaration does not compile:\n" + Lines(unexpected);
                }
            }
            else if (!isModel)
            {
                tally.NotModels++;
                if (files > 0)
                {
                    problem = $"{files} files were generated for a class without [SequenceModel]";
                }
            }
            else if (files == 0)
            {
                problem = "the declaration was neither generated nor diagnosed";
            }
            else if (generatedErrors.Length > 0)
            {
                problem = "the analyzers accept the declaration, but the generated code does not compile:\n" + Lines(generatedErrors);
            }
            else
            {
                tally.Generated++;
            }

            if (problem is not null)
            {
                failures.Add($"Declaration {first + i}: {problem}\n{batch[i]}");
            }
        }

        return failures;
    }

    /// <summary>Runs <see cref="SequenceModelAnalyzer"/> on <paramref name="compilation"/>; analyzer crashes come back as AD0001.</summary>
    private static ImmutableArray<Diagnostic> Analyze(Compilation compilation, bool withCompilerDiagnostics = false)
    {
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: null,
            concurrentAnalysis: true,
            logAnalyzerExecutionTime: false);
        var analysis = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new SequenceModelAnalyzer()), options);
        return (withCompilerDiagnostics ? analysis.GetAllDiagnosticsAsync() : analysis.GetAnalyzerDiagnosticsAsync()).GetAwaiter().GetResult();
    }

    private static bool IsGenerated(Diagnostic diagnostic) => diagnostic.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true;

    /// <summary>The batch index of the declaration a tree belongs to: user trees are <c>Model{i}.cs</c>, generated ones carry <c>Fuzz_M{n}</c>.</summary>
    private static int Owner(string path, int first)
    {
        var generatedMatch = GeneratedOwner().Match(path);
        if (generatedMatch.Success)
        {
            return int.Parse(generatedMatch.Groups[1].Value, CultureInfo.InvariantCulture) - first;
        }

        var userMatch = UserOwner().Match(path);
        return userMatch.Success ? int.Parse(userMatch.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
    }

    private static string Declaration(Diagnostic diagnostic, string[] batch, int first)
    {
        int owner = diagnostic.Location.SourceTree is { } tree ? Owner(tree.FilePath, first) : -1;
        return owner >= 0 && owner < batch.Length ? batch[owner] : "(no location)";
    }

    private static string Lines(IEnumerable<Diagnostic> diagnostics) => string.Join("\n", diagnostics.Take(5).Select(d => "  " + d));

    private static int EnvironmentInt(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value > 0 ? value : fallback;

    [GeneratedRegex(@"Fuzz_M(\d{5})")]
    private static partial Regex GeneratedOwner();

    [GeneratedRegex(@"(?:^|[/\\])Model(\d+)\.cs$")]
    private static partial Regex UserOwner();

    private sealed class Tally
    {
        public int Declarations;
        public int Generated;
        public int DiagnosedByAnalyzers;
        public int DiagnosedByCompiler;
        public int NotModels;
    }
}
