using Prox.IO;
using System.Buffers;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace Prox.Corpus;

/// <summary>The flat schema of a Parquet corpus file and where its text, id and metadata columns are.</summary>
internal sealed class ParquetTable(DataField[] fields, int textIndex, int idIndex, int metadataIndex)
{
    public DataField[] Fields { get; } = fields;
    public int TextIndex { get; } = textIndex;
    public int IdIndex { get; } = idIndex;
    public int MetadataIndex { get; } = metadataIndex;

    /// <summary>Reads the schema; null and a reason when the file cannot be a document table.</summary>
    public static ParquetTable? From(ParquetSchema schema, CorpusReadOptions options, out string? error)
    {
        error = null;
        foreach (var f in schema.Fields)
        {
            if (f.SchemaType != SchemaType.Data || f is DataField { IsArray: true })
            {
                error = $"column '{f.Name}' is a nested {f.SchemaType} column; only flat columns are supported";
                return null;
            }
        }
        var fields = schema.GetDataFields();
        int text = Array.FindIndex(fields, f => f.Name == options.TextField);
        int id = Array.FindIndex(fields, f => f.Name == options.IdField);
        int meta = Array.FindIndex(fields, f => f.Name == "metadata");
        if (text < 0)
        {
            error = $"text column '{options.TextField}' is missing (columns: {string.Join(", ", fields.Select(f => f.Name))})";
            return null;
        }
        if (!ParquetColumns.IsString(fields[text]))
        {
            error = $"text column '{options.TextField}' holds {fields[text].ClrType.Name}, expected strings";
            return null;
        }
        return new ParquetTable(fields, text, id, meta);
    }
}

/// <summary>One Parquet row: its values in schema order (null for null).</summary>
internal sealed class ParquetRow(ParquetTable table, object?[] values)
{
    public ParquetTable Table { get; } = table;
    public object?[] Values { get; } = values;
}

