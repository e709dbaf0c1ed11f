using System.Reflection;
using System.Runtime.Loader;

namespace Prox.Analysis;

/// <summary>
/// Prepares the process for the analysis layer. Plotly.NET is built against a newer FSharp.Core than the one the
/// Polyglot (.NET Interactive) kernel has already loaded; without help the first chart fails with a
/// <see cref="FileLoadException"/>. <see cref="Initialize"/> answers every FSharp.Core request the runtime cannot
/// satisfy with the FSharp.Core that is already loaded. Notebooks call it in their first cell, before any chart.
/// </summary>
/// <example><code>
/// Prox.Analysis.AnalysisRuntime.Initialize();
/// var run = RunAnalysis.Open("refined");
/// </code></example>
public static class AnalysisRuntime
{
    private static int _installed;

    /// <summary>True once <see cref="Initialize"/> has installed its handler.</summary>
    public static bool IsInitialized => Volatile.Read(ref _installed) == 1;

    /// <summary>
    /// Installs (once; later calls do nothing) an <see cref="AssemblyLoadContext.Resolving"/> handler on the default
    /// load context that resolves FSharp.Core to the copy already loaded in the process, whatever version is asked for.
    /// </summary>
    public static void Initialize()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1) return;
        AssemblyLoadContext.Default.Resolving += ResolveFSharpCore;
    }

    internal static Assembly? ResolveFSharpCore(AssemblyLoadContext context, AssemblyName name)
    {
        if (!string.Equals(name.Name, "FSharp.Core", StringComparison.Ordinal)) return null;
        foreach (var a in AppDomain.CurrentDomain.GetAssemblies())
            if (string.Equals(a.GetName().Name, "FSharp.Core", StringComparison.Ordinal))
                return a;
        return null;
    }
}
