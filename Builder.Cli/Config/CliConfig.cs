using System.Text.Json;
using System.Text.Json.Serialization;

namespace Builder.Cli.Config;

/// <summary>Where Builder is and the key to use: what `builder login` stores.</summary>
public sealed record CliSettings(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("key")] string Key);

/// <summary>
/// The user's config file, $XDG_CONFIG_HOME/builder/config.json (default ~/.config/builder/config.json).
/// It holds an API key, so it is created readable by its owner only (0600, in a 0700 folder).
/// </summary>
public static class CliConfig
{
    public const string UrlVariable = "BUILDER_URL";
    public const string KeyVariable = "BUILDER_KEY";

    public static string Path
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            if (string.IsNullOrWhiteSpace(root))
                root = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
            return System.IO.Path.Combine(root, "builder", "config.json");
        }
    }

    public static CliSettings? Load()
    {
        if (!File.Exists(Path))
            return null;
        try
        {
            return JsonSerializer.Deserialize<CliSettings>(File.ReadAllText(Path));
        }
        catch (JsonException ex)
        {
            throw new CliException($"{Path} is not valid JSON ({ex.Message}); run `builder login` again.");
        }
    }

    public static void Save(CliSettings settings)
    {
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // Written beside and moved over, so a reader never sees half a file; created 0600 before the key is in it.
        var temporary = $"{Path}.{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temporary, options))
            JsonSerializer.Serialize(stream, settings, new JsonSerializerOptions { WriteIndented = true });
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temporary, Path, overwrite: true);
    }

    /// <summary>The command line wins over the environment, which wins over the config file.</summary>
    public static CliSettings Resolve(string? url, string? key)
    {
        var stored = Load();
        url = First(url, Environment.GetEnvironmentVariable(UrlVariable), stored?.Url);
        key = First(key, Environment.GetEnvironmentVariable(KeyVariable), stored?.Key);
        if (url is null || key is null)
            throw new CliException($"Not logged in: run `builder login`, or set {UrlVariable} and {KeyVariable}.");
        return new CliSettings(url, key);
    }

    static string? First(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();
}
