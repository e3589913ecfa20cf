using System.Globalization;
using System.Text;

namespace Builder.Worker.Sandbox.Egress;

/// <summary>
/// The head of one request to the egress proxy: a CONNECT tunnel, or a plain-http request with an
/// absolute URL, which is passed on in origin form, without proxy headers and for one request only
/// (a kept-alive connection could otherwise carry a second request to a host nobody checked).
/// </summary>
public sealed record ProxyRequest(string Host, int Port, bool IsTunnel, string ForwardedHead)
{
    static readonly string[] DroppedHeaders = ["proxy-connection", "proxy-authorization", "connection", "keep-alive"];

    public static ProxyRequest? Parse(string head)
    {
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            return null;
        var (method, target, version) = (parts[0], parts[1], parts[2]);

        if (method == "CONNECT")
        {
            var colon = target.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(target[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                return null;
            return new ProxyRequest(target[..colon].Trim('[', ']'), port, true, "");
        }

        if (!Uri.TryCreate(target, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp || string.IsNullOrEmpty(url.Host))
            return null;

        var forwarded = new StringBuilder($"{method} {url.PathAndQuery} {version}\r\n");
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var name = line.Split(':', 2)[0].Trim().ToLowerInvariant();
            if (!DroppedHeaders.Contains(name))
                forwarded.Append(line).Append("\r\n");
        }

        forwarded.Append("Connection: close\r\n\r\n");
        return new ProxyRequest(url.IdnHost, url.Port, false, forwarded.ToString());
    }
}
