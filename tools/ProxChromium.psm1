# Headless Chromium for the report's tests and the README screenshot: load a page from disk (no network), read the
# rendered DOM and the console, take a screenshot, and measure a PNG.

function Find-ProxChromium {
    <# .SYNOPSIS The Chromium executable on PATH (chromium, chromium-browser, google-chrome), or $null. #>
    foreach ($name in 'chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable') {
        $cmd = Get-Command $name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($cmd) { return $cmd.Source }
    }
    $null
}

function Invoke-ProxChromium {
    <#
    .SYNOPSIS
        Loads an HTML file in headless Chromium. Returns the rendered DOM (or writes a screenshot) and every console
        message the page produced (console.log/warn/error and uncaught errors).
    #>
    param(
        [Parameter(Mandatory)] [string] $Path,
        [string] $Screenshot,
        [int] $Width = 1280,
        [int] $Height = 2400,
        [int] $TimeoutSeconds = 180
    )
    $chromium = Find-ProxChromium
    if (-not $chromium) { throw 'Chromium was not found (apt-get install chromium)' }
    $profile = Join-Path ([IO.Path]::GetTempPath()) ("prox-chromium-" + [guid]::NewGuid().ToString('N'))
    $url = [Uri]::new((Resolve-Path -LiteralPath $Path).ProviderPath).AbsoluteUri
    $arguments = @('--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--hide-scrollbars', '--no-first-run',
        '--disable-extensions', '--disable-background-networking', "--user-data-dir=$profile", '--enable-logging=stderr', '--v=0',
        '--virtual-time-budget=10000', "--window-size=$Width,$Height")
    if ($Screenshot) { $arguments += "--screenshot=$Screenshot" } else { $arguments += '--dump-dom' }
    $arguments += $url
    $psi = [Diagnostics.ProcessStartInfo]::new($chromium)
    foreach ($a in $arguments) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    try {
        $p = [Diagnostics.Process]::Start($psi)
        $stdout = $p.StandardOutput.ReadToEndAsync()
        $stderr = $p.StandardError.ReadToEndAsync()
        if (-not $p.WaitForExit($TimeoutSeconds * 1000)) { $p.Kill($true); throw "Chromium did not finish within $TimeoutSeconds s" }
        $p.WaitForExit()
        $console = @($stderr.Result -split "`n" | Where-Object { $_ -match ':CONSOLE[:(]' })
        [pscustomobject]@{ ExitCode = $p.ExitCode; Dom = $stdout.Result; Console = $console; Log = $stderr.Result }
    }
    finally {
        Remove-Item -LiteralPath $profile -Recurse -Force -ErrorAction SilentlyContinue
    }
}

Add-Type -TypeDefinition @'
using System;
using System.IO;
using System.IO.Compression;

public static class ProxPngStats
{
    // Width, height, pixels that are not (near) white, and pixels near the colour (r, g, b) (each channel within 8).
    public static long[] Measure(string path, int r, int g, int b)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 33 || bytes[1] != 'P' || bytes[2] != 'N' || bytes[3] != 'G') throw new InvalidDataException(path + ": not a PNG file");
        int width = 0, height = 0, colorType = 0, depth = 0;
        var idat = new MemoryStream();
        for (var pos = 8; pos + 8 <= bytes.Length;)
        {
            var len = (bytes[pos] << 24) | (bytes[pos + 1] << 16) | (bytes[pos + 2] << 8) | bytes[pos + 3];
            var type = System.Text.Encoding.ASCII.GetString(bytes, pos + 4, 4);
            var data = pos + 8;
            if (type == "IHDR")
            {
                width = (bytes[data] << 24) | (bytes[data + 1] << 16) | (bytes[data + 2] << 8) | bytes[data + 3];
                height = (bytes[data + 4] << 24) | (bytes[data + 5] << 16) | (bytes[data + 6] << 8) | bytes[data + 7];
                depth = bytes[data + 8]; colorType = bytes[data + 9];
            }
            else if (type == "IDAT") idat.Write(bytes, data, len);
            else if (type == "IEND") break;
            pos = data + len + 4;
        }
        if (depth != 8 || (colorType != 2 && colorType != 6)) throw new InvalidDataException(path + ": only 8-bit RGB or RGBA PNG is measured");
        var bpp = colorType == 6 ? 4 : 3;
        idat.Position = 0;
        var raw = new MemoryStream();
        using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.CopyTo(raw);
        var px = raw.ToArray();
        var stride = width * bpp;
        var prev = new byte[stride];
        var cur = new byte[stride];
        long nonWhite = 0, near = 0;
        for (var y = 0; y < height; y++)
        {
            var o = y * (stride + 1);
            var filter = px[o];
            for (var x = 0; x < stride; x++)
            {
                int a = x >= bpp ? cur[x - bpp] : 0, up = prev[x], c = x >= bpp ? prev[x - bpp] : 0, v = px[o + 1 + x];
                switch (filter)
                {
                    case 1: v += a; break;
                    case 2: v += up; break;
                    case 3: v += (a + up) / 2; break;
                    case 4:
                        int p = a + up - c, pa = Math.Abs(p - a), pb = Math.Abs(p - up), pc = Math.Abs(p - c);
                        v += pa <= pb && pa <= pc ? a : pb <= pc ? up : c; break;
                }
                cur[x] = (byte)v;
            }
            for (var x = 0; x < stride; x += bpp)
            {
                int pr = cur[x], pg = cur[x + 1], pbl = cur[x + 2];
                if (pr < 245 || pg < 245 || pbl < 245) nonWhite++;
                if (Math.Abs(pr - r) <= 8 && Math.Abs(pg - g) <= 8 && Math.Abs(pbl - b) <= 8) near++;
            }
            var t = prev; prev = cur; cur = t;
        }
        return new long[] { width, height, nonWhite, near };
    }
}
'@

function Get-ProxPngStats {
    <# .SYNOPSIS Width, height, non-white pixels and pixels of plotly's first trace colour (#1f77b4) of a PNG. #>
    param([Parameter(Mandatory)] [string] $Path)
    $m = [ProxPngStats]::Measure((Resolve-Path -LiteralPath $Path).ProviderPath, 0x1f, 0x77, 0xb4)
    [pscustomobject]@{ Width = $m[0]; Height = $m[1]; NonWhitePixels = $m[2]; PlotlyBluePixels = $m[3]; NonWhiteFraction = $m[2] / [double]($m[0] * $m[1]) }
}

Export-ModuleMember -Function Find-ProxChromium, Invoke-ProxChromium, Get-ProxPngStats
