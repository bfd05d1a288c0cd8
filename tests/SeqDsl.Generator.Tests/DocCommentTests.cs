using System.Xml.Linq;

namespace SeqDsl.Generator.Tests;

/// <summary>
/// The generated XML doc comments, as IntelliSense reads them: every block of <c>///</c> lines is well-formed XML, and
/// no tag was escaped into plain text (a summary showing <c>&lt;paramref name="x"/&gt;</c> literally instead of x).
/// </summary>
public class DocCommentTests
{
    public static TheoryData<string> ModelNames => new(
        nameof(Models.SeqToSeqLstm), nameof(Models.Linear), nameof(Models.GlobalAverage), nameof(Models.RecurrentDropout),
        nameof(Models.EveryOtherLayer), nameof(Models.EncoderDecoder));

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Every_doc_comment_is_xml_with_its_tags_kept(string model)
    {
        string source = (string)typeof(Models).GetField(model)!.GetValue(null)!;
        var (sources, _, diagnostics) = GeneratorHarness.Run(GeneratorHarness.Usings + source);
        Assert.Empty(diagnostics);

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

        Assert.True(blocks > 10, $"only {blocks} doc comments found in {model}'s generated files");
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
