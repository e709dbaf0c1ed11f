using System.Diagnostics;
using System.Management.Automation;
using Prox.Corpus;

namespace Prox.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Streams the documents of corpus files (JSON Lines, .jsonl.gz, .jsonl.zst, Parquet).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "ProxDocument")]
[OutputType(typeof(CorpusDocument), typeof(QuarantineRecord))]
public sealed class GetProxDocumentCommand : PSCmdlet
{
    private long _emitted;
    private readonly Stopwatch _progressClock = Stopwatch.StartNew();

    /// <summary>Files, folders or wildcard patterns; accepts Get-ChildItem output (FullName).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

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
        foreach (var file in ResolveFiles())
        {
            if (_emitted >= First) return;
            ReadFile(file, options);
        }
    }

    private IEnumerable<string> ResolveFiles() => Binding.CorpusPaths.Resolve(this, Path, Recurse);

    private void ReadFile(string file, CorpusReadOptions options)
    {
        var name = System.IO.Path.GetFileName(file);
        var progress = new ProgressRecord(1, "Get-ProxDocument", $"Reading {name}");
        long count = 0;
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
                    WriteObject(entry.Quarantine);
                }
                else
                {
                    var q = entry.Quarantine!;
                    WriteError(new ErrorRecord(new InvalidDataException(q.Message), "ProxQuarantined" + q.Kind, ErrorCategory.InvalidData, q));
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
            WriteError(new ErrorRecord(e, "ProxCorpusRead", ErrorCategory.ReadError, file));
        }
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
    }
}
