using System.Diagnostics;
using System.Text.Json;
using Prox.Generation;
using Prox.Refinement;
using Prox.Runs;
using Prox.Tests.Corpus;

namespace Prox.Tests.Runs;

/// <summary>Issue 10: a full disk and an unwritable output folder give a clear error and a state the same command resumes.</summary>
public class OutputFaultTests
{
    private static readonly RefineOptions Words = new() { Tokenizer = "whitespace", Threads = 1 };

    private static string Page(int i) =>
        $"Home | News | Contact\nParagraph {i} explains the harbour and the ferry times in plain words for every reader of the page.\n" +
        $"A second sentence of page {i} says a little more about the new bridge over the river and the old mill.\nCopyright 2026 Example. All rights reserved.";

    private static string[] Inputs(CorpusTestFiles t, int files, int records) =>
        Enumerable.Range(0, files).Select(k => t.WriteLines($"in/f{k}.jsonl",
            Enumerable.Range(0, records).Select(i => JsonSerializer.Serialize(new { id = $"f{k}-{i}", text = Page(k * 1000 + i) })).ToArray())).ToArray();

    private static RunSummary Run(string[] inputs, string outDir)
    {
        using var rules = ProgramGenerators.Create("rules");
        return new CorpusRefiner(rules, Words).Run(inputs, outDir);
    }

    /// <summary>A small tmpfs mounted for one test; the test is skipped (with the reason) where mounting is not permitted.</summary>
    private sealed class Tmpfs : IDisposable
    {
        public string Path { get; }

        public Tmpfs(string path, string options)
        {
            Path = path;
            Directory.CreateDirectory(path);
            var (code, error) = Sh("mount", "-t", "tmpfs", "-o", options, "tmpfs", path);
            Skip.If(code != 0, $"mounting a tmpfs is not permitted here (mount exit {code}: {error.Trim()}); this test needs root or CAP_SYS_ADMIN");
        }

        public void Remount(string options)
        {
            var (code, error) = Sh("mount", "-o", "remount," + options, Path);
            Assert.True(code == 0, error);
        }

        public void Dispose() => Sh("umount", "-l", Path);

        private static (int, string) Sh(string file, params string[] args)
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in args) psi.ArgumentList.Add(a);
            try
            {
                using var p = Process.Start(psi)!;
                var err = p.StandardError.ReadToEnd();
                p.WaitForExit();
                return (p.ExitCode, err);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return (-1, e.Message);
            }
        }
    }

    private static void AssertSameOutputs(string reference, string outDir)
    {
        foreach (var f in Directory.GetFiles(reference, "*.jsonl", SearchOption.AllDirectories))
            Assert.Equal(File.ReadAllBytes(f), File.ReadAllBytes(Path.Combine(outDir, Path.GetRelativePath(reference, f))));
    }

    [SkippableFact]
    public void A_full_disk_stops_the_run_naming_the_folder_and_the_rerun_after_freeing_space_finishes()
    {
        using var t = new CorpusTestFiles();
        var inputs = Inputs(t, 6, 100);
        var reference = t.PathOf("reference");
        var expected = Run(inputs, reference);
        // A small tmpfs (the run's output and half as much again), filled so that only about half the output fits.
        var outputBytes = Directory.GetFiles(reference, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        var sizeKb = (int)(outputBytes * 3 / 2 / 1024) + 64;
        using var disk = new Tmpfs(t.PathOf("disk"), $"size={sizeKb}k");
        var filler = Path.Combine(disk.Path, "filler.bin");
        File.WriteAllBytes(filler, new byte[sizeKb * 1024L - outputBytes / 2]);
        var outDir = Path.Combine(disk.Path, "out");

        var ex = Assert.Throws<OutputFolderException>(() => Run(inputs, outDir));
        Assert.Contains($"'{outDir}'", ex.Message);
        Assert.Contains("disk is full", ex.Message);
        Assert.Contains("rerun the same command", ex.Message);
        Assert.Equal(outDir, ex.Folder);
        // Resumable: committed units stay committed, the unit in flight left no staged or temporary file.
        var committed = RunFolder.Open(outDir).Markers.Count;
        Assert.InRange(committed, 0, inputs.Length - 1);
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp", SearchOption.AllDirectories));
        Assert.True(!Directory.Exists(Path.Combine(outDir, RunFolder.StagingFolder)) || Directory.GetFiles(Path.Combine(outDir, RunFolder.StagingFolder), "*", SearchOption.AllDirectories).Length == 0);

        File.Delete(filler);
        var resumed = Run(inputs, outDir);
        Assert.Equal(committed, resumed.UnitsSkipped);
        Assert.Equal(expected.DocumentsIn, resumed.DocumentsIn);
        Assert.Equal(expected.DocumentsOut, resumed.DocumentsOut);
        AssertSameOutputs(reference, outDir);
    }

    [SkippableFact]
    public void An_unwritable_output_folder_is_refused_naming_it_and_the_run_finishes_once_it_is_writable()
    {
        using var t = new CorpusTestFiles();
        var inputs = Inputs(t, 2, 20);
        var reference = t.PathOf("reference");
        Run(inputs, reference);
        using var ro = new Tmpfs(t.PathOf("ro"), "size=1m");
        Directory.CreateDirectory(Path.Combine(ro.Path, "out"));
        ro.Remount("ro");
        var outDir = Path.Combine(ro.Path, "out");

        var ex = Assert.Throws<OutputFolderException>(() => Run(inputs, outDir));
        Assert.Contains($"'{outDir}'", ex.Message);
        Assert.Contains("cannot be written", ex.Message);

        ro.Remount("rw");
        Assert.Equal(2, Run(inputs, outDir).UnitsDone);
        AssertSameOutputs(reference, outDir);
    }
}
