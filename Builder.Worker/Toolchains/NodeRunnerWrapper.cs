namespace Builder.Worker.Toolchains;

/// <summary>
/// A small node script that runs jest, vitest or mocha through its programmatic entry with Builder's
/// report options, so that the command line the tests can read (process.argv) is the repository's
/// own: [node, the runner's binary, ...the script's arguments]. Tests that parse process.argv would
/// otherwise see --json or --reporter and behave differently under Builder than anywhere else.
/// The test command writes the script into the reports folder (outside the repository) and runs
/// `node "$BUILDER_REPORTS_DIR/jest-run.cjs" jest ...args`; the word after the script is the runner
/// as the test script named it, which becomes process.argv[1] the way the shell would have found it.
/// </summary>
public sealed record NodeRunnerWrapper(string Runner, string Report, string Body)
{
    const string Delimiter = "BUILDER_NODE_WRAPPER";

    public static readonly NodeRunnerWrapper Jest = new("jest", NodeTestScript.JestReport, JestBody);
    public static readonly NodeRunnerWrapper Vitest = new("vitest", NodeTestScript.VitestReport, VitestBody);
    public static readonly NodeRunnerWrapper Mocha = new("mocha", NodeTestScript.MochaReport, MochaBody);

    /// <summary>.cjs: CommonJS whatever the repository's package.json says about modules.</summary>
    public string FileName => $"{Runner}-run.cjs";

    /// <summary>The script's path in the test command, quoted for the shell.</summary>
    public string ShellPath => $"\"${ToolchainCommands.ReportsVariable}/{FileName}\"";

    public string Script => Prelude + Body.Replace("REPORT_FILE", Report, StringComparison.Ordinal);

    /// <summary>The shell lines that write the script before the test command runs it.</summary>
    public string WriteCommand => $"cat > {ShellPath} <<'{Delimiter}'\n{Script}\n{Delimiter}\n";

    const string Prelude = """
        'use strict';
        const fs = require('fs');
        const path = require('path');
        const { pathToFileURL } = require('url');

        const reports = __dirname;
        const [invoked, ...args] = process.argv.slice(2);

        // The path the shell would have run for this word, which the runner would have seen as process.argv[1].
        function binPath(word) {
          if (word.includes('/')) return path.resolve(word);
          for (const dir of (process.env.PATH || '').split(path.delimiter)) {
            const candidate = path.resolve(dir || '.', word);
            if (fs.existsSync(candidate)) return candidate;
          }
          return word;
        }

        const bin = binPath(invoked);
        process.argv = [process.argv[0], bin, ...args];

        function nameOf(dir) {
          try {
            return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name;
          } catch {
            return undefined;
          }
        }

        // The installed package: the one the binary belongs to first (a monorepo may hold several
        // versions), then up from the working folder. Walking folders is not limited by package exports.
        function packageDir(...names) {
          const starts = [];
          try {
            starts.push(path.dirname(fs.realpathSync(bin)));
          } catch {}
          starts.push(process.cwd());
          for (const start of starts) {
            for (let dir = start; ; dir = path.dirname(dir)) {
              for (const name of names) {
                if (nameOf(dir) === name) return dir;
                const installed = path.join(dir, 'node_modules', name);
                if (nameOf(installed) === name) return installed;
              }
              if (path.dirname(dir) === dir) break;
            }
          }
          console.error(`${names[0]} is not installed in node_modules`);
          process.exit(1);
        }

        """;

    // jest's binary sets NODE_ENV before calling run(); run() reads its arguments from the array
    // when given one (jest-cli's run(maybeArgv), which the jest package re-exports).
    const string JestBody = """
        if (process.env.NODE_ENV == null) process.env.NODE_ENV = 'test';
        require(packageDir('jest', 'jest-cli')).run([
          ...args, '--ci', '--json', `--outputFile=${path.join(reports, 'REPORT_FILE')}`, '--testLocationInResults',
        ]);
        """;

    // vitest/node's parseCLI reads the repository's arguments the way the binary does (filters,
    // --config, watch/run); startVitest then runs once with the JSON reporter, which carries each
    // test's line with includeTaskLocation. Versions without parseCLI (before 1.3) get the report
    // options on their command line.
    const string VitestBody = """
        const reportArgs = ['--reporter=default', '--reporter=json', `--outputFile.json=${path.join(reports, 'REPORT_FILE')}`, '--includeTaskLocation'];

        // The file a package exports for a subpath, under its "import" or "default" condition.
        function exported(dir, subpath) {
          const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
          let target = pkg.exports && pkg.exports[subpath];
          while (target && typeof target === 'object') target = target.import ?? target.default ?? target.node;
          return target ? path.join(dir, target) : null;
        }

        (async () => {
          const entry = exported(packageDir('vitest'), './node');
          const api = entry ? await import(pathToFileURL(entry).href) : {};
          if (typeof api.parseCLI !== 'function' || typeof api.startVitest !== 'function') {
            process.argv.push(...(['run', 'watch', 'dev'].includes(args[0]) ? [] : ['run']), ...reportArgs);
            await import(pathToFileURL(bin).href);
            return;
          }
          const { filter, options } = api.parseCLI(['vitest', ...args]);
          options.run = true;
          options.watch = false;
          if (options.exclude) {
            options.cliExclude = [].concat(options.exclude);
            delete options.exclude;
          }
          options.reporter = [...new Set([...[].concat(options.reporter ?? 'default'), 'json'])];
          const outputFile = typeof options.outputFile === 'object' ? options.outputFile : {};
          options.outputFile = { ...outputFile, json: path.join(reports, 'REPORT_FILE') };
          options.includeTaskLocation = true;
          try {
            const vitest = await api.startVitest('test', filter, options);
            if (vitest && !vitest.shouldKeepServer()) await vitest.exit();
          } catch (error) {
            console.error(error);
            if (process.exitCode == null) process.exitCode = 1;
            process.exit();
          }
        })();
        """;

    // mocha's binary loads the options (arguments, .mocharc, package.json) and calls cli.main in
    // process, unless node flags ask for a second node process: then it is run as it would be, with
    // the report options on its command line (only the flags' process sees them).
    const string MochaBody = """
        const reportArgs = ['--reporter', 'xunit', '--reporter-option', `output=${path.join(reports, 'REPORT_FILE')}`];

        // .js in mocha 10 and 11, .cjs or ESM .js in later versions.
        function cliFile(dir, name) {
          return ['.cjs', '.js'].map(ext => path.join(dir, 'lib', 'cli', name + ext)).find(f => fs.existsSync(f));
        }

        (async () => {
          const dir = packageDir('mocha');
          const { loadOptions } = require(cliFile(dir, 'options'));
          const { isNodeFlag } = require(cliFile(dir, 'node-flags'));
          const loaded = loadOptions([...args]);
          const needsNode = Object.keys(loaded).some(o => isNodeFlag(o)) || loaded['node-option'] || (loaded._ || []).includes('inspect');
          if (needsNode) {
            process.argv.push(...reportArgs);
            await import(pathToFileURL(bin).href);
            return;
          }
          const cli = await import(pathToFileURL(cliFile(dir, 'cli')).href);
          (cli.main ?? cli.default.main)([...args, ...reportArgs]);
        })();
        """;
}
