namespace Prox.Corpus;

/// <summary>Expands user-supplied paths into corpus files and maps input files to output names.</summary>
public static class CorpusFiles
{
    /// <summary>
    /// Expands files, directories and wildcard patterns (<c>*</c>, <c>?</c> in the file-name part) into corpus files,
    /// in a stable order (each argument's matches sorted ordinally, duplicates removed).
    /// A directory yields the recognised corpus files in it (and below it when <paramref name="recurse"/>); a wildcard
    /// yields the recognised files it matches, so a stray README beside the data is skipped. A file named explicitly
    /// must have a corpus extension.
    /// </summary>
    /// <exception cref="NotSupportedException">An explicitly named file has an unsupported extension.</exception>
    /// <exception cref="FileNotFoundException">A path does not exist, or a wildcard/directory holds no corpus file.</exception>
    public static IReadOnlyList<string> Expand(IEnumerable<string> paths, bool recurse = false)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in paths)
        {
            if (string.IsNullOrWhiteSpace(raw)) throw new ArgumentException("empty corpus path", nameof(paths));
            var path = Path.GetFullPath(raw);
            IEnumerable<string> matches;
            if (File.Exists(path))
            {
                CorpusFormats.FromPath(path); // throws for an unsupported extension
                matches = [path];
            }
            else if (Directory.Exists(path))
            {
                matches = Recognised(Directory.EnumerateFiles(path, "*", Option(recurse)));
                matches = NonEmpty(matches, $"'{raw}': directory holds no corpus file ({string.Join(", ", CorpusFormats.SupportedExtensions)})");
            }
            else if (Path.GetFileName(path).AsSpan().IndexOfAny('*', '?') >= 0)
            {
                var dir = Path.GetDirectoryName(path)!;
                if (!Directory.Exists(dir)) throw new FileNotFoundException($"'{raw}': directory '{dir}' not found", raw);
                matches = Recognised(Directory.EnumerateFiles(dir, Path.GetFileName(path), Option(recurse)));
                matches = NonEmpty(matches, $"'{raw}': no corpus file matches");
            }
            else
            {
                throw new FileNotFoundException($"'{raw}': corpus file not found", raw);
            }
            foreach (var m in matches)
                if (seen.Add(m)) result.Add(m);
        }
        return result;
    }

    /// <summary>
    /// The output path that mirrors <paramref name="inputPath"/> inside <paramref name="outputDirectory"/>
    /// (<c>in/a.jsonl.gz</c> → <c>out/a.jsonl.gz</c>). With <paramref name="format"/> different from the input's,
    /// the corpus extension is replaced by the canonical one of that format (<c>a.jsonl.gz</c> → <c>a.parquet</c>).
    /// </summary>
    public static string MirrorPath(string inputPath, string outputDirectory, CorpusFormat? format = null)
    {
        var name = Path.GetFileName(inputPath);
        if (format is { } f && CorpusFormats.FromPath(inputPath) != f)
            name = CorpusFormats.Stem(inputPath) + CorpusFormats.CanonicalExtension(f);
        return Path.Combine(outputDirectory, name);
    }

    /// <summary>
    /// Where the quarantine of <paramref name="inputPath"/> goes: <c>&lt;outputDirectory&gt;/quarantine/&lt;input file name&gt;.jsonl</c>
    /// (the full input name is kept, so <c>a.jsonl</c> and <c>a.jsonl.gz</c> never share a quarantine file).
    /// </summary>
    public static string QuarantinePath(string inputPath, string outputDirectory) =>
        Path.Combine(outputDirectory, "quarantine", Path.GetFileName(inputPath) + ".jsonl");

    private static SearchOption Option(bool recurse) => recurse ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly;

    // Names starting with '.' (temporary files being written) or '_' (a run's plan, markers, summary, staging) are
    // never corpus files of a folder.
    private static IEnumerable<string> Recognised(IEnumerable<string> files) =>
        files.Where(f => !IsHiddenName(Path.GetFileName(f)) && CorpusFormats.TryFromPath(f, out _, out _)).Order(StringComparer.Ordinal).ToList();

    private static bool IsHiddenName(string name) => name.StartsWith('.') || name.StartsWith('_');

    private static IEnumerable<string> NonEmpty(IEnumerable<string> files, string message)
    {
        var list = files.ToList();
        if (list.Count == 0) throw new FileNotFoundException(message);
        return list;
    }
}
