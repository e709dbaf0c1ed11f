@{
    Synopsis    = 'Writes documents (from Get-ProxDocument, filtered or not) to a corpus file in any supported format.'
    Description = @'
Takes documents from the pipeline and writes them to one corpus file: JSON Lines (.jsonl), gzip (.jsonl.gz), zstd (.jsonl.zst) or Parquet (.parquet), chosen by the extension of -OutputPath or by -Format. Every field of each record is kept: id, text, metadata (with metadata.prox of refined documents) and any other field.

Documents read from Parquet keep their Parquet schema. Documents read from JSON Lines get a Parquet schema derived from the records of the first row group: each top-level field becomes a column in first-seen order (strings, booleans and integers keep their type, integers mixed with fractions become doubles, objects, arrays and mixed values are stored as JSON text); metadata is a JSON text column. A later record with a field the schema lacks, or a value its column cannot hold, stops the export with an error naming the record; JSON and Parquet documents cannot be mixed in one Parquet file.

The file appears only when complete (it is written under a temporary name and renamed at the end); a failed or stopped export leaves nothing behind. An existing file is not overwritten without -Force.
'@
    Parameters  = @{
        InputObject = 'The documents to write: the output of Get-ProxDocument, after Where-Object, Sort-Object, Get-ProxSample or any other filter.'
        OutputPath  = 'The file to write, relative to the current location. Its extension picks the format unless -Format is given.'
        Format      = 'The output format, overriding the extension of -OutputPath.'
        Force       = 'Overwrite an existing file.'
        PassThru    = 'Emit the file written (a FileInfo).'
    }
    Inputs      = @(
        @{ Type = 'Prox.Corpus.CorpusDocument'; Description = 'Documents from Get-ProxDocument.' }
    )
    Outputs     = @(
        @{ Type = 'System.IO.FileInfo'; Description = 'With -PassThru: the file written.' }
        @{ Type = 'None'; Description = 'Without -PassThru the cmdlet writes nothing to the pipeline.' }
    )
    Examples    = @(
        @{
            Title   = 'Keep the long documents of a JSON Lines file, as Parquet'
            Code    = @'
'{"id":"a","text":"short","metadata":{"lang":"en"}}', '{"id":"b","text":"a longer document with a few more words in it","metadata":{"lang":"de"}}' | Set-Content docs.jsonl
Get-ProxDocument docs.jsonl | Where-Object Chars -gt 10 | Export-ProxDocument long.parquet -PassThru
Get-ProxDocument long.parquet | Select-Object Id, Chars, @{ n = 'Lang'; e = { $_.Metadata.lang } }
'@
            Remarks = 'The Parquet file has the columns id, text and metadata (JSON text), derived from the records.'
        }
        @{
            Title   = 'Write the documents a run dropped for one reason to a gzip file'
            Code    = @'
'{"id":"a","text":"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor."}', '{"id":"b","text":"Home | News\nThe council approved the new budget on Monday after a long debate about the schools.\nIt will be reviewed in spring."}' | Set-Content in.jsonl
Invoke-ProxRefine in.jsonl -OutputPath out -Tokenizer whitespace | Out-Null
Get-ProxDocument out/dropped/in.jsonl | Where-Object DropReason -eq 'DropDoc' | Export-ProxDocument review.jsonl.gz
'@
            Remarks = 'DropReason comes from metadata.prox of the dropped sidecar.'
        }
    )
    Links       = @('Get-ProxDocument', 'Invoke-ProxRefine', 'about_Prox')
}
