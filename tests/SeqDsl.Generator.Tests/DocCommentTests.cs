using System.Xml.Linq;

namespace SeqDsl.Generator.Tests;

/// <summary>
/// The generated XML doc comments, as IntelliSense reads them: every block of <c>///</c> lines is well-formed XML, and
/// no tag was escaped into plain text (a summary showing <c>&lt;paramref name="x"/&gt;</c> literally instead of x).
/// </summary>
public class DocCommentTests
{
    /// <summary>Every model declared for the generator tests (the snapshot scenarios and the rest).</summary>
    public static TheoryData<string> ModelNames
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (var declared in typeof(Models).GetFields().Where(f => f.IsLiteral && f.FieldType == typeof(string)))
            {
                names.Add(declared.Name);
            }

            return names;
        }
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Every_doc_comment_is_xml_with_its_tags_kept(string model)
    {
        string source = (string)typeof(Models).GetField(model)!.GetValue(null)!;
        var (sources, _, _) = GeneratorHarness.Run(GeneratorHarness.Usings + source);
        Assert.NotEmpty(sources);

        int blocks = 0;
        foreach (var (hintName, text) in sources)
        {
            foreach (var block in DocBlocks(text))
            {
                blocks++;
                XElement doc;
                try
                {
                    doc = XElement.Parse("<doc>" + block + "</doc>");
                }
                catch (System.Xml.XmlException e)
                {
                    throw new Xunit.Sdk.XunitException($"{hintName}: a doc comment is not XML ({e.Message}):\n{block}");
                }

                string plain = string.Concat(doc.DescendantNodes().OfType<XText>().Select(t => t.Value));
                Assert.False(plain.Contains("<paramref", StringComparison.Ordinal) || plain.Contains("<see ", StringComparison.Ordinal),
                    $"{hintName}: a doc comment shows an escaped tag as text:\n{block}");
            }
        }

        Assert.True(blocks > 0, $"no doc comment found in {model}'s generated files"); // a model with errors gets a stub with three
    }

    [Fact]
    public void The_typed_methods_refer_to_their_parameters()
    {
        var (sources, _, _) = GeneratorHarness.Run(GeneratorHarness.Usings + Models.SeqToSeqLstm);
        string model = sources.Single(s => s.Value.Contains(" Fit(float[,,] x,", StringComparison.Ordinal)).Value; // the model class's typed methods

        Assert.Contains("/// Runs the model on <paramref name=\"x\"/> [samples, steps, 1] and returns", model);
        Assert.Contains("into <paramref name=\"destination\"/>", model);
        Assert.Contains("/// Trains the model on <paramref name=\"x\"/>", model);
    }

    [Theory]
    [InlineData(nameof(Models.SeqToSeqLstm), "[samples, steps, 10]", "[samples, steps, 10]")]
    [InlineData(nameof(Models.ConvGru), "[samples, output steps, 10] (output steps = OutputSteps(steps))", "[samples, output steps, 10] (output steps = OutputSteps(steps)), or [samples, steps, 10] cropped to the output steps")] // a strided convolution
    [InlineData(nameof(Models.EncoderDecoder), "[samples, 10, 1]", "[samples, 10, 1]")] // RepeatVector(10) after 50 input steps
    [InlineData(nameof(Models.Tagger), "[samples, steps, 5]", "[samples, steps, 1]")] // sparse labels: one class index per step
    [InlineData(nameof(Models.DeepSimpleRnn), "[samples, 1]", "[samples, 1]")]
    public void The_typed_methods_give_the_shapes_the_runtime_checks(string model, string predictions, string targets)
    {
        string source = (string)typeof(Models).GetField(model)!.GetValue(null)!;
        var (sources, _, _) = GeneratorHarness.Run(GeneratorHarness.Usings + source);
        string text = sources.Single(s => s.Value.Contains(" Fit(float[,,] x,", StringComparison.Ordinal)).Value;

        Assert.Contains("/// <returns>The predictions " + predictions + ".</returns>", text);
        Assert.Contains("/// <param name=\"destination\">Receives the predictions " + predictions + "; its shape must match.</param>", text);
        Assert.Contains("/// <param name=\"y\">Targets " + targets + ".</param>", text);
        Assert.Contains("and targets <paramref name=\"y\"/> " + targets + ".", text);
    }

    /// <summary>Each run of consecutive <c>///</c> lines, without the slashes.</summary>
    private static IEnumerable<string> DocBlocks(string text)
    {
        var block = new List<string>();
        foreach (string line in text.Split('\n'))
        {
            string trimmed = line.Trim();
            if (trimmed.StartsWith("///", StringComparison.Ordinal))
            {
                block.Add(trimmed.Substring(3));
            }
            else if (block.Count > 0)
            {
                yield return string.Join("\n", block);
                block.Clear();
            }
        }

        if (block.Count > 0)
        {
            yield return string.Join("\n", block);
        }
    }
}
