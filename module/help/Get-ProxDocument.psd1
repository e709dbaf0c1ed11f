@{
    Synopsis    = 'Streams the documents of corpus files (JSON Lines, .jsonl.gz, .jsonl.zst, Parquet).'
    Description = @'
Reads corpus files one record at a time (memory does not grow with the file) and writes one document object per record: Id, Text, Chars (the text length), Metadata (nested dictionaries: $doc.Metadata.url), MetadataJson (the raw JSON), RecordJson (the whole record), SourceFile and SourceLine (1-based line, or row for Parquet). Documents of a dropped/ sidecar also carry DropStage (doc or chunk) and DropReason, so Group-Object DropReason and Sort-Object Chars work. The format comes from the extension: .jsonl/.ndjson/.json, the same with .gz/.gzip or .zst/.zstd, and .parquet.

A record without an id gets the lowercase hex SHA-256 of its UTF-8 text as id (IdIsDerived is then true).

Bad records never stop reading and are never dropped silently: invalid JSON, invalid UTF-8, a missing or non-string text field, a truncated or corrupt gzip/zstd stream, a corrupt Parquet row group. Each is reported as a non-terminating error naming the file, the line (or rows) and the reason; the error's TargetObject is the quarantine record, with the raw line (RawText, or Raw bytes). With -IncludeQuarantine the quarantine records are written to the output instead, beside the documents.
'@
    Parameters  = @{
        Path              = 'Corpus files, folders or wildcard patterns (* ? [ ]), relative to the current location. Strings from the pipeline bind here; files from Get-ChildItem bind to -LiteralPath. A folder yields the corpus files in it; a file with another extension, or a pattern that matches nothing, is reported as an error.'
        LiteralPath = 'The same as -Path, but every character is taken literally (no wildcards): use it for names that contain [ ] * ?. Files piped from Get-ChildItem bind here (by their PSPath), so their names are never read as patterns. Relative paths are relative to the current PowerShell location.'
        TextField         = 'The field (Parquet: column) that holds the text. Default text (RedPajama: raw_content).'
        IdField           = 'The field (Parquet: column) that holds the id. Default id. Records without one get the SHA-256 of their text.'
        First             = 'Stop after this many documents in all.'
        Recurse           = 'Read folders given in -Path recursively.'
        IncludeQuarantine = 'Write quarantine records (Kind, SourceFile, Line, Reason, RawText) to the output stream instead of reporting them as errors.'
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'Paths or wildcard patterns (-Path).' }
        @{ Type = 'System.IO.FileInfo'; Description = 'Corpus files from Get-ChildItem (bind -LiteralPath by their PSPath, so [ ] in names are literal).' }
        @{ Type = 'System.IO.DirectoryInfo'; Description = 'Folders from Get-ChildItem: every corpus file in them.' }
    )
    Outputs     = @(
        @{ Type = 'Prox.Corpus.CorpusDocument'; Description = 'One per record: Id, Text, Chars, Metadata, DropStage and DropReason (for dropped/ sidecars), SourceFile, SourceLine.' }
        @{ Type = 'Prox.Corpus.QuarantineRecord'; Description = 'With -IncludeQuarantine: one per record that could not be read (Kind, SourceFile, Line, Reason, RawText).' }
    )
    Examples    = @(
        @{
            Title   = 'Read a small JSON Lines file'
            Code    = @'
'{"id":"a","text":"Hello\nworld","metadata":{"url":"https://example.org/a"}}', '{"text":"no id here"}' | Set-Content docs.jsonl
Get-ProxDocument ./docs.jsonl | Select-Object Id, @{ n = 'Url'; e = { $_.Metadata.url } }, SourceLine
'@
            Remarks = 'The second record has no id, so its id is the SHA-256 of its text.'
        }
        @{
            Title   = 'Every corpus file of a folder, bad records as objects'
            Code    = @'
New-Item -ItemType Directory corpus | Out-Null
'{"text":"good"}', '{"text":42}', 'not json' | Set-Content corpus/part-0.jsonl
Get-ChildItem corpus -Filter *.jsonl | Get-ProxDocument -IncludeQuarantine | Format-Table
'@
            Remarks = 'Line 2 (text is a number) and line 3 (invalid JSON) come out as quarantine records with their reasons; reading goes on.'
        }
    )
    Links       = @('about_Prox')
}
