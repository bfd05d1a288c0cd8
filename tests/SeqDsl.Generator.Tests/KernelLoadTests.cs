using System.Text.RegularExpressions;

namespace SeqDsl.Generator.Tests;

/// <summary>
/// Every kernel the generated program loads goes through NetworkProgram.Compiled, which collects the compilation's
/// garbage as it piles up (the runtime's CompileGarbage): a load written without it would let that garbage count in the
/// process's peak memory again.
/// </summary>
public class KernelLoadTests
{
    private static readonly Regex Load = new(@"\.Load\w*Kernel\b", RegexOptions.Compiled);

    private static readonly Regex CompiledLoad = new(@"Compiled\(accelerator\.LoadStreamKernel<[^\n(]*?>\((Kernels|TrainingPassKernels)\.\w+\)\)", RegexOptions.Compiled);

    [Theory]
    [MemberData(nameof(DocCommentTests.ModelNames), MemberType = typeof(DocCommentTests))]
    public void Every_kernel_load_goes_through_Compiled(string model)
    {
        string source = (string)typeof(Models).GetField(model)!.GetValue(null)!;
        var (sources, _, _) = GeneratorHarness.Run(GeneratorHarness.Usings + source);
        var programs = sources.Where(s => s.Key.EndsWith(".Program.g.cs", StringComparison.Ordinal)).ToList();
        if (programs.Count == 0)
        {
            // A declaration the checker rejects gets no program: a stub whose constructor throws the error.
            Assert.Contains(sources.Values, text => text.Contains("public const string GenerationError = ", StringComparison.Ordinal));
            return;
        }

        string program = Assert.Single(programs).Value;

        int loads = Load.Matches(program).Count;
        Assert.True(loads > 0, "the program loads no kernel");
        Assert.Equal(loads, CompiledLoad.Matches(program).Count);
    }
}
