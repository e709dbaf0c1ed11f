using System.Diagnostics;
using System.Management.Automation;
using Prox.Corpus;
using Prox.PowerShell.Binding;

namespace Prox.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Streams the documents of corpus files (JSON Lines, .jsonl.gz, .jsonl.zst, Parquet).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ProxDocument", DefaultParameterSetName = PathSet)]
[OutputType(typeof(CorpusDocument), typeof(QuarantineRecord))]
public sealed class GetProxDocumentCommand : PSCmdlet
{
    private long _emitted;
    private readonly Stopwatch _progressClock = Stopwatch.StartNew();

    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>Files, folders or wildcard patterns (relative to the current location).</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary>Files or folders taken literally (no wildcards); bound from piped Get-ChildItem output (PSPath).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>The field (column) holding the text. Default <c>text</c>.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string TextField { get; set; } = "text";

    /// <summary>The field (column) holding the id. Default <c>id</c>.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string IdField { get; set; } = "id";

    /// <summary>Stop after this many documents (over all files).</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long First { get; set; } = long.MaxValue;

    /// <summary>Read folders recursively.</summary>
    [Parameter]
    public SwitchParameter Recurse { get; set; }

    /// <summary>Emit quarantine records as objects instead of non-terminating errors.</summary>
    [Parameter]
    public SwitchParameter IncludeQuarantine { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var options = new CorpusReadOptions { TextField = TextField, IdField = IdField };
        var literal = ParameterSetName == LiteralPathSet;
        foreach (var file in CorpusPaths.Resolve(this, literal ? LiteralPath : Path, literal, Recurse))
        {
            if (_emitted >= First) return;
            ReadFile(file, options);
        }
    }

    private void ReadFile(string file, CorpusReadOptions options)
    {
        var name = System.IO.Path.GetFileName(file);
        var progress = new ProgressRecord(1, "Get-ProxDocument", $"Reading {name}");
        long count = 0, quarantined = 0;
        try
        {
            foreach (var entry in CorpusReader.Read(file, options))
            {
                if (entry.Document is { } doc)
                {
                    WriteObject(doc);
                    count++;
                    if (++_emitted >= First) break;
                }
                else if (IncludeQuarantine)
                {
                    quarantined++;
                    WriteObject(entry.Quarantine);
                }
                else
                {
                    quarantined++;
                    var q = entry.Quarantine!;
                    WriteError(ProxErrors.Create(new InvalidDataException(q.Message), "Quarantined." + q.Kind, ErrorCategory.InvalidData, q));
                }
                if (_progressClock.ElapsedMilliseconds > 500)
                {
                    progress.StatusDescription = $"Reading {name}: {count:N0} documents";
                    WriteProgress(progress);
                    _progressClock.Restart();
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            WriteError(ProxErrors.Create(e, "CorpusRead", ErrorCategory.ReadError, file));
        }
        WriteVerbose($"'{file}': {count:N0} document(s), {quarantined:N0} quarantined record(s)");
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
    }
}
