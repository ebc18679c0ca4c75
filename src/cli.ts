import { Command, Option } from 'commander';

export { CommanderError } from 'commander';
import { writeErr, writeOut } from './io/stdio.js';
import type { GlobalOptions } from './output.js';

const EXAMPLES = {
  init: [
    'proxygen init                                   # asks a few questions',
    'proxygen init --from ~/.pilot/config.yaml       # reads Pilot\'s own config first',
    'proxygen init --preset pipelit --domain x.example.com --yes',
  ],
  render: ['proxygen render', 'proxygen render --target nginx --dry-run --diff', 'proxygen render --stdout caddy/Caddyfile'],
  schema: ['proxygen schema > proxygen.schema.json'],
  check: ['proxygen check', 'proxygen check --format sarif > proxygen.sarif', 'proxygen check --format github', 'proxygen check /etc/nginx/conf.d/site.conf Caddyfile cloudflared.yml'],
  refresh: [
    'proxygen refresh-allowlist --reload            # cron: */30 * * * *',
    'proxygen refresh-allowlist --dry-run           # show the diff only',
    'proxygen refresh-allowlist --source meta.json  # a mirror or a saved response',
  ],
  presets: ['proxygen presets', 'proxygen presets --json'],
  apply: [
    'proxygen apply --dry-run --diff              # what would change in /etc, nothing written',
    'sudo proxygen apply                          # install, nginx -t / caddy validate, reload',
    'proxygen apply --root /srv/image --no-reload # into a directory laid out like /',
  ],
  uninstall: ['sudo proxygen uninstall                      # the site of ./proxygen.yaml', 'sudo proxygen uninstall --site pipelit.example.com'],
  verify: [
    'proxygen verify',
    'proxygen verify --hold 75s                     # idle WebSockets must outlive nginx\'s 60 s default',
    'proxygen verify --connect-to 127.0.0.1:443 --insecure   # before DNS points here',
    'proxygen verify --connections 500 --hold 30s --probe-rate',
  ],
};

function examples(list: string[]): string {
  return `\nExamples:\n${list.map((line) => `  $ ${line}`).join('\n')}\n`;
}

/** Options every command takes (SPEC: --config, --json, --no-color). */
function withGlobals(command: Command): Command {
  return command
    .option('-c, --config <file>', 'the site config', './proxygen.yaml')
    .option('--json', 'machine-readable output on stdout')
    .option('--no-color', 'no colours (NO_COLOR works too)');
}

async function prepare(options: GlobalOptions): Promise<void> {
  const { configureColor } = await import('./output.js');
  await configureColor(options);
}

type Declare = (command: Command) => void;

