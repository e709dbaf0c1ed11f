# Export-ProxReport: the file, its refusals, and how it renders in headless Chromium.
BeforeAll {
    Import-Module "$PSScriptRoot/../../Prox.psd1" -Force
    Import-Module "$PSScriptRoot/../../tools/ProxChromium.psm1" -Force
    $script:sample = Join-Path $PSScriptRoot '../../samples/corpus/web-sample.jsonl'
    $script:rules = Join-Path $TestDrive 'prox-rules'
    $script:c4 = Join-Path $TestDrive 'c4'
    Invoke-ProxRefine $sample $rules -Tokenizer whitespace | Out-Null
    Invoke-ProxRefine $sample $c4 -Preset C4 -Tokenizer whitespace | Out-Null
    $script:report = Join-Path $TestDrive 'report.html'
    $script:file = Export-ProxReport $rules, $c4 -OutputPath $report -Title 'ProxRules vs C4'
    $script:chartCount = ([regex]::Matches((Get-Content $report -Raw), 'class="prox-chart"')).Count
}

Describe 'Export-ProxReport' {
    It 'writes one self-contained HTML file and returns it' {
        $file | Should -BeOfType System.IO.FileInfo
        $file.FullName | Should -Be $report
        $html = Get-Content $report -Raw
        $html | Should -Match '<title>ProxRules vs C4</title>'
        $html | Should -Match '/\* plotly\.js \d+\.\d+\.\d+ \*/'
        $html | Should -Not -Match '<script[^>]+src='
        $chartCount | Should -Be 10
        $html | Should -Match 'prox-rules: dropped by Doc stage: DropDoc'
        (Get-ChildItem $TestDrive -Force -Filter '*.prox-tmp').Count | Should -Be 0
    }

    It 'refuses to overwrite without -Force, and overwrites with it' {
        { Export-ProxReport $rules -OutputPath $report -ErrorAction Stop } | Should -Throw -ErrorId 'Prox.OutputExists*'
        (Export-ProxReport $rules -OutputPath $report -Force).Length | Should -BeGreaterThan 3MB
        Export-ProxReport $rules, $c4 -OutputPath $report -Force -Title 'ProxRules vs C4' | Out-Null
    }

    It 'reports a folder that is not a run, and writes nothing when no run is left' {
        $empty = Join-Path $TestDrive 'empty'
        New-Item -ItemType Directory $empty | Out-Null
        $out = Join-Path $TestDrive 'none.html'
        Export-ProxReport $empty -OutputPath $out -ErrorVariable e -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $e[0].FullyQualifiedErrorId | Should -BeLike 'Prox.RunRead*'
        $e[0].Exception.Message | Should -Match 'not a run folder'
        Test-Path $out | Should -BeFalse
    }

    It 'refuses two runs of the same folder name' {
        $other = Join-Path $TestDrive 'x/c4'
        Invoke-ProxRefine $sample $other -Tokenizer whitespace | Out-Null
        { Export-ProxReport $c4, $other -OutputPath (Join-Path $TestDrive 'clash.html') -ErrorAction Stop } | Should -Throw -ErrorId 'Prox.RunNamesClash*'
    }

    It 'takes run folders from Get-ChildItem and as strings from the pipeline' {
        (Get-Item $rules | Export-ProxReport -OutputPath (Join-Path $TestDrive 'piped.html')).Length | Should -BeGreaterThan 3MB
        ($rules, $c4 | Export-ProxReport -OutputPath (Join-Path $TestDrive 'strings.html')).Name | Should -Be 'strings.html'
    }
}

Describe 'Export-ProxReport in headless Chromium' {
    BeforeAll {
        $script:chromium = Find-ProxChromium
        if (-not $chromium -and $env:CI -eq 'true') { throw 'CI=true and Chromium is missing (.ci/run installs it with apt-get)' }
    }

    It 'loads with no console message and every chart is drawn as SVG with its traces' {
        if (-not $chromium) { Set-ItResult -Skipped -Because 'Chromium is not installed (apt-get install chromium)'; return }
        $r = Invoke-ProxChromium $report
        $r.Console | Should -BeNullOrEmpty
        $r.Dom | Should -Match '<h1>ProxRules vs C4</h1>'
        # Each chart's div (up to the next one) holds plotly's SVG with at least one trace.
        $parts = [regex]::Split($r.Dom, '(?=<div id="chart-\d+" class="prox-chart)') | Where-Object { $_ -match '^<div id="chart-' }
        @($parts).Count | Should -Be $chartCount
        foreach ($p in $parts) {
            $id = [regex]::Match($p, 'id="(chart-\d+)"').Groups[1].Value
            $p | Should -Match 'class="main-svg"' -Because "$id is drawn"
            $p | Should -Match 'class="trace[ "]' -Because "$id has traces"
            $p | Should -Match 'class="gtitle"' -Because "$id has its title"
        }
    }

    It 'shows a screenshot of the right size with charts on it' {
        if (-not $chromium) { Set-ItResult -Skipped -Because 'Chromium is not installed (apt-get install chromium)'; return }
        $png = Join-Path $TestDrive 'report.png'
        $r = Invoke-ProxChromium $report -Screenshot $png -Width 1280 -Height 2400
        $r.Console | Should -BeNullOrEmpty
        $stats = Get-ProxPngStats $png
        $stats.Width | Should -Be 1280
        $stats.Height | Should -Be 2400
        # Tables, text and charts cover the page; the charts' first colour (plotly's blue) is drawn in quantity.
        $stats.NonWhiteFraction | Should -BeGreaterThan 0.05
        $stats.PlotlyBluePixels | Should -BeGreaterThan 5000
    }
}
