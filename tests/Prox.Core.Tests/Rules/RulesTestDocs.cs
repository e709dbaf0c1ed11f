using Prox.Generation;
using Prox.Programs;
using Prox.Rules;

namespace Prox.Tests.Rules;

/// <summary>Small hand-written documents and helpers shared by the rules tests.</summary>
internal static class RulesTestDocs
{
    /// <summary>About 80 words of plain English prose in three paragraphs (keeps under every preset).</summary>
    public const string Prose =
        "The river town woke slowly on that grey morning, and the ferry men were the first to walk down to the water.\n" +
        "They checked the ropes, talked about the weather, and waited for the baker to open his shop near the square.\n" +
        "\n" +
        "By noon the market was full of people who had come from the villages with cheese, apples and wool to sell.\n" +
        "Children ran between the stalls while their parents argued with the traders about the price of everything.\n" +
        "\n" +
        "In the evening the lamps were lit along the quay, and the town became quiet again until the next day began.";

    public static RulesDecision Doc(string text, RulesOptions options) =>
        new RulesRefiner(options).Explain(new ProgramRequest(ProgramStage.Doc, text, 0, LineCount(text)));

    public static RulesDecision Chunk(string text, RulesOptions options) =>
        new RulesRefiner(options).Explain(new ProgramRequest(ProgramStage.Chunk, text, 0, LineCount(text)));

    public static int LineCount(string text) => text.AsSpan().Count('\n') + 1;

    public static HashSet<string> Fired(RulesDecision d) => d.DocumentFindings.Select(f => f.Rule).ToHashSet();

    public static int[] Removed(RulesDecision d) => d.RemovedLines.Select(l => l.Line).ToArray();
}
