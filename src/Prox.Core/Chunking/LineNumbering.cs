namespace Prox.Chunking;

/// <summary>
/// Writes lines as ProX numbers them: <c>[NNN]line</c>, the global 0-based index zero-padded to at least three digits
/// (<c>[000]</c>, <c>[999]</c>, <c>[1000]</c>), no space after <c>]</c>, lines joined by <c>'\n'</c>.
/// </summary>
public static class LineNumbering
{
    /// <summary>Minimum number of digits of a line number.</summary>
    public const int MinDigits = 3;

    /// <summary>Length of the prefix <c>[NNN]</c> of line <paramref name="index"/>.</summary>
    public static int PrefixLength(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        int digits = 1;
        for (int n = index; n >= 10; n /= 10) digits++;
        return Math.Max(digits, MinDigits) + 2;
    }

    /// <summary>Writes <c>[NNN]</c> for line <paramref name="index"/>; returns the number of characters written.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="PrefixLength"/>.</exception>
    public static int WritePrefix(int index, Span<char> destination)
    {
        int length = PrefixLength(index);
        if (destination.Length < length) throw new ArgumentException("Destination too short for the line number.", nameof(destination));
        destination[0] = '[';
        destination[length - 1] = ']';
        for (int i = length - 2, n = index; i >= 1; i--, n /= 10) destination[i] = (char)('0' + n % 10);
        return length;
    }

    /// <summary>The prefix <c>[NNN]</c> of line <paramref name="index"/> as a string.</summary>
    public static string Prefix(int index) => string.Create(PrefixLength(index), index, static (span, i) => WritePrefix(i, span));

    /// <summary>Length of <paramref name="text"/> once numbered from <paramref name="firstLine"/>.</summary>
    public static int NumberedLength(ReadOnlySpan<char> text, int firstLine = 0)
    {
        int length = text.Length;
        int index = firstLine;
        foreach (var _ in DocumentLines.Enumerate(text)) length += PrefixLength(index++);
        return length;
    }

    /// <summary>
    /// Writes every line of <paramref name="text"/> as <c>[NNN]line</c>, numbering from <paramref name="firstLine"/>, joined
    /// by <c>'\n'</c>; returns the number of characters written (<see cref="NumberedLength"/>).
    /// </summary>
    public static int WriteNumbered(ReadOnlySpan<char> text, int firstLine, Span<char> destination)
    {
        int written = 0;
        int index = firstLine;
        foreach (var line in DocumentLines.Enumerate(text))
        {
            if (index != firstLine) destination[written++] = '\n';
            written += WritePrefix(index++, destination[written..]);
            line.CopyTo(destination[written..]);
            written += line.Length;
        }
        return written;
    }

    /// <summary>Numbers every line of <paramref name="text"/> from <paramref name="firstLine"/> (see <see cref="WriteNumbered"/>).</summary>
    public static string Number(ReadOnlySpan<char> text, int firstLine = 0)
    {
        return string.Create(NumberedLength(text, firstLine), new Lines(text, firstLine),
            static (span, state) => WriteNumbered(state.Text, state.FirstLine, span));
    }

    /// <summary>State for <see cref="string.Create{TState}"/>: lines and the number of the first one.</summary>
    internal readonly ref struct Lines(ReadOnlySpan<char> text, int firstLine)
    {
        public readonly ReadOnlySpan<char> Text = text;
        public readonly int FirstLine = firstLine;
    }
}
