import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cli, installInto, tempProject } from './helpers/cli.js';
import { FIXTURES, scenarios } from './helpers/project.js';
import { hasTool, localNginxHasHttp2Directive, standInTool } from './helpers/tools.js';

const haveTools = hasTool('nginx') && hasTool('caddy');

/**
 * The CLI and node as `nobody` can reach them: a CI checkout (or node) may sit under a
 * directory only root can enter, so both are copied to a world-readable temp dir if needed.
 */
function stagedForNobody(): string[] {
  const canRun = (...args: string[]) => spawnSync('runuser', ['-u', 'nobody', '--', ...args], { stdio: 'ignore' }).status === 0;
  const stage = mkdtempSync(join(tmpdir(), 'proxygen-stage-'));
  chmodSync(stage, 0o755);
  const bin = installInto(stage);
  let node = process.execPath;
  if (!canRun(node, '-e', '0')) {
    node = join(stage, 'node');
    cpSync(process.execPath, node);
    chmodSync(node, 0o755);
  }
  return [node, bin];
}

const listTree = (dir: string): string[] =>
  (readdirSync(dir, { recursive: true }) as string[]).sort().map((entry) => `${entry} ${statSync(join(dir, entry)).size}`);

function rendered(yaml = 'preset: pilot\ndomain: pilot.example.com\n'): string {
  const dir = tempProject(yaml);
  expect(cli(['render'], { cwd: dir }).code).toBe(0);
  return dir;
}

const findingsOf = (dir: string, args: string[] = [], env: Record<string, string> = {}) => {
  const result = cli(['check', '--format', 'json', ...args], { cwd: dir, env });
  return { code: result.code, stderr: result.stderr, findings: (JSON.parse(result.stdout) as { findings: { rule: string; severity: string; file: string; line: number; message: string }[] }).findings };
};
const errorsOf = (list: { rule: string; severity: string; file: string; line: number }[], dir: string) => list.filter((f) => f.severity !== 'note').map((f) => `${f.severity} ${f.rule} ${f.file.replace(`${dir}/`, '')}:${f.line}`);

