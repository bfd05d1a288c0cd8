using System.Text;
using SeqDsl.Data;

namespace SeqDsl.Runtime.Tests.Data;

public sealed class CsvTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("seqdsl-csv-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void LoadColumn_CommaFile_ReturnsTheColumnInOrder()
    {
        string path = Write("airline.csv", "\"Month\",\"Passengers\"\n\"1949-01\",112\n\"1949-02\",118\n\"1949-03\",132.5\n");

        float[] values = Csv.LoadColumn(path, "Passengers");

        Assert.Equal(new[] { 112f, 118f, 132.5f }, values);
    }

    [Fact]
    public void LoadColumn_SemicolonFile_WithBomCrLfAndBlankLines_ReadsOnlyTheAskedColumn()
    {
        // The byte-order mark sits before the first column's name, so finding "temp" proves it was dropped.
        string path = Write("energy.csv", "\uFEFFtemp;load\r\n-2.25;1,600\r\n\r\n3e0;1.5e3\r\n");

        float[] temperatures = Csv.LoadColumn(path, "temp");
        var loadError = Assert.Throws<InvalidDataException>(() => Csv.LoadColumn(path, "load"));

        Assert.Equal(new[] { -2.25f, 3f }, temperatures);
        Assert.Contains("line 2, column 'load'", loadError.Message);
    }

    [Fact]
    public void LoadColumn_QuotedFieldWithDelimiter_IsOneField()
    {
        string path = Write("quoted.csv", "name,value\n\"Smith, \"\"J\"\"\",4\n");

        Assert.Equal(new[] { 4f }, Csv.LoadColumn(path, "value"));
    }

    [Fact]
    public void LoadColumns_ReturnsTheColumnsInTheOrderAsked()
    {
        string path = Write("multi.csv", "a,b,c\n1,2,3\n4,5,6\n");

        float[,] table = Csv.LoadColumns(path, "c", "a");

        Assert.Equal(new float[,] { { 3, 1 }, { 6, 4 } }, table);
    }

    [Fact]
    public void LoadColumn_UnparsableValue_NamesFileLineColumnAndText()
    {
        string path = Write("bad.csv", "t,y\n1,0.5\n2,n/a\n");

        var error = Assert.Throws<InvalidDataException>(() => Csv.LoadColumn(path, "y"));

        Assert.Contains("bad.csv line 3", error.Message);
        Assert.Contains("column 'y'", error.Message);
        Assert.Contains("'n/a'", error.Message);
    }

    [Fact]
    public void LoadColumn_DecimalCommaInSemicolonFile_IsRejectedWithTheLine()
    {
        string path = Write("eu.csv", "t;y\n1;0,5\n");

        var error = Assert.Throws<InvalidDataException>(() => Csv.LoadColumn(path, "y"));

        Assert.Contains("line 2", error.Message);
        Assert.Contains("'0,5'", error.Message);
        Assert.Contains("invariant culture", error.Message);
    }

    [Fact]
    public void LoadColumn_EmptyValue_IsReported()
    {
        string path = Write("gap.csv", "t,y\n1,\n");

        var error = Assert.Throws<InvalidDataException>(() => Csv.LoadColumn(path, "y"));

        Assert.Contains("line 2, column 'y': the value is empty", error.Message);
    }

    [Fact]
    public void LoadColumn_NonFiniteValue_IsRejected()
    {
        string path = Write("nan.csv", "y\n1\nNaN\n");

        var error = Assert.Throws<InvalidDataException>(() => Csv.LoadColumn(path, "y"));

        Assert.Contains("line 3", error.Message);
    }

    [Fact]
    public void LoadColumn_ShortRow_SaysHowManyFieldsItHas()
    {
        string path = Write("short.csv", "a,b,c\n1,2,3\n4,5\n");

        var error = Assert.Throws<InvalidDataException>(() => Csv.LoadColumn(path, "c"));

        Assert.Contains("line 3", error.Message);
        Assert.Contains("2 field(s)", error.Message);
        Assert.Contains("field 3", error.Message);
    }

    [Fact]
    public void LoadColumn_MissingColumn_ListsTheHeader()
    {
        string path = Write("cols.csv", "Month,Passengers\n1949-01,112\n");

        var error = Assert.Throws<ArgumentException>(() => Csv.LoadColumn(path, "passengers"));

        Assert.Equal("columns", error.ParamName);
        Assert.Contains("no column 'passengers'", error.Message);
        Assert.Contains("'Month', 'Passengers'", error.Message);
    }

    [Fact]
    public void LoadColumn_EmptyFile_SaysThereIsNoHeader()
    {
        string path = Write("empty.csv", "");

        var error = Assert.Throws<InvalidDataException>(() => Csv.LoadColumn(path, "y"));

        Assert.Contains("no header row", error.Message);
    }

    [Fact]
    public void LoadColumn_HeaderOnly_ReturnsNoValues()
    {
        string path = Write("header.csv", "y\n");

        Assert.Empty(Csv.LoadColumn(path, "y"));
    }

    [Fact]
    public void LoadColumn_MissingFile_Throws()
    {
        Assert.Throws<FileNotFoundException>(() => Csv.LoadColumn(Path.Combine(_directory, "none.csv"), "y"));
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        return path;
    }
}
