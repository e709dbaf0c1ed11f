using Prox.Generation;
using Prox.Programs;

namespace Prox.Bench;

/// <summary>
/// Evaluation-only baselines that look at word counts alone, as programs (<c>remove_lines</c> per run of removed
/// lines; the doc stage keeps every document). <see cref="Mode.MinWords"/>: keep a line with at least 10 words.
/// <see cref="Mode.Boilerpipe"/>: the text-only branch of boilerpipe's word-count classifier (Kohlschütter et al.
/// 2010, link density 0): a line is content unless it has ≤ 16 words, the next non-blank line ≤ 15 and the previous
/// non-blank line ≤ 4.
/// </summary>
internal sealed class WordCountBaseline(WordCountBaseline.Mode mode) : IProgramGenerator
{
    public enum Mode { MinWords, Boilerpipe }

    public GeneratorSpec Spec { get; } = new("baseline", mode == Mode.MinWords ? "min-words-10" : "boilerpipe-words");

    public IReadOnlyList<ProgramResult> Generate(IReadOnlyList<ProgramRequest> requests, CancellationToken cancellationToken = default)
    {
        var programs = new ProgramResult[requests.Count];
        for (int r = 0; r < programs.Length; r++)
        {
            var request = requests[r];
            if (request.Stage == ProgramStage.Doc) { programs[r] = "keep_doc()"; continue; }
            var lines = request.DocumentText.Split('\n');
            var words = lines.Select(l => l.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length).ToArray();
            var reasons = new string?[lines.Length];
            int end = Math.Min(lines.Length, request.FirstLine + request.LineCount);
            for (int i = request.FirstLine; i < end; i++)
            {
                if (words[i] == 0) continue;
                bool content = mode == Mode.MinWords ? words[i] >= 10 : words[i] > 16 || Neighbour(words, i, +1) > 15 || Neighbour(words, i, -1) > 4;
                if (!content) reasons[i] = Spec.Argument;
            }
            programs[r] = Prox.Rules.ProgramWriter.Chunk(reasons, []);
        }
        return programs;
    }

    /// <summary>Words of the nearest non-blank line in direction <paramref name="step"/> (0 past the ends).</summary>
    private static int Neighbour(int[] words, int i, int step)
    {
        for (int j = i + step; j >= 0 && j < words.Length; j += step) if (words[j] > 0) return words[j];
        return 0;
    }

    public void Dispose() { }
}
