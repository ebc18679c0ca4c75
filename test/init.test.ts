import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cli, tempProject } from './helpers/cli.js';
import { hasTool } from './helpers/tools.js';

const listAll = (dir: string): string[] => (readdirSync(dir, { recursive: true }) as string[]).sort();
const grepAll = (dir: string, needle: string): string[] => listAll(dir).filter((f) => !f.endsWith('pilot-config.yaml')).filter((f) => { try { return readFileSync(join(dir, f), 'utf8').includes(needle); } catch { return false; } });

const PILOT_CONFIG = `gateway:
  host: "0.0.0.0"
  port: 9090
auth:
  type: "api-token"
  token: "tok-SECRET-auth-1"
tunnel:
  enabled: true
  provider: ngrok
  domain: "pilot.ngrok.app"
  auth_token: "tok-SECRET-ngrok-2"
adapters:
  github:
    webhook_secret: "tok-SECRET-github-3"
  gitlab:
    webhook_secret: "tok-SECRET-gitlab-4"
  linear: {}
  jira:
    webhook_secret: ""
  asana:
    webhook_secret: "tok-SECRET-asana-5"
  plane:
    webhook_secret: "tok-SECRET-plane-6"
`;

describe('proxygen init without a terminal (flags, --yes, piped stdin)', () => {
  it('flags only: writes proxygen.yaml with the $schema line, the schema, and renders', () => {
    const dir = tempProject();
    const result = cli(['init', '--preset', 'pipelit', '--domain', 'x.example.com', '--yes'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('wrote proxygen.yaml and proxygen.schema.json; rendered 4 files under deploy/proxy/');
    expect(result.stdout).toContain(`  1. one proxy per server: keep nginx or caddy in targets: of ${dir}/proxygen.yaml (both would listen on the same ports)\n`);
    expect(result.stdout).toMatch(/\n {2}4\. put it live, then check it: sudo proxygen apply --config \S+ && proxygen verify --config \S+\n$/);
    expect(readFileSync(join(dir, 'proxygen.yaml'), 'utf8')).toBe(
      '# yaml-language-server: $schema=./proxygen.schema.json\n# Written by `proxygen init`. Edit it, then run `proxygen render`.\n# Preset pipelit fills in the rest; `proxygen presets` lists what each one sets.\nversion: 1\npreset: pipelit\ndomain: x.example.com\nupstream: http://127.0.0.1:8000\ntls:\n  mode: acme\ntargets: [nginx, caddy]\n',
    );
    expect(JSON.parse(readFileSync(join(dir, 'proxygen.schema.json'), 'utf8')).title).toBe('proxygen.yaml');
    expect(listAll(dir)).toContain(join('deploy', 'proxy', 'nginx', 'x.example.com.conf'));
    // What init wrote passes check straight away.
    expect(cli(['check', '--format', 'json'], { cwd: dir }).code).toBe(0);
  });

  it('no terminal on stdin asks nothing, and a missing domain is exit 2 naming the flag; nothing written', () => {
    const dir = tempProject();
    const result = cli(['init', '--preset', 'pilot'], { cwd: dir });
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'proxygen: --domain is required when init asks nothing (--yes or no terminal on stdin)\nhint: proxygen init --domain <value> --yes\n' });
    expect(listAll(dir)).toEqual([]);
  });

  it('a bad flag gets the same message as the same value in proxygen.yaml', () => {
    const dir = tempProject();
    const flag = cli(['init', '--domain', 'bad;host', '--yes'], { cwd: dir });
    expect(flag.code).toBe(2);
    writeFileSync(join(dir, 'proxygen.yaml'), 'domain: "bad;host"\n');
    const file = cli(['render'], { cwd: dir });
    const fromFlag = flag.stderr.split('\n')[0]!;
    const fromFile = file.stderr.split('\n')[0]!;
    expect(fromFlag.startsWith('proxygen: --domain bad;host: ')).toBe(true);
    expect(fromFile).toMatch(/^proxygen\.yaml:1:\d+ domain: /);
    expect(fromFlag.replace('proxygen: --domain bad;host: ', '')).toBe(fromFile.replace(/^proxygen\.yaml:1:\d+ domain: /, ''));
  });

  it.each([
    [['--tls', 'maybe'], 'proxygen: --tls maybe: Invalid option: expected one of "acme"|"files"|"off"\nhint: proxygen init --tls <value>\n'],
    [['--targets', 'nginx,apache'], 'proxygen: --targets nginx,apache: Invalid option: expected one of "nginx"|"caddy"|"cloudflared"|"ngrok"\nhint: proxygen init --targets <value>\n'],
    [['--tls', 'files'], 'proxygen: --cert is required when init asks nothing (--yes or no terminal on stdin)\nhint: proxygen init --cert <value> --yes\n'],
    [['--from', '/nonexistent.yaml'], "proxygen: --from /nonexistent.yaml: cannot read\nhint: give the app's config file, e.g. --from ~/.pilot/config.yaml\n"],
  ])('%j is refused with exit 2', (args, stderr) => {
    const dir = tempProject();
    expect(cli(['init', '--domain', 'x.example.com', '--yes', ...args], { cwd: dir })).toEqual({ code: 2, stdout: '', stderr });
    expect(listAll(dir)).toEqual([]);
  });

  const HOSTILE = ['\n', ';', '{', '}', '"', "'", '#', '$', '`', ' ', 'é'];
  const FLAG_VALUES: [string, (bad: string) => string, string[]][] = [
    ['--domain', (bad) => `x${bad}.example.com`, []],
    ['--upstream', (bad) => `http://127.0.0.1:9090/${bad}`, []],
    ['--email', (bad) => `ops${bad}@example.com`, []],
    ['--cert', (bad) => `/etc/ssl/x${bad}/cert.pem`, ['--tls', 'files', '--key', '/etc/ssl/k.pem']],
    ['--key', (bad) => `/etc/ssl/x${bad}/key.pem`, ['--tls', 'files', '--cert', '/etc/ssl/c.pem']],
  ];
  it.each(FLAG_VALUES.flatMap(([flag, value, extra]) => HOSTILE.map((bad) => [flag, JSON.stringify(bad), value(bad), extra] as const)))('hostile %s with %s: exit 2 naming the flag, nothing written', (flag, _shown, value, extra) => {
    const dir = tempProject();
    const args = ['init', '--yes', ...(flag === '--domain' ? [] : ['--domain', 'x.example.com']), ...extra, flag, value];
    const result = cli(args, { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr.startsWith(`proxygen: ${flag} `)).toBe(true);
    expect(result.stdout).toBe('');
    expect(listAll(dir)).toEqual([]);
  });

  it('a Cloudflare tunnel: name and credentials file asked (here: flags and defaults), written, and check passes', () => {
    const dir = tempProject();
    const result = cli(['init', '--domain', 'pilot.example.com', '--tunnel', 'cloudflare', '--credentials-file', '/etc/cloudflared/6f1c.json', '--yes'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(readFileSync(join(dir, 'proxygen.yaml'), 'utf8')).toContain('tunnel:\n  provider: cloudflare\n  cloudflare:\n    tunnel: pilot\n    credentials_file: /etc/cloudflared/6f1c.json\n');
    expect(result.stdout).toContain('cloudflared tunnel route dns pilot pilot.example.com');
    expect(cli(['check', '--format', 'json'], { cwd: dir }).code).toBe(0);
    const bad = cli(['init', '--domain', 'pilot.example.com', '--tunnel', 'cloudflare', '--cloudflare-tunnel', 'a b;c', '--yes'], { cwd: tempProject() });
    expect(bad).toEqual({ code: 2, stdout: '', stderr: 'proxygen: --cloudflare-tunnel a b;c: expected a tunnel name or UUID (letters, digits, . _ -)\nhint: proxygen init --cloudflare-tunnel <value>\n' });
  });

  it('an existing proxygen.yaml is kept without --force, with the diff --force would apply', () => {
    const dir = tempProject();
    expect(cli(['init', '--domain', 'a.example.com', '--yes'], { cwd: dir }).code).toBe(0);
    const before = readFileSync(join(dir, 'proxygen.yaml'), 'utf8');
    const refused = cli(['init', '--domain', 'b.example.com', '--yes'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toContain('-domain: a.example.com\n+domain: b.example.com\n');
    expect(refused.stderr).toBe('proxygen: proxygen.yaml exists; nothing was written\nhint: proxygen init --force (with the same flags) replaces it with what the diff above shows\n');
    expect(readFileSync(join(dir, 'proxygen.yaml'), 'utf8')).toBe(before);
    const forced = cli(['init', '--domain', 'b.example.com', '--yes', '--force'], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'proxygen.yaml'), 'utf8')).toContain('domain: b.example.com\n');
  });

  it('--from a Pilot config: warnings name keys, and no secret reaches any file or output', () => {
    const dir = tempProject();
    writeFileSync(join(dir, 'pilot-config.yaml'), PILOT_CONFIG);
    const result = cli(['init', '--from', 'pilot-config.yaml', '--yes'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n').filter(Boolean)).toEqual([
      'warning: gateway.host 0.0.0.0 listens on every interface: the proxy will use 127.0.0.1; bind gateway.host to 127.0.0.1 so port 9090 is not reachable around the proxy',
      'warning: tunnel.auth_token is not copied: the ngrok agent reads NGROK_AUTHTOKEN from its environment',
      'warning: adapters.linear has no webhook_secret: Pilot validates webhook signatures; set adapters.linear.webhook_secret',
      'warning: adapters.jira has no webhook_secret: Pilot validates webhook signatures; set adapters.jira.webhook_secret',
      'warning: auth.type api-token: Pilot asks for a bearer token on /api/v1/*; /api/ stays reachable through the proxy (the token is not copied)',
    ]);
    const yaml = readFileSync(join(dir, 'proxygen.yaml'), 'utf8');
    expect(yaml).toContain('domain: pilot.ngrok.app\n');
    expect(yaml).toContain('tunnel:\n  provider: ngrok\n');
    expect(yaml).toContain('networks:\n  internal:\n    - 10.0.0.0/8\n    - 192.168.0.0/16\n');
    expect(yaml.match(/- path: \/webhooks\/\w+/g)).toHaveLength(6);
    expect(`${result.stdout}${result.stderr}`).not.toContain('SECRET');
    expect(grepAll(dir, 'SECRET')).toEqual([]);
    expect(cli(['check', '--format', 'json'], { cwd: dir }).code).toBe(0);
  });

  it('--from a file whose name holds a newline and a key: the name is printed escaped, no key is injected', () => {
    const dir = tempProject();
    const name = 'pilot.yaml\ntls: { mode: "off" }';
    writeFileSync(join(dir, name), PILOT_CONFIG);
    const result = cli(['init', '--from', name, '--yes'], { cwd: dir });
    expect(result.code).toBe(0);
    const yaml = readFileSync(join(dir, 'proxygen.yaml'), 'utf8');
    expect(yaml).toContain('# Written by `proxygen init` from pilot.yaml\\ntls: { mode: \\"off\\" }. Edit it');
    const plain = tempProject();
    writeFileSync(join(plain, 'pilot.yaml'), PILOT_CONFIG);
    expect(cli(['init', '--from', 'pilot.yaml', '--yes'], { cwd: plain }).code).toBe(0);
    const without = (text: string) => text.split('\n').filter((line) => !line.startsWith('# Written by'));
    expect(without(yaml)).toEqual(without(readFileSync(join(plain, 'proxygen.yaml'), 'utf8')));
  });

  it('--from a PipeGate env file: body limit and port; the JWT secret is never copied', () => {
    const dir = tempProject();
    writeFileSync(join(dir, 'pipegate.env'), 'export PIPEGATE_JWT_SECRET="tok-SECRET-jwt-7"\nexport PIPEGATE_JWT_ALGORITHMS=\'["HS256"]\'\nPIPEGATE_MAX_BODY_BYTES=52428800\nPIPEGATE_PORT=8100\n');
    const result = cli(['init', '--from', 'pipegate.env', '--domain', 'tunnel.example.com', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { answers: { preset: string; upstream: string }; warnings: string[] };
    expect(report.answers).toMatchObject({ preset: 'pipegate', upstream: 'http://127.0.0.1:8100' });
    expect(readFileSync(join(dir, 'proxygen.yaml'), 'utf8')).toContain('limits:\n  body: 50m\nroutes:\n  - path: /\n    timeout: 6m\n    body: 50m\n');
    expect(`${result.stdout}${result.stderr}`).not.toContain('SECRET');
    expect(grepAll(dir, 'SECRET').filter((f) => f !== 'pipegate.env')).toEqual([]);
  });
});

const haveTmux = hasTool('tmux');

/** The wizard in a real terminal: tmux runs it, we type, and read the screen. */
function tmux(args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

async function screenUntil(session: string, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const screen = tmux(['capture-pane', '-p', '-t', session, '-S', '-200']);
    if (pattern.test(screen)) return screen;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} on:\n${screen}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.runIf(haveTmux)('proxygen init in a real terminal (tmux)', () => {
  const start = (dir: string, session: string) => {
    spawnSync('tmux', ['kill-session', '-t', session]);
    tmux(['new-session', '-d', '-s', session, '-x', '160', '-y', '50', `cd ${dir} && NO_COLOR=1 ${process.execPath} ${BIN} init; echo "EXIT=$?"; sleep 60`]);
  };
  const keys = (session: string, ...sequence: string[]) => tmux(['send-keys', '-t', session, ...sequence]);

  it('answers with the defaults after typing a domain, refuses a bad one at the prompt, writes and renders', async () => {
    const dir = tempProject();
    const session = `proxygen-init-${process.pid}`;
    start(dir, session);
    try {
      await screenUntil(session, /App preset/);
      keys(session, 'Enter');
      await screenUntil(session, /Public domain name/);
      keys(session, '-l', 'bad domain');
      keys(session, 'Enter');
      await screenUntil(session, /host name contains whitespace or a control character/);
      keys(session, 'C-u');
      keys(session, '-l', 'pilot.example.com');
      keys(session, 'Enter');
      for (const prompt of [/upstream URL/, /TLS certificates/, /Email for Let's Encrypt/, /Tunnel in front/, /Outputs to render/, /Write proxygen\.yaml and render\?/]) {
        await screenUntil(session, prompt);
        keys(session, 'Enter');
      }
      const screen = await screenUntil(session, /EXIT=\d+/);
      expect(screen).toMatch(/EXIT=0/);
      expect(screen).toContain('wrote proxygen.yaml and proxygen.schema.json; rendered 5 files under deploy/proxy/');
      expect(readFileSync(join(dir, 'proxygen.yaml'), 'utf8')).toContain('preset: pilot\ndomain: pilot.example.com\nupstream: http://127.0.0.1:9090\ntls:\n  mode: acme\ntargets: [nginx, caddy]\n');
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session]);
    }
  }, 30_000);

  it('Ctrl-C at a prompt exits cleanly (130, no stack trace) and leaves the folder empty', async () => {
    const dir = tempProject();
    const session = `proxygen-cancel-${process.pid}`;
    start(dir, session);
    try {
      await screenUntil(session, /App preset/);
      keys(session, 'Enter');
      await screenUntil(session, /Public domain name/);
      keys(session, '-l', 'pilot.exa');
      keys(session, 'C-c');
      const screen = await screenUntil(session, /EXIT=\d+/);
      expect(screen).toMatch(/cancelled; nothing was written\nEXIT=130/);
      expect(screen).not.toMatch(/at .*\.js:\d+/);
      expect(listAll(dir)).toEqual([]);
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session]);
    }
  }, 30_000);
});
