using System.Runtime.InteropServices;
using Prox.Models.Onnx;

namespace Prox.Models;

/// <summary>Conversions between float32 and the 16-bit float formats stored in checkpoints and ONNX files.</summary>
internal static class TensorConvert
{
    /// <summary>Decodes little-endian bytes of ONNX element type <paramref name="onnxType"/> into float32.</summary>
    public static float[] ToFloat(ReadOnlySpan<byte> bytes, int onnxType, string what)
    {
        switch (onnxType)
        {
            case OnnxType.Float:
                return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
            case OnnxType.Float16:
            {
                var src = MemoryMarshal.Cast<byte, Half>(bytes);
                var dst = new float[src.Length];
                for (int i = 0; i < src.Length; i++) dst[i] = (float)src[i];
                return dst;
            }
            case OnnxType.BFloat16:
            {
                var src = MemoryMarshal.Cast<byte, ushort>(bytes);
                var dst = new float[src.Length];
                for (int i = 0; i < src.Length; i++) dst[i] = BitConverter.Int32BitsToSingle(src[i] << 16);
                return dst;
            }
            default:
                throw new NotSupportedException($"{what}: element type {OnnxType.Name(onnxType)} is not a supported weight type (float32, float16, bfloat16)");
        }
    }

    /// <summary>Encodes float32 values as float16 bytes (round to nearest even).</summary>
    public static byte[] ToHalfBytes(ReadOnlySpan<float> values)
    {
        var dst = new Half[values.Length];
        for (int i = 0; i < values.Length; i++) dst[i] = (Half)values[i];
        return MemoryMarshal.AsBytes(dst.AsSpan()).ToArray();
    }
}