/// <summary>Column reading/writing over Parquet.Net's typed API, dispatched on each column's CLR type.</summary>
internal static class ParquetColumns
{
    private static readonly MethodInfo ReadStructMethod = typeof(ParquetColumns).GetMethod(nameof(ReadStruct), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo WriteStructMethod = typeof(ParquetColumns).GetMethod(nameof(WriteStruct), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>True for a UTF-8 string column (Parquet.Net may report it as <see cref="ReadOnlyMemory{T}"/> of char).</summary>
    public static bool IsString(DataField f) => f.ClrType == typeof(string) || f.ClrType == typeof(ReadOnlyMemory<char>);

    /// <summary>True for a binary column.</summary>
    public static bool IsBytes(DataField f) => f.ClrType == typeof(byte[]) || f.ClrType == typeof(ReadOnlyMemory<byte>);

    /// <summary>The CLR type values of <paramref name="f"/> are kept as (string and byte[] for the memory forms).</summary>
    public static Type ValueType(DataField f) => IsString(f) ? typeof(string) : IsBytes(f) ? typeof(byte[]) : f.ClrType;

    /// <summary>Parquet.Net options that keep its stream pool from holding on to freed memory without bound.</summary>
    public static ParquetOptions Options => new() { MaximumSmallPoolFreeBytes = 1 << 20, MaximumLargePoolFreeBytes = 8 << 20 };

    /// <summary>Runs Parquet.Net's async API synchronously, off any synchronization context.</summary>
    public static T Sync<T>(Func<Task<T>> work) =>
        SynchronizationContext.Current is null ? work().GetAwaiter().GetResult() : Task.Run(work).GetAwaiter().GetResult();

    public static void Sync(Func<Task> work)
    {
        if (SynchronizationContext.Current is null) work().GetAwaiter().GetResult();
        else Task.Run(work).GetAwaiter().GetResult();
    }

    public static Array Read(ParquetRowGroupReader rg, DataField field, int rows)
    {
        if (IsString(field))
        {
            var a = new string?[rows];
            Sync(async () => await rg.ReadAsync(field, a.AsMemory(), null));
            return a;
        }
        if (IsBytes(field))
        {
            var a = new byte[]?[rows];
            Sync(async () => await rg.ReadAsync(field, a.AsMemory(), null));
            return a;
        }
        return (Array)ReadStructMethod.MakeGenericMethod(field.ClrType).Invoke(null, [rg, field, rows])!;
    }

    private static Array ReadStruct<T>(ParquetRowGroupReader rg, DataField field, int rows) where T : struct
    {
        if (field.IsNullable)
        {
            var a = new T?[rows];
            Sync(async () => await rg.ReadAsync<T>(field, a.AsMemory(), null));
            return a;
        }
        var b = new T[rows];
        Sync(async () => await rg.ReadAsync<T>(field, b.AsMemory(), null));
        return b;
    }

    public static void Write(ParquetRowGroupWriter rg, DataField field, IReadOnlyList<object?[]> rows, int column)
    {
        if (IsString(field))
        {
            var a = rows.Select(r => (string?)r[column]).ToArray();
            Sync(async () => await rg.WriteAsync(field, a!, null));
            return;
        }
        if (IsBytes(field))
        {
            var a = rows.Select(r => (byte[]?)r[column]).ToArray();
            Sync(async () => await rg.WriteAsync(field, a!, null));
            return;
        }
        try
        {
            WriteStructMethod.MakeGenericMethod(field.ClrType).Invoke(null, [rg, field, rows, column]);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }

    private static void WriteStruct<T>(ParquetRowGroupWriter rg, DataField field, IReadOnlyList<object?[]> rows, int column) where T : struct
    {
        if (field.IsNullable)
        {
            var a = new T?[rows.Count];
            for (int i = 0; i < a.Length; i++) a[i] = (T?)rows[i][column];
            Sync(async () => await rg.WriteAsync<T>(field, a.AsMemory(), null));
            return;
        }
        var b = new T[rows.Count];
        for (int i = 0; i < b.Length; i++) b[i] = (T)rows[i][column]!;
        Sync(async () => await rg.WriteAsync<T>(field, b.AsMemory(), null));
    }
}

/// <summary>Streams a Parquet file one row group at a time.</summary>
internal static class ParquetCorpusReader
{
    /// <summary>
    /// The row groups of a Parquet file as (rows, compressed bytes), from its footer only; null when the footer cannot
    /// be read (such a file stays one unit, and reading it reports why).
    /// </summary>
    public static IReadOnlyList<(long Rows, long Bytes)>? RowGroups(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var reader = Open(stream, out _);
            if (reader is null) return null;
            using var _r = new AsyncDisposer(reader);
            var meta = reader.Metadata?.RowGroups;
            var list = new List<(long, long)>(reader.RowGroupCount);
            var total = stream.Length;
            var rowsTotal = Math.Max(1, reader.RowGroups.Sum(g => g.RowCount));
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                var rows = reader.RowGroups[g].RowCount;
                var bytes = meta is not null && g < meta.Count && meta[g].TotalCompressedSize is { } c and > 0 ? c : total * rows / rowsTotal;
                list.Add((rows, bytes));
            }
            return list;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Reads row groups [<paramref name="firstGroup"/>, <paramref name="groupEnd"/>) only, rows numbered as in the whole file.</summary>
    public static IEnumerable<CorpusEntry> Read(Stream stream, SourceInfo source, int firstGroup, int groupEnd) => Read(stream, source, (firstGroup, groupEnd));

    public static IEnumerable<CorpusEntry> Read(Stream stream, SourceInfo source) => Read(stream, source, null);

    private static IEnumerable<CorpusEntry> Read(Stream stream, SourceInfo source, (int First, int End)? groups)
    {
        using var _ = stream;
        var reader = Open(stream, out var openError);
        if (reader is null)
        {
            yield return new CorpusEntry(null, new QuarantineRecord(source.Path, 0, QuarantineKind.UnreadableFile,
                "not a readable Parquet file: " + openError, raw: null, lineCount: 0));
            yield break;
        }
        using var _r = new AsyncDisposer(reader);
        var first = Math.Clamp(groups?.First ?? 0, 0, reader.RowGroupCount);
        var end = Math.Clamp(groups?.End ?? reader.RowGroupCount, first, reader.RowGroupCount);
        var table = ParquetTable.From(reader.Schema, source.Options, out var schemaError);
        if (table is null)
        {
            var rows = reader.RowGroups.Skip(first).Take(end - first).Sum(g => g.RowCount);
            var firstRow = reader.RowGroups.Take(first).Sum(g => g.RowCount) + 1;
            yield return new CorpusEntry(null, new QuarantineRecord(source.Path, rows > 0 ? firstRow : 0, QuarantineKind.UnreadableFile,
                $"all {rows} rows set aside: " + schemaError, raw: null, lineCount: rows));
            yield break;
        }
        source.Table = table;
        long row = reader.RowGroups.Take(first).Sum(g => g.RowCount);
        Array[]? columns = null;
        for (int g = first; g < end; g++)
        {
            long groupRows = reader.RowGroups[g].RowCount;
            columns = null; // let the previous row group go before the next one is decoded
            columns = ReadGroup(reader, g, table, out var groupError);
            if (columns is null)
            {
                yield return new CorpusEntry(null, new QuarantineRecord(source.Path, row + 1, QuarantineKind.CorruptRowGroup,
                    $"row group {g} (rows {row + 1}-{row + groupRows}) could not be decoded: {groupError}", raw: null, lineCount: groupRows));
                row += groupRows;
                continue;
            }
            for (int i = 0; i < groupRows; i++)
            {
                row++;
                var values = new object?[columns.Length];
                for (int c = 0; c < columns.Length; c++) values[c] = columns[c].GetValue(i);
                yield return ToEntry(new ParquetRow(table, values), row, source);
            }
        }
    }

    private static ParquetReader? Open(Stream stream, out string? error)
    {
        try
        {
            error = null;
            return ParquetColumns.Sync(() => ParquetReader.CreateAsync(stream, ParquetColumns.Options, leaveStreamOpen: true));
        }
        catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
        {
            error = e.Message;
            return null;
        }
    }

    private static Array[]? ReadGroup(ParquetReader reader, int group, ParquetTable table, out string? error)
    {
        try
        {
            using var rg = reader.OpenRowGroupReader(group);
            var rows = checked((int)rg.RowCount);
            var columns = new Array[table.Fields.Length];
            for (int c = 0; c < columns.Length; c++) columns[c] = ParquetColumns.Read(rg, table.Fields[c], rows);
            error = null;
            return columns;
        }
        catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
        {
            error = (e is TargetInvocationException { InnerException: { } inner } ? inner : e).Message;
            return null;
        }
    }

    private static CorpusEntry ToEntry(ParquetRow row, long number, SourceInfo source)
    {
        var t = row.Table;
        if (row.Values[t.TextIndex] is not string text)
        {
            var json = ParquetJson.Render(row, source);
            return CorpusReader.Quarantined(source, number, QuarantineKind.TextNotString,
                $"text column '{source.Options.TextField}' is null", json.Utf8);
        }
        string? id = t.IdIndex < 0 ? null : row.Values[t.IdIndex] switch
        {
            null => null,
            string s => s,
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            var other => other.ToString(),
        };
        return new CorpusEntry(new CorpusDocument(source, number, id ?? CorpusDocument.ComputeContentId(text), id is null, text, null, row), null);
    }
}

/// <summary>Renders a Parquet row as an indexed JSON record (for JSON Lines output and metadata display).</summary>
internal static class ParquetJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonRecord Render(ParquetRow row, SourceInfo source)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            var fields = row.Table.Fields;
            for (int i = 0; i < fields.Length; i++)
            {
                w.WritePropertyName(fields[i].Name);
                WriteValue(w, row.Values[i], i == row.Table.MetadataIndex);
            }
            w.WriteEndObject();
        }
        var parsed = new JsonRecordParser(source.Options.TextField, source.Options.IdField).Parse(buffer.WrittenSpan);
        if (parsed.Record is not null) return parsed.Record;
        // a null text column still renders (for the quarantine record); index it with no text member
        return new JsonRecord(buffer.WrittenSpan.ToArray(), [], -1, -1, -1);
    }