/** Each command's declaration; its module is imported only when it runs. */
const COMMANDS: Record<string, Declare> = {
  init: (command) => {
    withGlobals(command)
      .description('write proxygen.yaml (asking what flags do not say) and render it')
      .option('--preset <name>', 'pilot, pilot-app, pipelit, pipegate or none')
      .option('--domain <host>', 'public domain name')
      .option('--upstream <url>', 'where the app listens, e.g. http://127.0.0.1:9090')
      .option('--tls <mode>', 'acme, files or off')
      .option('--email <address>', "Let's Encrypt account email (tls acme)")
      .option('--cert <file>', 'certificate file (tls files)')
      .option('--key <file>', 'private key file (tls files)')
      .option('--tunnel <provider>', 'none, cloudflare or ngrok')
      .option('--cloudflare-tunnel <name>', 'the Cloudflare tunnel name or UUID (tunnel cloudflare)')
      .option('--credentials-file <file>', "the Cloudflare tunnel's credentials JSON (tunnel cloudflare)")
      .option('--targets <list>', 'comma list of nginx, caddy, cloudflared, ngrok')
      .option('--from <file>', "read the app's own config first (Pilot config.yaml, PipeGate env file)")
      .option('--from-kind <kind>', 'pilot or pipegate, when the file does not tell')
      .option('-y, --yes', 'ask nothing: flags, then what --from found, then defaults')
      .option('-f, --force', 'replace an existing proxygen.yaml (the diff is shown)')
      .addHelpText('after', examples(EXAMPLES.init))
      .action(async (options) => {
        await prepare(options);
        await (await import('./commands/init.js')).run(options);
      });
  },
  render: (command) => {
    withGlobals(command)
      .description('write every target’s files under the output directory')
      .option('-t, --target <name...>', 'only these targets (nginx, caddy, cloudflared, ngrok)')
      .option('-o, --out <dir>', 'output directory (default: `output` from the config)')
      .option('-n, --dry-run', 'show what would change, write nothing')
      .option('--diff', 'print a unified diff of each change')
      .addOption(new Option('--stdout [file]', 'print one rendered file instead of writing'))
      .addHelpText('after', examples(EXAMPLES.render))
      .action(async (options) => {
        await prepare(options);
        await (await import('./commands/render.js')).run(options);
      });
  },
  check: (command) => {
    withGlobals(command)
      .description('CI: config valid, outputs match a fresh render and pass nginx -t, caddy validate, cloudflared and ngrok rules, lint')
      .argument('[files...]', 'check these files instead of the project (kind from name or content)')
      .option('--format <format>', 'text, json, sarif or github', 'text')
      .option('--kind <kind>', 'nginx, caddy, cloudflared or ngrok (for files)')
      .option('--strict', 'a missing validator binary is an error, not a warning')
      .addHelpText('after', examples(EXAMPLES.check))
      .action(async (files: string[], options) => {
        await prepare(options);
        await (await import('./commands/check.js')).run(files, options);
      });
  },
  'refresh-allowlist': (command) => {
    withGlobals(command)
      .description('fetch the published ranges (GitHub meta, Cloudflare) and swap the allowlist files safely (for cron; live files of an applied site)')
      .option('--source <url|file>', "where the allowlists' source answers, or a saved response (default https://api.github.com/meta)")
      .option('--cloudflare-source <url|file>', "where Cloudflare's ranges are read when a config uses both sources (default https://api.cloudflare.com/client/v4/ips)")
      .option('-n, --dry-run', 'print the diff, change nothing')
      .option('--force', 'accept a list that shrank by more than half')
      .option('--reload', 'reload the proxy after a change (reload_command, or systemctl reload nginx|caddy)')
      .option('-v, --verbose', 'say what happened even when all is well')
      .option('--timeout <seconds>', 'per request', '10')
      .option('--retries <n>', 'on 5xx and network errors', '2')
      .option('--root <dir>', 'the --root the site was applied with (an applied site is refreshed in its live files)')
      .addHelpText('after', examples(EXAMPLES.refresh))
      .action(async (options) => {
        await prepare(options);
        await (await import('./commands/refresh-allowlist.js')).run(options);
      });
  },
  apply: (command) => {
    withGlobals(command)
      .description('install the site into the live config (Debian layout or install:), validate, reload, probe; restore on failure')
      .option('--root <dir>', 'prefix every live path with this directory (DESTDIR style)')
      .option('-n, --dry-run', 'show what would change against the live files, write nothing')
      .option('--diff', 'print a unified diff of each change')
      .option('-f, --force', 'replace files at live paths that proxygen did not write')
      .option('--no-reload', 'write and validate, but do not reload the proxies')
      .option('--no-timer', 'do not install the systemd timer for refresh-allowlist')
      .addHelpText('after', examples(EXAMPLES.apply))
      .action(async (options) => {
        await prepare(options);
        await (await import('./commands/apply.js')).run(options);
      });
  },
  uninstall: (command) => {
    withGlobals(command)
      .description('remove one applied site and recompose the shared files, with the same validate/reload/restore')
      .option('--site <domain>', 'the applied site to remove (default: the domain of --config)')
      .option('--root <dir>', 'prefix every live path with this directory (DESTDIR style)')
      .option('-n, --dry-run', 'show what would change, write nothing')
      .option('--diff', 'print a unified diff of each change')
      .option('-f, --force', 'remove files even when they were edited since proxygen wrote them')
      .option('--no-reload', 'do not reload the proxies')
      .addHelpText('after', examples(EXAMPLES.uninstall))
      .action(async (options) => {
        await prepare(options);
        await (await import('./commands/uninstall.js')).run(options);
      });
  },
  verify: (command) => {
    withGlobals(command)
      .description('live checks of the deployed proxy: TLS, redirect, headers, WebSockets, internal paths, webhooks')
      .argument('[url]', 'where the site answers (default https://<domain>:<ports.https>)')
      .option('--connect-to <host[:port]>', 'dial this address instead; Host and SNI stay the domain')
      .option('--ca <file>', 'trust this CA (PEM) for a private certificate')
      .option('-k, --insecure', 'do not verify the certificate')
      .option('--source-address <ip>', 'the local address to probe from')
      .option('--hold <duration>', 'keep WebSockets idle this long and prove they survive (e.g. 75s)')
      .option('--connections <n>', 'hold N WebSockets at once and report how many survive')
      .option('--probe-rate', 'send a burst to a rate-limited route and expect the rate status')
      .option('--timeout <duration>', 'per request', '10s')
      .addHelpText('after', examples(EXAMPLES.verify))
      .action(async (url: string | undefined, options) => {
        await prepare(options);
        await (await import('./commands/verify.js')).run(url, options);
      });
  },
  schema: (command) => {
    withGlobals(command)
      .description('print the JSON Schema of proxygen.yaml')
      .addHelpText('after', examples(EXAMPLES.schema))
      .action(async () => (await import('./commands/schema.js')).run());
  },
  presets: (command) => {
    withGlobals(command)
      .description('list the presets and the app each one serves')
      .addHelpText('after', examples(EXAMPLES.presets))
      .action(async (options) => {
        await prepare(options);
        await (await import('./commands/presets.js')).run(options);
      });
  },
};

export function buildCli(): Command {
  const program = new Command('proxygen')
    .description('One small YAML file in: nginx, Caddy, cloudflared and ngrok configuration out.')
    .version(__PROXYGEN_VERSION__, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut, writeErr })
    .exitOverride();
  for (const [name, declare] of Object.entries(COMMANDS)) declare(program.command(name));
  return program;
}
