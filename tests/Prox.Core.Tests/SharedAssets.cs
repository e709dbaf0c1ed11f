namespace Prox.Tests;

/// <summary>
/// Locates the read-only assets in <c>../shared</c> (or <c>$PROX_SHARED</c>). A test that needs one calls
/// <see cref="Require"/>: when the asset is absent the test is skipped with a visible reason, except under
/// <c>CI=true</c>, where a missing asset is a failure.
/// </summary>
public static class SharedAssets
{
    /// <summary>The shared folder: <c>$PROX_SHARED</c>, else <c>../shared</c> next to the repository root.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>True when running under CI (<c>CI=true</c>).</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Full path of a shared asset; skips the test (or fails it under CI) when it is missing.</summary>
    public static string Require(string relativePath)
    {
        var path = Path.Combine(Root, relativePath);
        if (File.Exists(path) || Directory.Exists(path)) return path;
        var reason = $"shared asset '{relativePath}' not found under '{Root}' (set PROX_SHARED)";
        if (IsCi) throw new InvalidOperationException("CI=true and " + reason);
        Skip.If(true, reason);
        return path;
    }

    /// <summary>The repository root (the folder holding Prox.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRoot()
    {
        var env = Environment.GetEnvironmentVariable("PROX_SHARED");
        if (!string.IsNullOrWhiteSpace(env)) return Path.GetFullPath(env);
        return Path.GetFullPath(Path.Combine(FindRepoRoot(), "..", "shared"));
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Prox.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }
}
