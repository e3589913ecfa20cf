using System.Security.Cryptography;
using System.Text;

namespace Builder.Core.Security;

/// <summary>
/// API keys look like <c>bld_&lt;prefix&gt;_&lt;secret&gt;</c>. The prefix finds the row; only a
/// SHA-256 hash of the whole key is stored (the secret has 256 bits of entropy, so a slow hash adds nothing).
/// </summary>
public static class ApiKeyGenerator
{
    public static (string Key, string Prefix, string Hash) Create()
    {
        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = $"bld_{prefix}_{secret}";
        return (key, prefix, Hash(key));
    }

    /// <summary>The prefix of a well-formed key, or null.</summary>
    public static string? PrefixOf(string key)
    {
        var parts = key.Split('_', 3);
        return parts.Length == 3 && parts[0] == "bld" && parts[1].Length == 8 && parts[2].Length >= 16 ? parts[1] : null;
    }

    /// <summary>
    /// The prefix under which a key is stored: its own for generated keys, one derived from its hash
    /// for keys an operator chose (a bootstrap key may be any string).
    /// </summary>
    public static string LookupPrefix(string key) => PrefixOf(key) ?? "h" + Hash(key)[..15];

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static bool Matches(string key, string hash) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(key)), Encoding.ASCII.GetBytes(hash));

    static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
