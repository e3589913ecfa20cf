using Builder.Tests.Support;

namespace Builder.Tests.Deployment;

/// <summary>The small Node HTTP service the container deploy tests build into images.</summary>
public static class NodeService
{
    /// <summary>
    /// Answers "version N in HOSTNAME" (N from version.txt), or 500 on every path when mode.txt says
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
          res.end(mode === 'unready' ? 'broken\n' : `version ${version} in ${require('os').hostname()}\n`);
        }).listen(Number(process.env.PORT), '0.0.0.0');
        """;

    /// <summary>A repository of the service at version 0, with a Makefile whose build checks the script, and <paramref name="manifest"/> as its builder.yaml.</summary>
    public static TestRepository Repository(string manifest) => TestRepository.Create(new Dictionary<string, string>
    {
        ["Makefile"] = "build:\n\t@node --check server.js\n\ntest:\n\t@echo tests passed\n",
        ["server.js"] = Server,
        ["version.txt"] = "0\n",
        ["builder.yaml"] = manifest,
    });
}
