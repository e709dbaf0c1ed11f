using System.Text.Json;

namespace Prox.Quality;

/// <summary>
/// One document with a human label per line: <c>true</c> = clean (keep), <c>false</c> = noise (remove), <c>null</c> = not scored.
/// </summary>
/// <param name="Lines">The lines, in order (none holds a <c>\n</c>).</param>
/// <param name="Keep">One label per line.</param>
public sealed record LabelledDocument(IReadOnlyList<string> Lines, IReadOnlyList<bool?> Keep)
{
    /// <summary>The record's <c>id</c> (a string or number in the file), or "" when it has none.</summary>
    public string Id { get; init; } = "";

    /// <summary>The record's <c>url</c>, or "" when it has none.</summary>
    public string Url { get; init; } = "";

    /// <summary>The document text the programs see: the lines joined with <c>\n</c>.</summary>
    public string Text => string.Join('\n', Lines);
}

/// <summary>
/// Reads line-labelled documents: a JSON array of records, or JSONL (one record per line). A record holds the lines in
/// <c>text</c> or <c>lines</c> (an array of strings; a single string is split on <c>\n</c>) and <c>labels</c> (one per
/// line: 1 = keep, 0 = remove, null = ignore; numbers, numeric strings or booleans). Both shared formats read: the
/// Turku sets (<c>[{text, labels}]</c>) and the readability pages (JSONL <c>{id, url, lines, labels, gold}</c>, null
/// labels on blank lines); <c>id</c> and <c>url</c> are kept, other fields ignored. Errors name the file and the record.
/// </summary>
public static class LabelledFile
{
    /// <summary>Reads and validates a labelled file.</summary>
    /// <exception cref="InvalidDataException">Malformed JSON or a record that does not validate (message names file and record index).</exception>
    public static IReadOnlyList<LabelledDocument> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses labelled records from JSON array or JSONL <paramref name="content"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">Malformed JSON or a record that does not validate.</exception>
    public static IReadOnlyList<LabelledDocument> Parse(string content, string source)
    {
        ArgumentNullException.ThrowIfNull(content);
        var docs = new List<LabelledDocument>();
        var trimmed = content.AsSpan().TrimStart();
        if (trimmed.Length > 0 && trimmed[0] == '\uFEFF') trimmed = trimmed[1..].TrimStart();
        if (trimmed.IsEmpty) return docs;
        if (trimmed[0] == '[')
        {
            JsonDocument json;
            try { json = JsonDocument.Parse(trimmed.ToString()); }
            catch (JsonException e) { throw new InvalidDataException($"{source}: not valid JSON: {e.Message}", e); }
            using (json)
            {
                int index = 0;
                foreach (var record in json.RootElement.EnumerateArray()) docs.Add(ToDocument(record, source, $"record {index++}"));
            }
            return docs;
        }
        int lineNo = 0, recordNo = 0;
        foreach (var range in content.AsSpan().Split('\n'))
        {
            lineNo++;
            var line = content.AsSpan()[range].Trim();
            if (lineNo == 1 && line.Length > 0 && line[0] == '\uFEFF') line = line[1..];
            if (line.IsEmpty) continue;
            var where = $"record {recordNo++} (line {lineNo})";
            try
            {
                using var json = JsonDocument.Parse(line.ToString());
                docs.Add(ToDocument(json.RootElement, source, where));
            }
            catch (JsonException e) { throw new InvalidDataException($"{source}: {where}: not valid JSON: {e.Message}", e); }
        }
        return docs;
    }

    private static string Scalar(JsonElement record, string name) =>
        !record.TryGetProperty(name, out var value) ? ""
        : value.ValueKind == JsonValueKind.String ? value.GetString()!
        : value.ValueKind == JsonValueKind.Number ? value.GetRawText() : "";

    private static LabelledDocument ToDocument(JsonElement record, string source, string where)
    {
        string Fail(string message) => throw new InvalidDataException($"{source}: {where}: {message}");
        if (record.ValueKind != JsonValueKind.Object) Fail($"expected an object, found {record.ValueKind}");
        if (!record.TryGetProperty("text", out var text) && !record.TryGetProperty("lines", out text))
            Fail("no 'text' or 'lines' property");
        var lines = new List<string>();
        if (text.ValueKind == JsonValueKind.String) lines.AddRange(text.GetString()!.Split('\n'));
        else if (text.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var item in text.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String) Fail($"line {i} is {item.ValueKind}, expected a string");
                var s = item.GetString()!;
                if (s.Contains('\n')) Fail($"line {i} contains a newline");
                lines.Add(s);
                i++;
            }
        }
        else Fail($"'text'/'lines' is {text.ValueKind}, expected an array of strings");

        if (!record.TryGetProperty("labels", out var labels) || labels.ValueKind != JsonValueKind.Array)
            Fail("no 'labels' array");
        var keep = new List<bool?>(lines.Count);
        int k = 0;
        foreach (var label in labels.EnumerateArray())
        {
            keep.Add(label.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number when label.TryGetDouble(out var d) && d is 0 or 1 => d == 1,
                JsonValueKind.String when label.GetString()!.Trim() is "1" or "0" or "1.0" or "0.0" => label.GetString()!.Trim()[0] == '1',
                JsonValueKind.String when label.GetString()!.Trim() is "" or "null" => null,
                _ => throw new InvalidDataException($"{source}: {where}: label {k} is {label.GetRawText()}, expected 1, 0 or null"),
            });
            k++;
        }
        if (keep.Count != lines.Count) Fail($"{lines.Count} lines but {keep.Count} labels");
        return new LabelledDocument(lines, keep) { Id = Scalar(record, "id"), Url = Scalar(record, "url") };
    }
}
