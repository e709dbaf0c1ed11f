namespace Prox.Generation;

/// <summary>Makes generators of one kind from specs (the rules, ONNX model folders, …).</summary>
public interface IGeneratorProvider
{
    /// <summary>The spec kind this provider makes (<c>rules</c>, <c>model</c>).</summary>
    string Kind { get; }

    /// <summary>Creates the generator a spec names.</summary>
    /// <exception cref="ArgumentException">The spec's argument or an option is not valid for this kind.</exception>
    IProgramGenerator Create(GeneratorSpec spec, GeneratorContext context);
}
