import { spawnSync } from 'node:child_process';
import { chownSync, chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, tempProject } from './helpers/cli.js';

// Faults of the disk and the file system around render: each is exit 2 or 3 with one line,
// and the output folder is either fully written or exactly as it was.
const PILOT = 'preset: pilot\ndomain: pilot.example.com\n';
const root = process.getuid?.() === 0;
const mounts: string[] = [];
afterAll(() => {
  for (const dir of mounts) spawnSync('umount', ['-l', dir]);
});

/** Every file under dir with its content, mode and owner; temporaries would show up too. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const stat = lstatSync(path);
    out[path.slice(dir.length)] = stat.isFile() ? `${(stat.mode & 0o7777).toString(8)} ${stat.uid} ${readFileSync(path, 'utf8')}` : stat.isSymbolicLink() ? 'link' : 'dir';
  }
  return out;
}

/** A small tmpfs (root only): a disk that fills up, or is read-only, for real. */
function tmpfs(options: string): string | null {
  if (!root) return null;
  const dir = mkdtempSync(join(tmpdir(), 'proxygen-tmpfs-'));
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]).status !== 0) return null;
  mounts.push(dir);
  return dir;
}

function oneLine(result: { code: number; stdout: string; stderr: string }, code: number, message: RegExp): void {
  expect(result.stderr.split('\n')[0]).toMatch(message);
  expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(result.code).toBe(code);
}

describe('render under file-system faults', () => {
  it('a full disk: exit 3, one line, and the folder exactly as it was (nothing half-written)', (context) => {
    const disk = tmpfs('size=48k');
    if (!disk) return context.skip();
    const project = tempProject(`${PILOT}output: ${disk}/out\n`);
    expect(cli(['render'], { cwd: project }).code).toBe(0);
    const before = tree(disk);
    writeFileSync(join(project, 'proxygen.yaml'), `${PILOT}output: ${disk}/out\nheaders: { security: false }\n`);
    spawnSync('sh', ['-c', `head -c 1000000 /dev/zero > ${disk}/filler`]);
    const result = cli(['render'], { cwd: project });
    rmSync(join(disk, 'filler'));
    oneLine(result, 3, /^proxygen: ENOSPC: no space left on device/);
    expect(tree(disk)).toEqual(before);
  });

  it('a read-only file system: exit 3, one line, nothing changed', (context) => {
    const disk = tmpfs('size=1m');
    if (!disk) return context.skip();
    const project = tempProject(`${PILOT}output: ${disk}/out\n`);
    expect(cli(['render'], { cwd: project }).code).toBe(0);
    writeFileSync(join(project, 'proxygen.yaml'), `${PILOT}output: ${disk}/out\nheaders: { security: false }\n`);
    expect(spawnSync('mount', ['-o', 'remount,ro', disk]).status).toBe(0);
    const before = tree(disk);
    oneLine(cli(['render'], { cwd: project }), 3, /^proxygen: EROFS: read-only file system/);
    expect(tree(disk)).toEqual(before);
  });

  it('a symlinked output directory is refused, naming it; nothing is written through it', () => {
    const project = tempProject(PILOT);
    const elsewhere = mkdtempSync(join(tmpdir(), 'proxygen-elsewhere-'));
    mkdirSync(join(project, 'deploy'));
    symlinkSync(elsewhere, join(project, 'deploy/proxy'));
    oneLine(cli(['render'], { cwd: project }), 2, /deploy\/proxy is a symbolic link; proxygen replaces files and does not write through links/);
    expect(readdirSync(elsewhere)).toEqual([]);
    rmSync(elsewhere, { recursive: true });
  });

  it('a symlink at an output file is refused, and the file it points to is untouched', () => {
    const project = tempProject(PILOT);
    expect(cli(['render'], { cwd: project }).code).toBe(0);
    const victim = join(project, 'victim');
    writeFileSync(victim, 'precious\n');
    const caddyfile = join(project, 'deploy/proxy/caddy/Caddyfile');
    rmSync(caddyfile);
    symlinkSync(victim, caddyfile);
    writeFileSync(join(project, 'proxygen.yaml'), `${PILOT}headers: { security: false }\n`);
    oneLine(cli(['render'], { cwd: project }), 2, /caddy\/Caddyfile is a symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(caddyfile).isSymbolicLink()).toBe(true);
  });

  it('a rewritten file keeps its mode and owner', () => {
    const project = tempProject(PILOT);
    expect(cli(['render'], { cwd: project }).code).toBe(0);
    const caddyfile = join(project, 'deploy/proxy/caddy/Caddyfile');
    chmodSync(caddyfile, 0o640);
    if (root) chownSync(caddyfile, 1234, 1234);
    writeFileSync(join(project, 'proxygen.yaml'), `${PILOT}headers: { security: false }\n`);
    expect(cli(['render'], { cwd: project }).code).toBe(0);
    const stat = statSync(caddyfile);
    expect((stat.mode & 0o777).toString(8)).toBe('640');
    if (root) expect([stat.uid, stat.gid]).toEqual([1234, 1234]);
    expect(readFileSync(caddyfile, 'utf8')).not.toContain('X-Frame-Options');
  });
});