describe.runIf(haveTools)('proxygen check (project mode)', () => {
  it.each(scenarios())('a fresh render of %s passes with exit 0', (scenario) => {
    const dir = tempProject();
    cpSync(join(FIXTURES, scenario, 'proxygen.yaml'), join(dir, 'proxygen.yaml'));
    expect(cli(['render'], { cwd: dir }).code).toBe(0);
    const result = cli(['check'], { cwd: dir });
    expect(result.stderr).toBe('');
    // pilot-app targets nginx 1.25.3 (`http2 on;`): an older local nginx is a warning, not a false syntax error.
    const oldNginx = scenario === 'pilot-app' && !localNginxHasHttp2Directive();
    // The same finding as for a single file, and nginx -t still checks everything else.
    expect(result.stdout).toMatch(oldNginx ? /: warning check\/nginx-version: nginx [0-9.]+ here does not know "http2" \(nginx 1\.25\.1 and later\): nginx -t checked the rest of the file without it\n[^]*\n0 errors, 1 warnings, \d+ notes\n$/ : /\n0 errors, 0 warnings, \d+ notes\n$/);
    expect(result.code).toBe(0);
    if (oldNginx) expect(cli(['check', '--strict'], { cwd: dir }).code).toBe(1);
  });

  it('a hand edit is drift: exit 1, the file, the line and a short diff', () => {
    const dir = rendered();
    const site = join(dir, 'deploy/proxy/nginx/pilot.example.com.conf');
    writeFileSync(site, readFileSync(site, 'utf8').replace('proxy_read_timeout 3600s;', 'proxy_read_timeout 30s;'));
    const result = cli(['check'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/deploy\/proxy\/nginx\/pilot\.example\.com\.conf:\d+: error check\/drift: differs from a fresh render/);
    expect(result.stdout).toContain('-        proxy_read_timeout 30s;\n    +        proxy_read_timeout 3600s;');
    // The lint rules see the edit too: the WebSocket now closes at 30 s.
    expect(result.stdout).toMatch(/warning nginx\/websocket-timeout: WebSocket location \/ws closes idle sockets after 30s/);
  });

  it('an emptied file is drift from line 1 (its diff starts at -0,0)', () => {
    const dir = rendered();
    writeFileSync(join(dir, 'deploy/proxy/cloudflared/config.yml'), '');
    const { code, findings } = findingsOf(dir);
    expect(code).toBe(1);
    expect(errorsOf(findings, dir)).toContain('error check/drift deploy/proxy/cloudflared/config.yml:1');
  });

  it('missing and extra files are findings; allowlists are checked for form only', () => {
    const dir = rendered();
    rmSync(join(dir, 'deploy/proxy/cloudflared/config.yml'));
    writeFileSync(join(dir, 'deploy/proxy/nginx/old-site.conf'), 'server { }\n');
    writeFileSync(join(dir, 'deploy/proxy/nginx/allowlists/github-hooks.conf'), 'allow 140.82.112.0/20;\n');
    const { code, findings } = findingsOf(dir);
    expect(code).toBe(1);
    expect(errorsOf(findings, dir)).toEqual(['error check/missing deploy/proxy/cloudflared/config.yml:1', 'error check/extra deploy/proxy/nginx/old-site.conf:1']);
  });

  it.each([
    ['an empty allowlist', '# nothing\n', 'allowlist is malformed: no addresses: the route would be closed to everyone'],
    ['a garbage line', 'allow 192.0.2.0/24;\n<html>\n', 'allowlist is malformed: unexpected line "<html>"'],
    ['host bits', 'allow 192.0.2.1/24;\n', 'allowlist is malformed: entry 192.0.2.1/24 has host bits set'],
  ])('%s is malformed', (_name, content, message) => {
    const dir = rendered();
    writeFileSync(join(dir, 'deploy/proxy/nginx/allowlists/github-hooks.conf'), content);
    const { findings } = findingsOf(dir);
    expect(findings.filter((f) => f.rule === 'check/allowlist-form').map((f) => f.message)).toEqual([message]);
  });

  it('nginx -t errors point at the original file and line', () => {
    const dir = rendered('preset: pilot\ndomain: pilot.example.com\ntargets: [nginx]\n');
    const site = join(dir, 'deploy/proxy/nginx/pilot.example.com.conf');
    const lines = readFileSync(site, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.includes('server_tokens off;', 0)) + 1;
    lines.splice(at, 0, '    frobnicate on;');
    writeFileSync(site, lines.join('\n'));
    const { findings } = findingsOf(dir);
    expect(findings.find((f) => f.rule === 'nginx/nginx-t')).toMatchObject({ severity: 'error', file: site, line: at + 1, message: 'nginx -t: unknown directive "frobnicate"' });
  });

  // The sandbox must work for an unprivileged CI user: as root we drop to nobody to prove it.
  it('nginx -t runs as a non-root user with certificate paths that do not exist, and leaves nothing behind', () => {
    const dir = rendered('preset: pilot\ndomain: pilot.example.com\ntls: { mode: files, cert: /nonexistent/fullchain.pem, key: /nonexistent/privkey.pem }\n');
    const scratch = mkdtempSync(join(tmpdir(), 'proxygen-nobody-'));
    chmodSync(dir, 0o755);
    chmodSync(scratch, 0o1777);
    const before = listTree(dir);
    const asRoot = process.getuid?.() === 0;
    const command = asRoot ? ['runuser', '-u', 'nobody', '--', ...stagedForNobody()] : [process.execPath, BIN];
    const result = spawnSync(command[0]!, [...command.slice(1), 'check', '--format', 'json', '--strict'], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', TMPDIR: scratch, HOME: scratch } });
    expect(result.stderr).toBe('');
    const findings = (JSON.parse(result.stdout) as { findings: { rule: string; severity: string }[] }).findings;
    expect(findings.filter((f) => f.severity !== 'note')).toEqual([]);
    expect(findings.map((f) => f.rule)).not.toContain('check/validator-missing');
    expect(result.status).toBe(0);
    expect(readdirSync(scratch)).toEqual([]);
    expect(listTree(dir)).toEqual(before);
  });

  it('a missing validator binary warns, and fails with --strict', () => {
    const dir = rendered('preset: pilot\ndomain: pilot.example.com\ntargets: [nginx]\n');
    const env = { PROXYGEN_NGINX: '/nonexistent/nginx' };
    const relaxed = findingsOf(dir, [], env);
    expect(relaxed.code).toBe(0);
    expect(relaxed.findings.filter((f) => f.rule === 'check/validator-missing').map((f) => f.severity)).toEqual(['warning']);
    const strict = findingsOf(dir, ['--strict'], env);
    expect(strict.code).toBe(1);
    expect(strict.findings.filter((f) => f.rule === 'check/validator-missing').map((f) => f.severity)).toEqual(['error']);
  });

  it('project rules: TLS off without a tunnel, an internal network holding the tunnel source, CORS and secrets', () => {
    const dir = rendered('preset: pilot\ndomain: pilot.example.com\ntls: { mode: "off" }\n');
    writeFileSync(join(dir, '.env'), 'ALLOWED_ORIGINS=*\nSESSION_SECRET=change-me-in-production\n');
    const { findings } = findingsOf(dir);
    expect(findings.filter((f) => f.rule.startsWith('project/')).map((f) => `${f.rule}:${f.line}`)).toEqual(['project/cors-wildcard:1', 'project/default-secret:1', 'project/default-secret:1', 'project/tls-off:3']);
    const output = cli(['check'], { cwd: dir }).stdout;
    expect(output).not.toContain('change-me-in-production');
    const tunnel = rendered('preset: pilot\ndomain: pilot.example.com\nnetworks:\n  internal: [10.0.0.0/8, 127.0.0.0/8]\ntunnel: { provider: cloudflare }\n');
    expect(findingsOf(tunnel).findings.filter((f) => f.rule === 'project/internal-includes-tunnel').map((f) => `${f.line} ${f.message}`)).toEqual([
      '4 network internal (127.0.0.0/8) contains 127.0.0.1, where cloudflare traffic arrives: tunnel visitors would count as internal',
    ]);
  });
});

describe('proxygen check FILE...', () => {
  it.runIf(haveTools)('lints the seed configs: their known mistakes are found', () => {
    const result = cli(['check', '--format', 'json', ...['pilot-000.conf', 'pilot-000.Caddyfile', 'pilot-000.cloudflared.yml', 'pilot-000.ngrok.yml', 'pipelit-001.conf', 'pilot-003.conf'].map((f) => join(FIXTURES, 'seeds', f))]);
    const findings = (JSON.parse(result.stdout) as { findings: { rule: string; file: string; line: number; severity: string }[] }).findings;
    expect(result.code).toBe(1);
    expect(findings.map((f) => `${f.severity} ${f.rule} ${f.file.split('/').pop()}:${f.line}`)).toEqual([
      'error caddy/respond-before-proxy pilot-000.Caddyfile:18',
      'error caddy/respond-before-proxy pilot-000.Caddyfile:24',
      'error ngrok/validate pilot-000.ngrok.yml:1',
      'warning nginx/webhook-rate-limit pilot-000.conf:12',
    ]);
  });

  it.runIf(haveTools)('a Caddyfile caddy fmt would change is a warning at the first differing line', () => {
    const dir = tempProject();
    writeFileSync(join(dir, 'Caddyfile'), 'app.example.com {\n\treverse_proxy 127.0.0.1:8080\n    header X-Frame-Options DENY\n}\n');
    const result = cli(['check', 'Caddyfile'], { cwd: dir });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe('Caddyfile:3: warning caddy/fmt: caddy fmt would change this file\n  fix: run caddy fmt --overwrite\n0 errors, 1 warnings, 0 notes\n');
    writeFileSync(join(dir, 'Caddyfile'), 'app.example.com {\n\treverse_proxy 127.0.0.1:8080\n\theader X-Frame-Options DENY\n}\n');
    expect(cli(['check', 'Caddyfile'], { cwd: dir }).stdout).toBe('0 errors, 0 warnings, 0 notes\n');
  });

  it('--kind overrides detection and an unknown kind is a usage error', () => {
    const dir = tempProject();
    writeFileSync(join(dir, 'tunnel.txt'), 'tunnel: t\ningress:\n  - hostname: a.example.com\n    service: http://x:1\n');
    const result = cli(['check', '--kind', 'cloudflared', 'tunnel.txt'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('tunnel.txt:3: error cloudflared/validate: The last ingress rule must match all URLs (i.e. it should not have a hostname or path filter)\n  fix: end with - service: http_status:404\n1 errors, 0 warnings, 0 notes\n');
    expect(cli(['check', 'tunnel.txt'], { cwd: dir })).toMatchObject({ code: 2, stderr: 'proxygen: tunnel.txt: cannot tell what kind of file this is\nhint: pass --kind nginx|caddy|cloudflared|ngrok\n' });
  });

  it('formats: sarif and github annotations', () => {
    const file = join(FIXTURES, 'seeds', 'pilot-000.ngrok.yml');
    const sarif = JSON.parse(cli(['check', '--format', 'sarif', file]).stdout) as { version: string; runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]!.tool.driver.name).toBe('proxygen');
    expect(sarif.runs[0]!.tool.driver.rules.map((r) => r.id)).toEqual(['ngrok/validate']);
    expect(sarif.runs[0]!.results[0]).toMatchObject({ ruleId: 'ngrok/validate', level: 'error', locations: [{ physicalLocation: { region: { startLine: 1 } } }] });
    const github = cli(['check', '--format', 'github', file]);
    expect(github.stdout).toMatch(/^::error file=fixtures\/seeds\/pilot-000\.ngrok\.yml,line=1,title=ngrok\/validate::Error reading configuration file /);
    expect(github.code).toBe(1);
  });
});

describe.runIf(haveTools)('correct on the first try', () => {
  it.each(['pilot', 'pilot-app', 'pipelit', 'pipegate', 'none'])('init --preset %s --yes, then check: exit 0, no error', (preset) => {
    const dir = tempProject();
    expect(cli(['init', '--preset', preset, '--domain', `${preset}.example.com`, '--yes'], { cwd: dir }).code).toBe(0);
    const result = cli(['check'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^0 errors, \d+ warnings, \d+ notes$/m);
    expect(result.code).toBe(0);
  });
});

describe.runIf(haveTools)('the pilot preset with a tunnel', () => {
  it('flags the seed\'s 172.16.0.0/12 "internal" range, which holds the docker bridge', () => {
    const dir = rendered('preset: pilot\ndomain: pilot.example.com\ntunnel: { provider: cloudflare }\n');
    const { code, findings } = findingsOf(dir);
    expect(code).toBe(1);
    expect(findings.filter((f) => f.severity === 'error').map((f) => f.message)).toEqual(['network internal (172.16.0.0/12) contains 172.17.0.1, where cloudflare traffic arrives: tunnel visitors would count as internal']);
  });
});

describe('a validator that does not finish', () => {
  // Logs like the real caddy, then hangs; `exec` so the kill reaches it.
  const hangingCaddy = () => standInTool('caddy', 'echo \'{"level":"info","msg":"using provided configuration"}\' >&2\nexec sleep 30\n');

  it('is stopped at PROXYGEN_VALIDATE_TIMEOUT and reported as not validated, not as its last log line', () => {
    const dir = rendered('preset: pilot\ndomain: pilot.example.com\ntargets: [caddy]\n');
    const started = Date.now();
    const result = cli(['check'], { cwd: dir, env: { PROXYGEN_CADDY: hangingCaddy(), PROXYGEN_VALIDATE_TIMEOUT: '0.5' } });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.stdout.split('\n').filter((line) => !line.includes(' note '))).toContain('deploy/proxy/caddy/Caddyfile:1: error caddy/validate: caddy validate did not finish within 0.5 s and was stopped, so this file was not validated');
    expect(result.stdout).toContain('  fix: run caddy validate by hand to see why, or allow it longer with PROXYGEN_VALIDATE_TIMEOUT=<seconds>\n');
    expect(result.code).toBe(1);
  });

  it.each(['0', '-3', 'soon'])('PROXYGEN_VALIDATE_TIMEOUT=%s is a usage error (exit 2)', (value) => {
    const dir = rendered('preset: pilot\ndomain: pilot.example.com\ntargets: [caddy]\n');
    const result = cli(['check'], { cwd: dir, env: { PROXYGEN_VALIDATE_TIMEOUT: value } });
    expect(result.stderr).toBe(`proxygen: PROXYGEN_VALIDATE_TIMEOUT="${value}": expected seconds greater than 0\nhint: unset it (default 120 s) or set e.g. PROXYGEN_VALIDATE_TIMEOUT=300\n`);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
  });
});
