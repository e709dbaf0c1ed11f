using System.Management.Automation;
using Prox.Corpus;
using Prox.PowerShell.Binding;

namespace Prox.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Writes documents (from Get-ProxDocument, filtered or not) to a corpus file in any supported format.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "ProxDocument", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(FileInfo))]
public sealed class ExportProxDocumentCommand : PSCmdlet
{
    private CorpusWriter? _writer;
    private string _path = "";
    private bool _skip;

    /// <summary>The documents to write (from the pipeline).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public CorpusDocument[] InputObject { get; set; } = [];

    /// <summary>The file to write; the format comes from its extension unless -Format is given.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string OutputPath { get; set; } = "";

    /// <summary>The output format (default: from the extension of -OutputPath).</summary>
    [Parameter]
    public CorpusFormat? Format { get; set; }

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Emit the file written (FileInfo).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        _path = FileSystemPaths.ResolveForOutput(this, OutputPath);
        if (File.Exists(_path) && !Force)
            ThrowTerminatingError(ProxErrors.Create(new IOException($"'{_path}' exists; use -Force to overwrite it"), "OutputExists", ErrorCategory.ResourceExists, _path));
        if (Directory.Exists(_path))
            ThrowTerminatingError(ProxErrors.Create(new IOException($"'{_path}' is a folder; -OutputPath names the file to write"), "OutputIsFolder", ErrorCategory.InvalidArgument, _path));
        if (!ShouldProcess(_path, "Write documents")) { _skip = true; return; }
        try
        {
            _writer = CorpusWriter.Create(_path, new CorpusWriteOptions { Format = Format });
        }
        catch (NotSupportedException e)
        {
            ThrowTerminatingError(ProxErrors.Create(e, "UnsupportedCorpusFile", ErrorCategory.InvalidArgument, OutputPath));
        }
        WriteVerbose($"writing {_writer!.Format} to '{_path}' (temporary file until the last document)");
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (_skip || _writer is null) return;
        foreach (var doc in InputObject)
        {
            try
            {
                _writer.Write(doc);
            }
            catch (Exception e) when (e is InvalidDataException or InvalidOperationException or NotSupportedException or IOException)
            {
                _writer.Dispose();
                _writer = null;
                ThrowTerminatingError(ProxErrors.Create(e, "ExportFailed", ProxErrors.CategoryOf(e), doc));
            }
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (_skip || _writer is null) return;
        try
        {
            _writer.Complete();
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or NotSupportedException or IOException)
        {
            ThrowTerminatingError(ProxErrors.Create(e, "ExportFailed", ProxErrors.CategoryOf(e), _path));
        }
        finally
        {
            WriteVerbose($"wrote {_writer.Count:N0} document(s) to '{_path}'");
            _writer.Dispose();
        }
        if (PassThru) WriteObject(new FileInfo(_path));
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _writer?.Dispose();
}
