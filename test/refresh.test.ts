import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cli, cliAsync, tempProject } from './helpers/cli.js';
import { authorizationFor } from '../src/io/meta-http.js';
import { startMetaServer, type Reply } from './helpers/meta-server.js';
import { FIXTURES } from './helpers/project.js';
import { standInTool } from './helpers/tools.js';

const sample = JSON.parse(readFileSync(join(FIXTURES, 'github-meta-sample.json'), 'utf8')) as Record<string, string[]>;
const HOOKS = sample.hooks!;
const meta = (hooks: unknown, extra: object = {}) => JSON.stringify({ verifiable_password_authentication: false, hooks, web: sample.web, ...extra });
const GROWN = [...HOOKS, '20.0.0.0/24'];
const FILES = ['nginx/allowlists/github-hooks.conf', 'caddy/allowlists/github-hooks.caddy', 'ngrok/ngrok.yml'];
const CONFIG = 'preset: pilot\ndomain: pilot.example.com\ntargets: [nginx, caddy, ngrok]\n';
const ENV = { PROXYGEN_BACKOFF_MS: '10' };

let server: Awaited<ReturnType<typeof startMetaServer>>;
beforeAll(async () => {
  server = await startMetaServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

function project(yaml = CONFIG): string {
  const dir = tempProject(yaml);
  expect(cli(['render'], { cwd: dir }).code).toBe(0);
  return dir;
}

const snapshotOf = (dir: string) => FILES.map((f) => readFileSync(join(dir, 'deploy/proxy', f), 'utf8'));
const refresh = (dir: string, args: string[] = [], env: Record<string, string> = {}) => cliAsync(['refresh-allowlist', '--source', server.url, ...args], { cwd: dir, env: { ...ENV, ...env } });

describe('refresh-allowlist against a loopback meta API', () => {
  it('200 with an ETag: swaps the files quietly, then 304 changes nothing', async () => {
    const dir = project();
    server.handle((req): Reply => (req.headers['if-none-match'] === '"v2"' ? { status: 304, headers: { etag: '"v2"' } } : { status: 200, body: meta(GROWN), headers: { etag: '"v2"', 'content-type': 'application/json' } }));
    const first = await refresh(dir);
    expect(first).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(join(dir, 'deploy/proxy/nginx/allowlists/github-hooks.conf'), 'utf8')).toContain('allow 20.0.0.0/24;\n');
    expect(readFileSync(join(dir, 'deploy/proxy/caddy/allowlists/github-hooks.caddy'), 'utf8')).toContain('20.0.0.0/24');
    expect(readFileSync(join(dir, 'deploy/proxy/ngrok/ngrok.yml'), 'utf8')).toContain('- 20.0.0.0/24');
    expect(server.requests[0]!.headers['user-agent']).toMatch(/^proxygen\/\d+\.\d+\.\d+$/);
    expect(server.requests[0]!.headers.accept).toBe('application/vnd.github+json');
    expect(server.requests[0]!.headers['if-none-match']).toBeUndefined();
    const before = snapshotOf(dir);
    const second = await refresh(dir, ['--verbose']);
    expect(second).toEqual({ code: 0, stdout: `unchanged: ${server.url} answered 304 Not Modified\n`, stderr: '' });
    expect(server.requests[1]!.headers['if-none-match']).toBe('"v2"');
    expect(snapshotOf(dir)).toEqual(before);
    // render afterwards keeps the refreshed lists (seeded from state, not the snapshot).
    const render = cli(['render'], { cwd: dir });
    expect(render.stdout).toContain('wrote 0 of');
    expect(snapshotOf(dir)).toEqual(before);
  });

  it('never sends GITHUB_TOKEN to another host or over plain HTTP', async () => {
    const dir = project();
    server.handle(() => ({ status: 200, body: meta(HOOKS) }));
    expect((await refresh(dir, [], { GITHUB_TOKEN: 'ghp_test123' })).code).toBe(0);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });

  it.each([
    ['https://api.github.com/meta', 'Bearer t'],
    ['http://api.github.com/meta', undefined],
    ['https://api.github.com:8443/meta', undefined],
    ['https://api.github.com.evil.example/meta', undefined],
    ['https://mirror.example.com/meta', undefined],
  ])('the token goes to %s as %s', (url, expected) => {
    expect(authorizationFor(new URL(url), 't')).toBe(expected);
  });

  it('retries a 5xx and succeeds', async () => {
    const dir = project();
    server.handle((_req, n) => (n === 1 ? { status: 502 } : { status: 200, body: meta(GROWN) }));
    expect((await refresh(dir)).code).toBe(0);
    expect(server.requests).toHaveLength(2);
  });

  it('follows a same-host redirect', async () => {
    const dir = project();
    server.handle((req) => (req.path === '/meta' ? { status: 301, headers: { location: '/v2/meta' } } : { status: 200, body: meta(GROWN) }));
    expect((await refresh(dir)).code).toBe(0);
    expect(server.requests.map((r) => r.path)).toEqual(['/meta', '/v2/meta']);
  });

  const FAULTS: [string, () => ReturnType<Parameters<typeof server.handle>[0]>, RegExp, string[]?][] = [
    ['a 500 on every attempt', () => ({ status: 500 }), /answered HTTP 500 \(after 3 attempts\)\n$/],
    ['a 403 rate limit', () => ({ status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1893456000' } }), /rate-limited by 127\.0\.0\.1:\d+ until 2030-01-01T00:00:00\.000Z; set GITHUB_TOKEN/],
    ['a 429 with a reset that is not a time', () => ({ status: 429, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': 'soon' } }), /rate-limited by 127\.0\.0\.1:\d+; set GITHUB_TOKEN/],
    ['a redirect to an address that does not parse', () => ({ status: 302, headers: { location: 'http://[::1' } }), /redirected to http:\/\/\[::1, which is not a valid URL/],
    ['a range that starts public but holds loopback', () => ({ status: 200, body: meta([...HOOKS, '64.0.0.0/2']) }), /entry 64\.0\.0\.0\/2 is not a public unicast range \(loopback\)/],
    ['a range with a leading zero', () => ({ status: 200, body: meta([...HOOKS, '010.0.0.0/8']) }), /entry "010\.0\.0\.0\/8" is not a CIDR/],
    ['a 404', () => ({ status: 404 }), /answered HTTP 404\n$/],
    ['a redirect to another host', () => ({ status: 301, headers: { location: 'http://127.0.0.2:9/meta' } }), /redirected to http:\/\/127\.0\.0\.2:9; only same-host redirects are followed/],
    ['an HTML challenge page', () => ({ status: 200, body: '<!DOCTYPE html><title>Just a moment...</title>' }), /response is not JSON \(it starts with "<!DOCTYPE html><titl"\)/],
    ['truncated JSON', () => ({ status: 200, body: meta(GROWN).slice(0, 60) }), /response is not JSON/],
    ['an empty section', () => ({ status: 200, body: meta([]) }), /section "hooks" is empty/],
    ['a missing section', () => ({ status: 200, body: JSON.stringify({ web: sample.web }) }), /section "hooks" is missing/],
    ['a section that is not a list', () => ({ status: 200, body: meta('140.82.112.0/20') }), /section "hooks" is not a list/],
    ['host bits set', () => ({ status: 200, body: meta([...HOOKS, '140.82.112.1/20']) }), /entry 140\.82\.112\.1\/20 has host bits set/],
    ['a garbage entry', () => ({ status: 200, body: meta([...HOOKS, 'allow all;']) }), /entry "allow all;" is not a CIDR/],
    ['a private range', () => ({ status: 200, body: meta([...HOOKS, '10.0.0.0/8']) }), /entry 10\.0\.0\.0\/8 is not a public unicast range \(private\)/],
    ['a /0', () => ({ status: 200, body: meta(['0.0.0.0/0']) }), /would allow every address/],
    ['two lists glued on a missing newline', () => ({ status: 200, body: meta(['140.82.112.0/20143.55.64.0/20']) }), /is not a (CIDR|valid address)/],
    ['a shrink by more than half', () => ({ status: 200, body: meta(HOOKS.slice(0, 2)) }), /would shrink from 6 to 2 ranges \(more than half\); refused, use --force/],
    ['a server slower than the timeout', () => ({ status: 200, body: meta(GROWN), delayMs: 3000 }), /no answer within 300 ms \(after 1 attempts\)/, ['--timeout', '0.3', '--retries', '0']],
  ];

  it.each(FAULTS)('refuses %s: exit 3, one line, files byte-identical', async (_name, reply, message, args = []) => {
    const dir = project();
    const before = snapshotOf(dir);
    const stateBefore = existsSync(join(dir, 'deploy/proxy/.proxygen/state.json'));
    server.handle(reply);
    const result = await refresh(dir, args);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(snapshotOf(dir)).toEqual(before);
    expect(existsSync(join(dir, 'deploy/proxy/.proxygen/state.json'))).toBe(stateBefore);
  });

  it('--force accepts a shrink', async () => {
    const dir = project();
    server.handle(() => ({ status: 200, body: meta(HOOKS.slice(0, 2)) }));
    expect((await refresh(dir, ['--force'])).code).toBe(0);
    expect(readFileSync(join(dir, 'deploy/proxy/nginx/allowlists/github-hooks.conf'), 'utf8').match(/^allow /gm)).toHaveLength(2);
  });

  it('--dry-run prints the diff and changes nothing', async () => {
    const dir = project();
    const before = snapshotOf(dir);
    server.handle(() => ({ status: 200, body: meta(GROWN) }));
    const result = await refresh(dir, ['--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('+allow 20.0.0.0/24;');
    expect(snapshotOf(dir)).toEqual(before);
    expect(existsSync(join(dir, 'deploy/proxy/.proxygen/state.json'))).toBe(false);
  });

  it('--json reports what changed', async () => {
    const dir = project();
    server.handle(() => ({ status: 200, body: meta(GROWN), headers: { etag: 'W/"abc"' } }));
    const result = await refresh(dir, ['--json']);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ changed: true, etag: 'W/"abc"', added: 1, removed: 0, files: [...FILES].sort() });
  });

  it('rolls back byte for byte when the validator rejects the new files (exit 4)', async () => {
    const dir = project();
    const before = snapshotOf(dir);
    const fake = standInTool('nginx', 'echo "nginx: [emerg] invalid number of arguments in allow" >&2\nexit 1\n');
    server.handle(() => ({ status: 200, body: meta(GROWN) }));
    const result = await refresh(dir, [], { PROXYGEN_NGINX: fake });
    expect(result.code).toBe(4);
    expect(result.stderr).toBe('proxygen: refresh-allowlist: nginx rejected the new lists, previous files restored: nginx: [emerg] invalid number of arguments in allow\n');
    expect(snapshotOf(dir)).toEqual(before);
    expect(existsSync(join(dir, 'deploy/proxy/.proxygen/state.json'))).toBe(false);
  });

  it('a validator that hangs past PROXYGEN_VALIDATE_TIMEOUT counts as a rejection: restored, exit 4', async () => {
    const dir = project();
    const before = snapshotOf(dir);
    const hanging = standInTool('nginx', 'exec sleep 30\n');
    server.handle(() => ({ status: 200, body: meta(GROWN) }));
    const result = await refresh(dir, [], { PROXYGEN_NGINX: hanging, PROXYGEN_VALIDATE_TIMEOUT: '0.5' });
    expect(result.stderr).toBe('proxygen: refresh-allowlist: nginx rejected the new lists, previous files restored: nginx -t did not finish within 0.5 s (PROXYGEN_VALIDATE_TIMEOUT)\n');
    expect(result.code).toBe(4);
    expect(snapshotOf(dir)).toEqual(before);
  });

  it('a bad PROXYGEN_VALIDATE_TIMEOUT leaves every file as it was (exit 2)', async () => {
    const dir = project();
    const before = snapshotOf(dir);
    server.handle(() => ({ status: 200, body: meta(GROWN) }));
    const result = await refresh(dir, [], { PROXYGEN_VALIDATE_TIMEOUT: 'later' });
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'proxygen: PROXYGEN_VALIDATE_TIMEOUT="later": expected seconds greater than 0\nhint: unset it (default 120 s) or set e.g. PROXYGEN_VALIDATE_TIMEOUT=300\n' });
    expect(snapshotOf(dir)).toEqual(before);
    expect(FILES.filter((f) => existsSync(join(dir, 'deploy/proxy', `${f}.bak`)))).toEqual([]);
  });

  it('runs the reload command after a change, and exits 5 when it fails', async () => {
    const marker = join(tempProject(), 'reloaded');
    const dir = project(`${CONFIG}reload_command: touch ${marker}\n`);
    server.handle(() => ({ status: 200, body: meta(GROWN) }));
    const ok = await refresh(dir);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(existsSync(marker)).toBe(true);
    const failing = project(`${CONFIG}reload_command: "false"\n`);
    const result = await refresh(failing);
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/^proxygen: refresh-allowlist: files updated and valid, but `false` failed \(exit 1\)/);
  });

  it('two refreshes started at once both finish with well-formed files', async () => {
    const dir = project();
    server.handle(() => ({ status: 200, body: meta(GROWN), delayMs: 50 }));
    const results = await Promise.all([refresh(dir), refresh(dir)]);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    const list = readFileSync(join(dir, 'deploy/proxy/nginx/allowlists/github-hooks.conf'), 'utf8');
    expect(list.match(/^allow .+;$/gm)).toHaveLength(7);
  });

  it('kill -9 at random moments never leaves a partial or empty file', async () => {
    const dir = project();
    const variants = [meta(HOOKS), meta(GROWN)];
    const complete = new Set<string>();
    for (let round = 0; round < 30; round++) {
      server.handle(() => ({ status: 200, body: variants[round % 2]! }));
      const running = refresh(dir);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 250));
      running.child.kill('SIGKILL');
      await running;
      for (const file of FILES) {
        const text = readFileSync(join(dir, 'deploy/proxy', file), 'utf8');
        if (file.endsWith('.conf')) {
          const count = text.match(/^allow .+;$/gm)?.length ?? 0;
          expect([6, 7], `${file} in round ${round}`).toContain(count);
          expect(text.endsWith(';\n')).toBe(true);
        }
        complete.add(text.length > 0 ? 'ok' : 'empty');
      }
    }
    expect(complete).toEqual(new Set(['ok']));
    // A lock left by a killed run is taken over.
    server.handle(() => ({ status: 200, body: meta(GROWN) }));
    expect((await refresh(dir)).code).toBe(0);
  }, 120_000);
});

describe('refresh-allowlist --source that cannot be read', () => {
  it.each([
    ['a URL that does not parse', 'http://[', /^proxygen: refresh-allowlist: --source http:\/\/\[ is not a valid URL\n$/],
    ['a device that never ends', '/dev/zero', /^proxygen: refresh-allowlist: \/dev\/zero: not a regular file\n$/],
    ['a directory', '/', /^proxygen: refresh-allowlist: \/: not a regular file\n$/],
  ])('%s: exit 3, one line, nothing written', (_, source, message) => {
    const dir = tempProject(CONFIG);
    const result = cli(['refresh-allowlist', '--source', source], { cwd: dir });
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(3);
    expect(existsSync(join(dir, 'deploy/proxy/nginx'))).toBe(false);
    expect(existsSync(join(dir, 'deploy/proxy/.proxygen/state.json'))).toBe(false);
  });
});
