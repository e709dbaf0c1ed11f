@{
    Synopsis    = 'Parses a ProX program and reports whether it is valid, with its diagnostics.'
    Description = @'
Reads the program in the Strict dialect (default) or the Reference dialect and returns the parsed program: IsValid, ErrorCount, IsPortable (whether the published ProX executor would read it the same way), Operations (each with its program line) and Diagnostics (line, column, code and message for each problem: unknown function, wrong arity, unterminated string, line number out of range when -LineCount is given, empty normalize source, overlapping ranges, ...). Nothing is executed.
'@
    Parameters  = @{
        Program   = 'The program text. Accepts pipeline input, by value or by property name.'
        Stage     = 'Doc or Chunk (default): which calls belong in the program.'
        Dialect   = 'Strict (default) or Reference.'
        LineCount = 'The line count of the document the program is for; line numbers past the end are then reported.'
    }
    Inputs      = @(
        @{ Type = 'System.String'; Description = 'Program text (-Program).' }
        @{ Type = 'Prox.Refinement.GeneratedProgram'; Description = 'Programs from Get-ProxProgram (bind -Program, -Stage and -LineCount by property name).' }
    )
    Outputs     = @(
        @{ Type = 'Prox.Programs.ProxProgram'; Description = 'The parsed program: IsValid, ErrorDiagnosticCount, WarningCount, ErrorCount, IsPortable, Operations and Diagnostics.' }
    )
    Examples    = @(
        @{
            Title   = 'Check a program written by a model'
            Code    = @'
Test-ProxProgram -Program "remove_lines(line_start=0, line_end=12)`nnormalize(source_str='Share this', target_str='')`nremove_line(3, 4)" -LineCount 10 |
    Select-Object -ExpandProperty Diagnostics
'@
            Remarks = 'Reports line_end 12 past the last line (9) and the unknown function remove_line, each with its line and column.'
        }
        @{
            Title   = 'Is a program portable to the published executor?'
            Code    = @'
'remove_lines(0, 3)', 'remove_lines(line_start=0, line_end=3)' | Test-ProxProgram | Select-Object IsValid, IsPortable
'@
            Remarks = 'Both are valid Strict programs; only the keyword form is read the same way by the published ProX executor.'
        }
    )
    Links       = @('Invoke-ProxProgram', 'about_Prox')
}
