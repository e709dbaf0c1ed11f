using System.Management.Automation;
using Prox.Analysis;
using Prox.PowerShell.Binding;

namespace Prox.PowerShell.Cmdlets;

/// <summary>
/// <para type="synopsis">Writes the HTML report of one or more run folders: one self-contained file with summary tables, charts and before/after examples.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "ProxReport", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(FileInfo))]
public sealed class ExportProxReportCommand : PSCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private readonly List<string> _folders = [];

    /// <summary>Run folders; wildcards allowed; strings from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary>Run folders taken literally; bound from piped Get-ChildItem output (PSPath).</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>The HTML file to write.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string OutputPath { get; set; } = "";

    /// <summary>The page title (default: names the runs).</summary>
    [Parameter]
    public string? Title { get; set; }

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var literal = ParameterSetName == LiteralPathSet;
        foreach (var p in FileSystemPaths.ResolveExisting(this, literal ? LiteralPath : Path, literal))
        {
            if (Directory.Exists(p)) _folders.Add(p);
            else WriteError(ProxErrors.Create(new IOException($"'{p}' is not a folder; -Path names run folders (the -OutputPath of Invoke-ProxRefine)"), "NotARunFolder", ErrorCategory.InvalidArgument, p));
        }
    }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        if (_folders.Count == 0) return;
        var output = FileSystemPaths.ResolveForOutput(this, OutputPath);
        if (Directory.Exists(output))
            ThrowTerminatingError(ProxErrors.Create(new IOException($"'{output}' is a folder; -OutputPath names the HTML file to write"), "OutputIsFolder", ErrorCategory.InvalidArgument, output));
        if (File.Exists(output) && !Force)
            ThrowTerminatingError(ProxErrors.Create(new IOException($"'{output}' exists; use -Force to overwrite it"), "OutputExists", ErrorCategory.ResourceExists, output));
        if (!ShouldProcess(output, $"Write the report of {_folders.Count} run(s)")) return;
        var runs = new List<RunAnalysis>();
        foreach (var folder in _folders)
        {
            try
            {
                WriteVerbose($"reading '{folder}'");
                runs.Add(RunAnalysis.Open(folder));
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                WriteError(ProxErrors.Create(e, "RunRead", ErrorCategory.ReadError, folder));
            }
        }
        if (runs.Count == 0) return;
        var names = runs.GroupBy(r => r.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (names.Count > 0)
            ThrowTerminatingError(ProxErrors.Create(new ArgumentException($"two runs are named {string.Join(", ", names.Select(n => $"'{n}'"))} (the folder name): rename one folder so that tables and charts can tell them apart"), "RunNamesClash", ErrorCategory.InvalidArgument, _folders.ToArray()));
        try
        {
            RunReport.Write(runs, output, Title);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(ProxErrors.Create(e, "ReportWrite", ErrorCategory.WriteError, output));
        }
        WriteObject(new FileInfo(output));
    }
}
