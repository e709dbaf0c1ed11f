namespace Prox.Models;

/// <summary>
/// Symmetric per-output-channel int8 quantization of a linear layer's weight <c>[in, out]</c> (row-major, the layout
/// the graph multiplies by): for every output column o, <c>scale[o] = max_r |w[r, o]| / 127</c> and
/// <c>q[r, o] = round(w[r, o] / scale[o])</c> in [-127, 127], zero point 0. A column of zeros gets scale 1.
/// </summary>
internal static class Int8Weights
{
    /// <summary>Quantizes <paramref name="weights"/> (<c>[rows, cols]</c>); returns the int8 values (same layout) and one scale per column.</summary>
    public static (sbyte[] Values, float[] Scales) Quantize(ReadOnlySpan<float> weights, int rows, int cols)
    {
        if ((long)rows * cols != weights.Length)
            throw new ArgumentException($"a [{rows}, {cols}] weight needs {(long)rows * cols} values, got {weights.Length}");
        var max = new float[cols];
        for (int r = 0; r < rows; r++)
        {
            var row = weights.Slice(r * cols, cols);
            for (int o = 0; o < cols; o++)
            {
                float a = Math.Abs(row[o]);
                if (!(a <= float.MaxValue)) throw new InvalidDataException($"weight [{r}, {o}] is {row[o]}: not a finite number");
                if (a > max[o]) max[o] = a;
            }
        }
        var scales = new float[cols];
        var inverse = new float[cols];
        for (int o = 0; o < cols; o++)
        {
            scales[o] = max[o] > 0 ? max[o] / 127f : 1f;
            inverse[o] = 1f / scales[o];
        }
        var q = new sbyte[weights.Length];
        for (int r = 0; r < rows; r++)
        {
            var row = weights.Slice(r * cols, cols);
            var dst = q.AsSpan(r * cols, cols);
            for (int o = 0; o < cols; o++)
                dst[o] = (sbyte)Math.Clamp(MathF.Round(row[o] * inverse[o], MidpointRounding.ToEven), -127f, 127f);
        }
        return (q, scales);
    }
}