describe('config values that would reach the file system or a shell badly', () => {
  it.each([
    ['an output that climbs out of the project', 'output: ../../x', /^proxygen\.yaml:3:9 output: "\.\." is not allowed/],
    ['the root directory as output', 'output: /', /^proxygen\.yaml:3:9 output: the root directory "\/" is not an output directory/],
    ['a 100,000-character output', `output: ${'x'.repeat(100_000)}`, /^proxygen\.yaml:3:9 output: expected a relative or absolute directory/],
    ['a segment too long for any file system', `output: ${'x'.repeat(300)}`, /^proxygen\.yaml:3:9 output: a path segment is longer than 255 characters/],
    ['an allowlist_dir that climbs out', 'nginx: { allowlist_dir: ../../.. }', /^proxygen\.yaml:3:25 nginx\.allowlist_dir: "\.\." is not allowed/],
    ['a reload command with a leading space', 'reload_command: " true"', /^proxygen\.yaml:3:17 reload_command: expected a plain command/],
  ])('%s: exit 2 naming the key', (_, line, message) => {
    const project = tempProject(`${PILOT}${line}\n`);
    oneLine(cli(['render'], { cwd: project }), 2, message);
  });

  it('a config file whose name would inject a line into every output is refused', () => {
    const project = tempProject();
    const name = 'p.yaml\ntouch PWNED';
    writeFileSync(join(project, name), PILOT);
    oneLine(cli(['render', '--config', name], { cwd: project }), 2, /^proxygen: p\.yaml\\ntouch PWNED: a config file name of A-Z a-z 0-9/);
    expect(readdirSync(project)).toEqual([name]);
  });

  it('a config file over 1 MiB is refused before it is read', () => {
    const project = tempProject(`${PILOT}# ${'x'.repeat(1024 * 1024)}\n`);
    oneLine(cli(['render'], { cwd: project }), 2, /^proxygen: proxygen\.yaml: \d+ bytes; a config file is at most 1048576 bytes/);
  });
});

