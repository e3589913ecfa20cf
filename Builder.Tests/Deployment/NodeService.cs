using Builder.Tests.Support;

namespace Builder.Tests.Deployment;

/// <summary>The small Node HTTP service the container deploy tests build into images.</summary>
public static class NodeService
{
    /// <summary>
    /// Answers "version N in HOSTNAME" (N from version.txt; "version N (FLAVOUR) in ..." when the image sets SERVICE_FLAVOUR), or 500 on every path when mode.txt says
    /// "unready". All interfaces: an engine forwards the published port to the container's own address.
    /// </summary>
    public const string Server = """
        const http = require('http');
        const fs = require('fs');
        const read = (name, fallback) => fs.existsSync(`${__dirname}/${name}`) ? fs.readFileSync(`${__dirname}/${name}`, 'utf8').trim() : fallback;
        const version = read('version.txt', '0');
        const mode = read('mode.txt', 'healthy');
        http.createServer((req, res) => {
          res.writeHead(mode === 'unready' ? 500 : 200, { 'content-type': 'text/plain' });
          const flavour = process.env.SERVICE_FLAVOUR ? ` (${process.env.SERVICE_FLAVOUR})` : '';
          res.end(mode === 'unready' ? 'broken\n' : `version ${version}${flavour} in ${require('os').hostname()}\n`);
        }).listen(Number(process.env.PORT), '0.0.0.0');
        """;

    /// <summary>A repository of the service at version 0, with a Makefile whose build checks the script, <paramref name="manifest"/> as its builder.yaml, and any <paramref name="extra"/> files.</summary>
    public static TestRepository Repository(string manifest, IReadOnlyDictionary<string, string>? extra = null)
    {
        var files = new Dictionary<string, string>
        {
            ["Makefile"] = "build:\n\t@node --check server.js\n\ntest:\n\t@echo tests passed\n",
            ["server.js"] = Server,
            ["version.txt"] = "0\n",
            ["builder.yaml"] = manifest,
        };
        foreach (var (path, text) in extra ?? new Dictionary<string, string>())
            files[path] = text;
        return TestRepository.Create(files);
    }
}