    private static void WriteValue(Utf8JsonWriter w, object? value, bool isMetadata)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case string s when isMetadata && IsJsonObject(s): w.WriteRawValue(s, skipInputValidation: true); break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case byte[] bytes: w.WriteBase64StringValue(bytes); break;
            case double d when !double.IsFinite(d): w.WriteStringValue(d.ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
            case float f when !float.IsFinite(f): w.WriteStringValue(f.ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
            case double d: w.WriteNumberValue(d); break;
            case float f: w.WriteNumberValue(f); break;
            case decimal m: w.WriteNumberValue(m); break;
            case long or int or short or sbyte: w.WriteNumberValue(Convert.ToInt64(value)); break;
            case ulong or uint or ushort or byte: w.WriteNumberValue(Convert.ToUInt64(value)); break;
            case DateTime dt: w.WriteStringValue(dt); break;
            case DateTimeOffset dto: w.WriteStringValue(dto); break;
            case Guid g: w.WriteStringValue(g); break;
            case IFormattable f: w.WriteStringValue(f.ToString(null, System.Globalization.CultureInfo.InvariantCulture)); break;
            default: w.WriteStringValue(value.ToString()); break;
        }
    }

    internal static bool IsJsonObject(string s)
    {
        if (s.Length < 2 || s[0] != '{') return false;
        try
        {
            using var doc = JsonDocument.Parse(s, JsonLimits.DocumentOptions);
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

/// <summary>
/// Writes Parquet with the schema of the source Parquet file (every column carried over, text replaced), plus a
/// <c>metadata</c> string column holding JSON (<c>{"prox": ...}</c>, merged into the source's <c>metadata</c> JSON when
/// that column exists). Rows are buffered up to one bounded row group.
/// </summary>
internal sealed class ParquetCorpusWriter : CorpusWriter
{
    private readonly AtomicFile _file;
    private readonly List<object?[]> _rows = [];
    private readonly Utf8Output _scratch = new(1024);
    private ParquetTable? _source;
    private DataField[]? _fields;
    private int _metadataColumn;
    private ParquetWriter? _writer;
    private long _chars;

    public ParquetCorpusWriter(string path, CorpusWriteOptions options) : base(path, CorpusFormat.Parquet, options)
    {
        _file = new AtomicFile(Path);
    }

    private protected override void WriteCore(CorpusDocument doc, string text, ReadOnlySpan<byte> prox)
    {
        if (doc.Row is null)
        {
            WriteJsonDocument(doc, text, prox);
            return;
        }
        if (_json is not null)
            throw new InvalidOperationException($"'{Path}': document from '{doc.SourceFile}' is Parquet, but the file was started with JSON Lines documents; write them to separate files");
        var row = doc.Row;
        if (_source is null) Start(row.Table);
        else if (!ReferenceEquals(_source, row.Table) && !SameSchema(_source, row.Table))
            throw new InvalidOperationException($"'{Path}': document from '{doc.SourceFile}' has a different Parquet schema than the first document written");

        var values = new object?[_fields!.Length];
        Array.Copy(row.Values, values, row.Values.Length);
        values[_source!.TextIndex] = text;
        if (doc.IdIsDerived && Options.WriteDerivedIds && _source.IdIndex >= 0 && ParquetColumns.IsString(_fields[_source.IdIndex]))
            values[_source.IdIndex] = doc.Id;
        if (!prox.IsEmpty)
        {
            var existing = row.Table.MetadataIndex >= 0 ? row.Values[row.Table.MetadataIndex] as string : null;
            _scratch.Clear();
            if (existing is null) _scratch.WriteMetadataWithProx(default, prox);
            else if (ParquetJson.IsJsonObject(existing)) _scratch.WriteMetadataWithProx(System.Text.Encoding.UTF8.GetBytes(existing), prox);
            else
            {
                using var quoted = new Utf8Output(existing.Length + 16);
                quoted.WriteJsonString(existing);
                _scratch.WriteMetadataWithProx(quoted.WrittenSpan, prox);
            }
            values[_metadataColumn] = System.Text.Encoding.UTF8.GetString(_scratch.WrittenSpan);
        }
        _rows.Add(values);
        _chars += text.Length;
        if (_rows.Count >= Options.ParquetRowGroupRows || _chars >= Options.ParquetRowGroupChars) FlushRowGroup();
    }

    // JSON Lines documents: rows buffered as field lists until the first row group fixes the schema (JsonParquetRows).
    private JsonParquetRows? _json;
    private readonly List<JsonParquetRows.Pending> _pendingJson = [];

    private void WriteJsonDocument(CorpusDocument doc, string text, ReadOnlySpan<byte> prox)
    {
        if (_json is null)
        {
            if (_source is not null)
                throw new InvalidOperationException($"'{Path}': document from '{doc.SourceFile}' is {doc.SourceFormat}, but the file was started with Parquet documents; write them to separate files");
            _json = new JsonParquetRows();
        }
        var pending = _json.Read(doc, text, prox, Options.WriteDerivedIds);
        _chars += text.Length;
        if (_json.Table is null)
        {
            _pendingJson.Add(pending);
            if (_pendingJson.Count >= Options.ParquetRowGroupRows || _chars >= Options.ParquetRowGroupChars) StartJson();
            return;
        }
        _rows.Add(_json.Row(pending));
        if (_rows.Count >= Options.ParquetRowGroupRows || _chars >= Options.ParquetRowGroupChars) FlushRowGroup();
    }

    private void StartJson()
    {
        Start(_json!.Derive(_pendingJson));
        foreach (var p in _pendingJson) _rows.Add(_json.Row(p));
        _pendingJson.Clear();
        FlushRowGroup();
    }

    private void Start(ParquetTable table)
    {
        _source = table;
        if (table.MetadataIndex >= 0)
        {
            if (!ParquetColumns.IsString(table.Fields[table.MetadataIndex]))
                throw new NotSupportedException($"'{Path}': the source 'metadata' column holds {table.Fields[table.MetadataIndex].ClrType.Name}; prox metadata needs a string (JSON) column");
            _fields = table.Fields;
            _metadataColumn = table.MetadataIndex;
        }
        else
        {
            _fields = [.. table.Fields, new DataField("metadata", typeof(string), true)];
            _metadataColumn = _fields.Length - 1;
        }
        var schema = new ParquetSchema(_fields.Select(Clone));
        _fields = schema.GetDataFields();
        _writer = ParquetColumns.Sync(() => ParquetWriter.CreateAsync(schema, _file.Stream, ParquetColumns.Options));
    }

    private static DataField Clone(DataField f) => f switch
    {
        DateTimeDataField d => new DateTimeDataField(d.Name, d.DateTimeFormat, d.IsAdjustedToUTC, d.Unit, d.IsNullable),
        DecimalDataField m => new DecimalDataField(m.Name, m.Precision, m.Scale, m.ForceByteArrayEncoding, m.IsNullable),
        _ => new DataField(f.Name, ParquetColumns.ValueType(f), f.IsNullable),
    };

    private static bool SameSchema(ParquetTable a, ParquetTable b) =>
        a.Fields.Length == b.Fields.Length && a.Fields.Zip(b.Fields).All(p => p.First.Name == p.Second.Name && ParquetColumns.ValueType(p.First) == ParquetColumns.ValueType(p.Second));

    private void FlushRowGroup()
    {
        if (_rows.Count == 0) return;
        using (var rg = _writer!.CreateRowGroup())
        {
            for (int c = 0; c < _fields!.Length; c++) ParquetColumns.Write(rg, _fields[c], _rows, c);
            rg.CompleteValidate();
        }
        _rows.Clear();
        _chars = 0;
    }

    private protected override void CompleteCore()
    {
        if (_json is not null && _json.Table is null) StartJson();
        if (_writer is null && Options.ParquetSchemaSource is null)
        {
            // no document and no schema source: a valid, empty file with the basic document columns
            DataField[] basic = [new DataField("id", typeof(string), true), new DataField("text", typeof(string), true), new DataField("metadata", typeof(string), true)];
            Start(new ParquetTable(basic, -1, -1, 2));
        }
        if (_writer is null)
        {
            var source = Options.ParquetSchemaSource!;
            var schema = ParquetColumns.Sync(async () =>
            {
                await using var file = File.OpenRead(source);
                return await ParquetReader.ReadSchemaAsync(file);
            });
            if (schema.Fields.Any(f => f.SchemaType != SchemaType.Data))
                throw new InvalidOperationException($"'{Path}': schema source '{source}' has nested columns");
            var fields = schema.GetDataFields();
            Start(new ParquetTable(fields, -1, -1, Array.FindIndex(fields, f => f.Name == "metadata")));
        }
        FlushRowGroup();
        var writer = _writer!;
        ParquetColumns.Sync(async () => await writer.DisposeAsync());
        _writer = null;
        _file.Commit();
    }

    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        if (_writer is not null)
        {
            try
            {
                ParquetColumns.Sync(async () => await _writer.DisposeAsync());
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // the temporary file is deleted below anyway
            }
        }
        _file.Dispose();
        _scratch.Dispose();
    }
}

/// <summary>Disposes an <see cref="IAsyncDisposable"/> synchronously (for iterator <c>using</c> blocks).</summary>
internal sealed class AsyncDisposer(IAsyncDisposable target) : IDisposable
{
    public void Dispose() => ParquetColumns.Sync(async () => await target.DisposeAsync());
}
