using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace SeqDsl.Data;

/// <summary>
/// Reads numeric columns from delimited text files with a header row (the usual shape of time-series data sets:
/// a date column and one or more value columns).
/// </summary>
/// <remarks>
/// The delimiter is a comma or a semicolon, chosen from the header row (whichever occurs more often outside quotes).
/// Fields may be wrapped in double quotes, with <c>""</c> for a quote inside; a quoted field cannot span lines.
/// Numbers are parsed with the invariant culture (<c>1234.5</c>, <c>1e-3</c>); blank lines are skipped; values must be finite.
/// </remarks>
public static class Csv
{
    /// <summary>Loads one numeric column, in file order.</summary>
    /// <param name="path">The file.</param>
    /// <param name="column">The header name of the column (exact, case-sensitive, surrounding spaces ignored).</param>
    /// <returns>The values of every data row.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="column"/> is null.</exception>
    /// <exception cref="ArgumentException">The header has no column named <paramref name="column"/> (the message lists the columns it has).</exception>
    /// <exception cref="InvalidDataException">The file has no header, a row is too short, or a value is not a finite number (the message names the line and column).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static float[] LoadColumn(string path, string column)
    {
        DataChecks.NotNull(column, nameof(column));
        float[,] table = LoadColumns(path, column);
        var values = new float[table.GetLength(0)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = table[i, 0];
        }

        return values;
    }

    /// <summary>Loads several numeric columns as a multivariate series, [rows, columns] in the order asked for.</summary>
    /// <param name="path">The file.</param>
    /// <param name="columns">The header names of the columns (at least one).</param>
    /// <returns>The values of every data row; column <c>j</c> holds <c>columns[j]</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="columns"/> is null.</exception>
    /// <exception cref="ArgumentException">No columns are asked for, or the header lacks one of them.</exception>
    /// <exception cref="InvalidDataException">The file has no header, a row is too short, or a value is not a finite number.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static float[,] LoadColumns(string path, params string[] columns)
    {
        DataChecks.NotNull(path, nameof(path));
        DataChecks.NotNull(columns, nameof(columns));
        if (columns.Length == 0)
        {
            throw new ArgumentException("columns must name at least one column; got none.", nameof(columns));
        }

        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(reader, Path.GetFileName(path), columns);
    }

    /// <summary>Parses delimited text already open in a reader; <paramref name="sourceName"/> prefixes error messages.</summary>
    internal static float[,] Parse(TextReader reader, string sourceName, IReadOnlyList<string> columns)
    {
        string? headerLine = reader.ReadLine();
        int lineNumber = 1;
        while (headerLine is not null && headerLine.Trim().Length == 0)
        {
            headerLine = reader.ReadLine();
            lineNumber++;
        }

        if (headerLine is null)
        {
            throw new InvalidDataException($"{sourceName} has no header row: the file is empty.");
        }

        char delimiter = ChooseDelimiter(headerLine);
        List<string> header = SplitFields(headerLine, delimiter);
        int[] fieldIndex = FindColumns(header, columns, sourceName, lineNumber);

        var rows = new List<float[]>();
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            List<string> fields = SplitFields(line, delimiter);
            var row = new float[columns.Count];
            for (int j = 0; j < columns.Count; j++)
            {
                row[j] = ParseValue(fields, fieldIndex[j], columns[j], sourceName, lineNumber);
            }

            rows.Add(row);
        }

        var table = new float[rows.Count, columns.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            for (int j = 0; j < columns.Count; j++)
            {
                table[i, j] = rows[i][j];
            }
        }

        return table;
    }

    private static int[] FindColumns(List<string> header, IReadOnlyList<string> columns, string sourceName, int headerLine)
    {
        var indices = new int[columns.Count];
        for (int j = 0; j < columns.Count; j++)
        {
            string wanted = (columns[j] ?? throw new ArgumentNullException(nameof(columns), $"columns[{j}] is null.")).Trim();
            indices[j] = header.IndexOf(wanted);
            if (indices[j] < 0)
            {
                throw new ArgumentException(
                    $"{sourceName} has no column '{wanted}' in its header (line {headerLine}); its columns are: {string.Join(", ", QuoteAll(header))}.",
                    nameof(columns));
            }
        }

        return indices;
    }

    private static float ParseValue(List<string> fields, int fieldIndex, string column, string sourceName, int lineNumber)
    {
        if (fieldIndex >= fields.Count)
        {
            throw new InvalidDataException(
                $"{sourceName} line {lineNumber}, column '{column}': the row has {fields.Count} field(s), but the column is field {fieldIndex + 1}.");
        }

        string text = fields[fieldIndex];
        if (text.Length == 0)
        {
            throw new InvalidDataException($"{sourceName} line {lineNumber}, column '{column}': the value is empty.");
        }

        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
        {
            throw new InvalidDataException(
                $"{sourceName} line {lineNumber}, column '{column}': cannot parse '{text}' as a finite number (invariant culture, e.g. 1234.5).");
        }

        return value;
    }

    private static char ChooseDelimiter(string headerLine)
    {
        int commas = 0;
        int semicolons = 0;
        bool quoted = false;
        foreach (char c in headerLine)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == ',')
            {
                commas++;
            }
            else if (!quoted && c == ';')
            {
                semicolons++;
            }
        }

        return semicolons > commas ? ';' : ',';
    }

    /// <summary>Splits one line into trimmed fields, honouring double quotes (a doubled quote inside is one quote).</summary>
    private static List<string> SplitFields(string line, char delimiter)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == delimiter)
            {
                fields.Add(current.ToString().Trim());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString().Trim());
        return fields;
    }

    private static IEnumerable<string> QuoteAll(List<string> names)
    {
        foreach (string name in names)
        {
            yield return "'" + name + "'";
        }
    }
}
