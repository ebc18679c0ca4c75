import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cli, tempProject } from './helpers/cli.js';
import { FIXTURES } from './helpers/project.js';

const PILOT = 'preset: pilot\ndomain: pilot.example.com\n';
const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };

function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe('proxygen (global)', () => {
  it('--version prints the package version', () => {
    expect(cli(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('--help lists the commands', () => {
    const result = cli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/render \[options\]/);
    expect(result.stdout).toMatch(/schema \[options\]/);
    expect(result.stdout).toMatch(/presets \[options\]/);
  });

  it.each([['schema'], ['--help'], ['help', 'check'], ['--version']])('a reader that went away (`proxygen %s | true`) is not an error: exit 0, nothing on stderr', (...args) => {
    const result = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" ${args.join(' ')} | true; echo "exit \${PIPESTATUS[0]}"`], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(result.stdout).toBe('exit 0\n');
    expect(result.stderr).toBe('');
  });

  it('output to a file or /dev/null is written whole', () => {
    const dir = tempProject(PILOT);
    const result = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" schema > schema.json && "${process.execPath}" "${BIN}" render > /dev/null`], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(result).toMatchObject({ status: 0, stderr: '' });
    expect(readFileSync(join(dir, 'schema.json'), 'utf8')).toBe(cli(['schema']).stdout);
  });

  it('render --help shows examples', () => {
    const result = cli(['render', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Examples:\n  $ proxygen render\n');
    expect(result.stdout).toContain('--config <file>');
    expect(result.stdout).toContain('--no-color');
  });

  it.each([
    [['bogus'], "error: unknown command 'bogus'\n(run with --help for usage)\n"],
    [['render', '--bogus'], "error: unknown option '--bogus'\n(run with --help for usage)\n"],
  ])('usage error %j exits 2', (args, stderr) => {
    expect(cli(args)).toEqual({ code: 2, stdout: '', stderr });
  });
});

describe('proxygen render', () => {
  it('writes all targets for a two-line config and lists them', () => {
    const dir = tempProject(PILOT);
    const result = cli(['render'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    expect(lines.slice(0, 8)).toEqual([
      'created   deploy/proxy/README.md',
      'created   deploy/proxy/caddy/Caddyfile',
      'created   deploy/proxy/caddy/allowlists/github-hooks.caddy',
      'created   deploy/proxy/cloudflared/config.yml',
      'created   deploy/proxy/nginx/allowlists/github-hooks.conf',
      'created   deploy/proxy/nginx/pilot.example.com.conf',
      'created   deploy/proxy/ngrok/ngrok.yml',
      'wrote 7 of 7 files under deploy/proxy/ (allowlists from the bundled GitHub meta snapshot of 2026-11-22)',
    ]);
    expect(result.stdout).toContain('caddy: /webhooks/: rate 10/s not enforced: stock Caddy has no rate limiter');
    expect(result.stdout).toContain('cloudflared: /webhooks/github: allow github-hooks not enforced');
    expect(tree(join(dir, 'deploy/proxy'))).toEqual([
      'README.md',
      'caddy/Caddyfile',
      'caddy/allowlists/github-hooks.caddy',
      'cloudflared/config.yml',
      'nginx/allowlists/github-hooks.conf',
      'nginx/pilot.example.com.conf',
      'ngrok/ngrok.yml',
    ]);
    // The same bytes as the golden files of the pilot fixture apart from its extra tls/tunnel keys.
    expect(readFileSync(join(dir, 'deploy/proxy/nginx/allowlists/github-hooks.conf'), 'utf8')).toBe(readFileSync(join(FIXTURES, 'pilot/expected/nginx/allowlists/github-hooks.conf'), 'utf8'));
  });

  it('is idempotent: a second run changes nothing', () => {
    const dir = tempProject(PILOT);
    cli(['render'], { cwd: dir });
    const second = cli(['render'], { cwd: dir });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('wrote 0 of 7 files under deploy/proxy/');
    expect(second.stdout.match(/^unchanged /gm)).toHaveLength(7);
  });

  it('--dry-run writes nothing; --diff shows the change', () => {
    const dir = tempProject(PILOT);
    const result = cli(['render', '--dry-run', '--diff', '--target', 'cloudflared'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('would write 2 of 2 files under deploy/proxy/');
    expect(result.stdout).toContain('+++ b/cloudflared/config.yml');
    expect(result.stdout).toContain("+    path: '^/metrics$'");
    expect(existsSync(join(dir, 'deploy'))).toBe(false);
  });

  it('--diff after an edit shows only the changed lines', () => {
    const dir = tempProject(PILOT);
    cli(['render'], { cwd: dir });
    writeFileSync(join(dir, 'proxygen.yaml'), `${PILOT}upstream: http://127.0.0.1:9191\n`);
    const result = cli(['render', '--diff', '--target', 'cloudflared'], { cwd: dir });
    expect(result.stdout).toContain('updated   deploy/proxy/cloudflared/config.yml');
    expect(result.stdout).toContain('-    service: http://127.0.0.1:9090\n+    service: http://127.0.0.1:9191');
  });

  it('--stdout prints one file and writes nothing', () => {
    const dir = tempProject(PILOT);
    const result = cli(['render', '--stdout', 'cloudflared/config.yml'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^# Generated by proxygen from proxygen\.yaml: cloudflared ingress for pilot\.example\.com\.\n/);
    expect(result.stdout).toMatch(/ {2}- service: http_status:404\n$/);
    expect(existsSync(join(dir, 'deploy'))).toBe(false);
  });

  it('--stdout without a file needs exactly one target file', () => {
    const dir = tempProject(PILOT);
    expect(cli(['render', '--stdout', '--target', 'ngrok'], { cwd: dir }).stdout).toMatch(/^# Generated by proxygen .*ngrok agent v3/);
    const many = cli(['render', '--stdout'], { cwd: dir });
    expect(many.code).toBe(2);
    expect(many.stderr).toMatch(/^proxygen: --stdout needs a file when several are rendered\nhint: one of: README\.md, caddy\/Caddyfile/);
  });

  it('--json reports files and gaps', () => {
    const dir = tempProject(PILOT);
    const result = cli(['render', '--json', '--target', 'caddy'], { cwd: dir });
    const report = JSON.parse(result.stdout) as { files: { path: string; status: string }[]; gaps: { target: string; gaps: string[] }[] };
    expect(report.files).toEqual([
      { path: 'README.md', status: 'created' },
      { path: 'caddy/Caddyfile', status: 'created' },
      { path: 'caddy/allowlists/github-hooks.caddy', status: 'created' },
    ]);
    expect(report.gaps[0]!.target).toBe('caddy');
    expect(report.gaps[0]!.gaps.map((gap) => gap.split(':')[0])).toEqual(['site body limit enforced with 413 before proxying when the request declares its Content-Length; a chunked body over the limit is cut off there, after the app received that much (the client gets 502)', '/webhooks/github', '/webhooks/']);
  });

  it('--target rejects an unknown target with exit 2', () => {
    const dir = tempProject(PILOT);
    expect(cli(['render', '--target', 'apache'], { cwd: dir })).toEqual({
      code: 2,
      stdout: '',
      stderr: 'proxygen: --target apache: unknown target\nhint: use one of nginx, caddy, cloudflared, ngrok\n',
    });
  });

  it('keeps an allowlist that refresh-allowlist rewrote', () => {
    const dir = tempProject(PILOT);
    cli(['render'], { cwd: dir });
    const list = join(dir, 'deploy/proxy/nginx/allowlists/github-hooks.conf');
    writeFileSync(list, 'allow 192.0.2.0/24;\n');
    const result = cli(['render'], { cwd: dir });
    expect(result.stdout).toContain('kept      deploy/proxy/nginx/allowlists/github-hooks.conf');
    expect(readFileSync(list, 'utf8')).toBe('allow 192.0.2.0/24;\n');
  });

  it('writes the firewall script executable and leaves no temp files', () => {
    const dir = tempProject('preset: pipelit\ndomain: p.example.com\n');
    cli(['render'], { cwd: dir });
    expect(statSync(join(dir, 'deploy/proxy/firewall/ufw.sh')).mode & 0o777).toBe(0o755);
    expect(tree(join(dir, 'deploy/proxy')).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('--config and --out place files elsewhere', () => {
    const dir = tempProject();
    writeFileSync(join(dir, 'site.yaml'), PILOT);
    const result = cli(['render', '--config', 'site.yaml', '--out', 'elsewhere', '--target', 'nginx'], { cwd: dir });
    expect(result.code).toBe(0);
    expect(existsSync(join(dir, 'elsewhere/nginx/pilot.example.com.conf'))).toBe(true);
  });
});

describe('bad config files: exit 2 with file:line:col', () => {
  it.each([
    ['a missing file', null, 'proxygen: proxygen.yaml: no such file\nhint: create one with `proxygen init`, or pass --config FILE\n'],
    ['a YAML syntax error', 'preset: pilot\ndomain: [oops\n', 'proxygen.yaml:3:1 (yaml): Flow sequence in block collection must be sufficiently indented and end with a ]\nhint: fix the YAML syntax (indent with spaces, quote values with ":" or "#")\n'],
    ['a wrong type', 'preset: pilot\ndomain: pilot.example.com\nports: { http: eighty }\n', 'proxygen.yaml:3:16 ports.http: expected a port (8443) or an address and port (127.0.0.1:8443, [::1]:8443)\nhint: fix the file, then run `proxygen render` again (`proxygen schema` prints every key)\n'],
    ['an unknown key', 'preset: pilot\ndomain: pilot.example.com\nroutes:\n  - path: /x\n    tiemout: 5s\n', 'proxygen.yaml:5:5 routes.0.tiemout: unknown key (check the spelling; `proxygen schema` lists every key)\nhint: fix the file, then run `proxygen render` again (`proxygen schema` prints every key)\n'],
    ['an alias without its anchor', 'preset: pilot\ndomain: *x\n', 'proxygen.yaml:2:9 (yaml): Unresolved alias (the anchor must be set before the alias): x\nhint: fix the YAML syntax (indent with spaces, quote values with ":" or "#")\n'],
    ['an alias bomb', `a: &a [1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b]\ndomain: a.example.com\n`, 'proxygen.yaml:2:8 (yaml): Excessive alias count indicates a resource exhaustion attack\nhint: fix the YAML syntax (indent with spaces, quote values with ":" or "#")\n'],
    ['a key given twice', 'preset: pilot\ndomain: a.example.com\ndomain: b.example.com\n', 'proxygen.yaml:3:1 (yaml): Map keys must be unique ("domain" appears twice)\nhint: fix the YAML syntax (indent with spaces, quote values with ":" or "#")\n'],
    ['an unknown key with an escape sequence', 'preset: pilot\ndomain: a.example.com\n"x\\e[31my": 1\n', 'proxygen.yaml:3:1 x\\u001b[31my: unknown key (check the spelling; `proxygen schema` lists every key)\nhint: fix the file, then run `proxygen render` again (`proxygen schema` prints every key)\n'],
    ['an unknown key that forges a line', 'preset: pilot\ndomain: a.example.com\n"x\\nproxygen.yaml:1:1 domain": 1\n', 'proxygen.yaml:3:1 x\\nproxygen.yaml:1:1 domain: unknown key (check the spelling; `proxygen schema` lists every key)\nhint: fix the file, then run `proxygen render` again (`proxygen schema` prints every key)\n'],
    ['a missing domain', 'preset: pilot\n', 'proxygen.yaml:1:1 domain: missing required key (string expected)\nhint: fix the file, then run `proxygen render` again (`proxygen schema` prints every key)\n'],
    ['an unknown allow name', 'preset: pilot\ndomain: pilot.example.com\nroutes:\n  - path: /x\n    allow: [office]\n', 'proxygen.yaml:5:13 routes.0.allow.0: unknown set "office"; define it under networks: or allowlists: (known: internal, github-hooks)\nhint: fix the file, then run `proxygen render` again (`proxygen schema` prints every key)\n'],
  ])('%s', (_name, yaml, stderr) => {
    const dir = tempProject(yaml ?? undefined);
    expect(cli(['render'], { cwd: dir })).toEqual({ code: 2, stdout: '', stderr });
    expect(existsSync(join(dir, 'deploy'))).toBe(false);
  });
});

describe('proxygen schema and presets', () => {
  it('schema prints the JSON Schema of the config', () => {
    const result = cli(['schema']);
    const schema = JSON.parse(result.stdout) as { properties: Record<string, unknown>; required: string[]; additionalProperties: boolean };
    expect(result.code).toBe(0);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['version', 'preset', 'domain', 'upstream', 'ports', 'tls', 'routes', 'tunnel', 'targets', 'nginx', 'caddy']));
    expect(schema.required).toEqual(['domain']);
    expect(schema.additionalProperties).toBe(false);
  });

  it('presets lists the four seed presets', () => {
    const result = cli(['presets']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').map((l) => l.split(' ')[0])).toEqual(['pilot', 'pilot-app', 'pipelit', 'pipegate', 'none', '']);
    const json = JSON.parse(cli(['presets', '--json']).stdout) as { name: string; upstream: string }[];
    expect(json.map((p) => [p.name, p.upstream])).toEqual([
      ['pilot', 'http://127.0.0.1:9090'],
      ['pilot-app', 'http://127.0.0.1:3100'],
      ['pipelit', 'http://127.0.0.1:8000'],
      ['pipegate', 'http://127.0.0.1:8000'],
    ]);
  });
});