describe('the refresh lock', () => {
  const SAMPLE = join(import.meta.dirname, '..', 'fixtures', 'github-meta-sample.json');
  const longAgo = new Date(Date.now() - 10 * 60 * 1000);
  const withLock = (make: (lock: string) => void) => {
    const project = tempProject(PILOT);
    const lock = join(project, 'deploy/proxy/.proxygen/refresh.lock');
    mkdirSync(join(lock, '..'), { recursive: true });
    make(lock);
    return project;
  };
  const refresh = (project: string) => cli(['refresh-allowlist', '--source', SAMPLE, '--dry-run', '--force'], { cwd: project });

  it.each([
    ['empty, left by a writer long gone', (lock: string) => (writeFileSync(lock, ''), utimesSync(lock, longAgo, longAgo))],
    ['garbage', (lock: string) => (writeFileSync(lock, 'not a pid\n'), utimesSync(lock, longAgo, longAgo))],
    ['naming a live process that is not its writer (pid 1, another start time)', (lock: string) => writeFileSync(lock, '1 999999999\n')],
    ['naming a dead process', (lock: string) => writeFileSync(lock, '999999999 1\n')],
  ])('a lock %s is taken over', (_, make) => {
    const result = refresh(withLock(make));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it.each([
    ['a directory', (lock: string) => mkdirSync(lock)],
    ['a symbolic link', (lock: string) => symlinkSync('/etc/passwd', lock)],
  ])('a lock path that is %s is an error naming it (exit 3)', (_, make) => {
    const project = withLock(make);
    oneLine(refresh(project), 3, /refresh\.lock is not a regular file, so it cannot be a lock proxygen made/);
    expect(readFileSync('/etc/passwd', 'utf8')).toContain('root:');
  });
});

describe('sandboxes of killed runs', () => {
  it('are swept by the next check: a dead pid or an old one, never a live run or a link', () => {
    const tmp = tmpdir();
    const dead = mkdtempSync(join(tmp, 'proxygen-sandbox-999999999-'));
    const live = mkdtempSync(join(tmp, `proxygen-sandbox-${process.pid}-`));
    const old = mkdtempSync(join(tmp, 'proxygen-sandbox-old-'));
    const ancient = new Date(Date.now() - 7 * 60 * 60 * 1000);
    utimesSync(old, ancient, ancient);
    const target = mkdtempSync(join(tmp, 'proxygen-keep-'));
    const link = join(tmp, 'proxygen-sandbox-999999998-link');
    symlinkSync(target, link);
    const project = tempProject(PILOT);
    expect(cli(['render'], { cwd: project }).code).toBe(0);
    expect(cli(['check'], { cwd: project }).code).toBeLessThanOrEqual(1);
    expect([dead, old].filter((dir) => readdirSync(tmp).includes(dir.slice(tmp.length + 1)))).toEqual([]);
    expect(statSync(live).isDirectory()).toBe(true);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    rmSync(live, { recursive: true });
    rmSync(link);
    rmSync(target, { recursive: true });
  });
});

describe('check on hostile files', () => {
  const fileIn = (name: string, text: string) => {
    const dir = tempProject();
    writeFileSync(join(dir, name), text);
    return dir;
  };
  it.each([
    ['100,000 nested nginx blocks', 'deep.conf', `${'location / {'.repeat(100_000)}${'}'.repeat(100_000)}\n`, /^deep\.conf:1: error nginx\/syntax: blocks nested more than 100 deep$/m],
    ['10,000 nested Caddy blocks', 'Caddyfile', `${'a {\n'.repeat(10_000)}${'}\n'.repeat(10_000)}`, /^Caddyfile:\d+: error caddy\//m],
    ['256 KB of blank lines before a server', 'blank.conf', `${'\n'.repeat(256 * 1024)}server {\n    listen 8080;\n}\n`, /^0 errors/m],
  ])('%s: findings, no crash, quickly', (_, name, text, finding) => {
    const started = Date.now();
    const result = cli(['check', name, '--kind', name.endsWith('.conf') ? 'nginx' : 'caddy'], { cwd: fileIn(name, text) });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(finding);
    expect(result.code).toBeLessThanOrEqual(1);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('a file over 4 MiB is refused before it is read', () => {
    const result = cli(['check', 'big.conf'], { cwd: fileIn('big.conf', `# ${'x'.repeat(4 * 1024 * 1024)}\n`) });
    oneLine(result, 2, /^proxygen: big\.conf: \d+ bytes; check reads files of at most 4194304 bytes/);
  });
});

describe('refresh-allowlist under file-system faults (an output folder, not an applied site)', () => {
  const CONFIG = `${PILOT}targets: [nginx, caddy, ngrok]\n`;
  const sample = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'github-meta-sample.json'), 'utf8')) as { hooks: string[] };
  /** A response whose hooks list gained a range, so every allowlist file changes. */
  const grown = (project: string) => {
    writeFileSync(join(project, 'meta.json'), JSON.stringify({ hooks: [...sample.hooks, '20.0.0.0/24'] }));
    return 'meta.json';
  };

  it('a full disk: exit 3, one line, every list and ngrok.yml exactly as before (no new lists beside an old ngrok.yml)', (context) => {
    const disk = tmpfs('size=160k');
    if (!disk) return context.skip();
    const project = tempProject(`${CONFIG}output: ${disk}/out\n`);
    expect(cli(['render'], { cwd: project }).code).toBe(0);
    const before = tree(disk);
    // Room for the lock and one list, not for all the changed files: the swap itself meets ENOSPC.
    spawnSync('sh', ['-c', `head -c 8192 /dev/zero > ${disk}/room && head -c 1000000 /dev/zero > ${disk}/filler; rm ${disk}/room`]);
    const result = cli(['refresh-allowlist', '--source', grown(project)], { cwd: project });
    rmSync(join(disk, 'filler'));
    oneLine(result, 3, /ENOSPC: no space left on device/);
    // The lock's (empty) directory may stay; no file may.
    const { '/out/.proxygen': lockDir, ...after } = tree(disk);
    expect(lockDir).toBe('dir');
    expect(after).toEqual(before);
  });

  it('a symlink where a backup used to go is never written through', () => {
    const project = tempProject(CONFIG);
    expect(cli(['render'], { cwd: project }).code).toBe(0);
    const victim = join(project, 'victim');
    writeFileSync(victim, 'precious\n');
    const list = join(project, 'deploy/proxy/nginx/allowlists/github-hooks.conf');
    symlinkSync(victim, `${list}.bak`);
    const result = cli(['refresh-allowlist', '--source', grown(project)], { cwd: project });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(readFileSync(list, 'utf8')).toContain('allow 20.0.0.0/24;');
  });
});

describe('check scales linearly', () => {
  it('20,000 locations in one server are linted in a few seconds, not minutes', () => {
    const dir = tempProject();
    const locations = Array.from({ length: 20_000 }, (_, i) => `    location /r${i}/ {\n        proxy_pass http://127.0.0.1:9000;\n    }\n`).join('');
    writeFileSync(join(dir, 'many.conf'), `server {\n    listen 8080;\n${locations}}\n`);
    const started = Date.now();
    const result = cli(['check', 'many.conf', '--kind', 'nginx'], { cwd: dir, env: { PROXYGEN_NGINX: '/nonexistent/nginx' } });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^0 errors, 1 warnings/m);
    // Not a benchmark: a bound far above the linear time, far below the quadratic one (7 s and more).
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
