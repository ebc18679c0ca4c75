import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliAsync, tempProject } from './helpers/cli.js';
import { debianNginxRoot, killAt, nginxArgs, nginxReload, seeded, startHostNginx, treeOf } from './helpers/host.js';
import { freePort, selfSigned, type Proxy } from './helpers/live.js';
import { startMetaServer } from './helpers/meta-server.js';
import { FIXTURES } from './helpers/project.js';
import { hasTool, standInTool } from './helpers/tools.js';

const haveNginx = hasTool('nginx');
const sample = JSON.parse(readFileSync(join(FIXTURES, 'github-meta-sample.json'), 'utf8')) as Record<string, string[]>;
const meta = (hooks: string[]) => JSON.stringify({ verifiable_password_authentication: false, hooks, web: sample.web });

describe.runIf(haveNginx)('refresh-allowlist on an applied site: the live files, the live nginx', () => {
  let root: string;
  let dir: string;
  let proxy: Proxy;
  let config: string;
  let server: Awaited<ReturnType<typeof startMetaServer>>;
  let hooks = sample.hooks!;
  const writeConfig = (reload: string, test?: string) => {
    const { cert, key } = { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
    writeFileSync(config, `preset: pilot\ndomain: pilot.example.com\nports: { http: ${ports.http}, https: ${ports.https} }\ntls: { mode: files, cert: ${cert}, key: ${key} }\ntargets: [nginx]\ninstall: { nginx: { reload: ${reload}${test ? `, test: ${test}` : ''} } }\n`);
  };
  const ports = { http: 0, https: 0 };
  const refresh = (extra: string[] = []) => cliAsync(['refresh-allowlist', '--config', config, '--root', root, '--source', server.url, ...extra], { env: { PROXYGEN_BACKOFF_MS: '10', PATH: '/usr/bin:/bin' } });
  const served = () => execFileSync('nginx', [...nginxArgs(root), '-T'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const listFile = () => join(root, 'etc/nginx/proxygen/pilot.example.com/allowlists/github-hooks.conf');

  beforeAll(async () => {
    server = await startMetaServer();
    server.handle(() => ({ status: 200, body: meta(hooks), headers: { etag: `"${hooks.length}"` } }));
    [ports.http, ports.https] = [await freePort(), await freePort()];
    const fallback = await freePort();
    root = debianNginxRoot(fallback);
    proxy = await startHostNginx(root, fallback);
    dir = tempProject();
    selfSigned(dir, 'pilot.example.com');
    config = join(dir, 'proxygen.yaml');
    writeConfig(nginxReload(root));
    expect((await cliAsync(['apply', '--config', config, '--root', root, '--no-timer'])).code).toBe(0);
  }, 30_000);
  afterAll(async () => {
    await proxy.stop();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('under cron\'s PATH: rewrites the live list, nginx -T shows the new range, state follows', async () => {
    expect(served()).not.toContain('allow 20.0.0.0/24;');
    hooks = [...sample.hooks!, '20.0.0.0/24'];
    const result = await refresh(['--verbose']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`github-hooks: ${hooks.length} ranges (+1 -0)\nlive files: ${listFile()}\nvalid: nginx\nreloaded: nginx\n`);
    expect(result.code).toBe(0);
    expect(served()).toContain('allow 20.0.0.0/24;');
    const state = JSON.parse(readFileSync(join(root, 'var/lib/proxygen/sites/pilot.example.com/.proxygen/state.json'), 'utf8')) as { etag: string };
    expect(state.etag).toBe(`"${hooks.length}"`);
    // apply again keeps the refreshed lists: they are seeded from the applied site's state.
    const again = await cliAsync(['apply', '--config', config, '--root', root, '--no-timer']);
    expect(again.stdout).toContain('applied pilot.example.com: 0 of 2 files changed');
  }, 30_000);

  it('a failing reload: exit 5, the live list restored, and the next run retries (no 304)', async () => {
    writeConfig(`nginx -e stderr -c ${root}/missing.conf -s reload`);
    const before = treeOf(root);
    hooks = [...sample.hooks!, '20.0.0.0/24', '21.0.0.0/24'];
    const failed = await refresh();
    expect(failed.stderr).toContain('every file was restored and the previous configuration reloaded');
    expect(failed.code).toBe(5);
    expect(treeOf(root)).toEqual(before);
    writeConfig(nginxReload(root));
    const retried = await refresh();
    expect(retried).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(served()).toContain('allow 21.0.0.0/24;');
  }, 30_000);

  it('an unrelated broken file in conf.d: exit 4, nothing changed, state not recorded', async () => {
    writeFileSync(join(root, 'etc/nginx/conf.d/zz-broken.conf'), 'this is not nginx;\n');
    const before = treeOf(root);
    hooks = [...sample.hooks!, '22.0.0.0/24'];
    const failed = await refresh();
    expect(failed.stderr).toContain('nginx rejected the live configuration; every file was restored');
    expect(failed.code).toBe(4);
    expect(treeOf(root)).toEqual(before);
    rmSync(join(root, 'etc/nginx/conf.d/zz-broken.conf'));
    expect((await refresh()).code).toBe(0);
    expect(readFileSync(listFile(), 'utf8')).toContain('allow 22.0.0.0/24;');
  }, 30_000);

  it('a validator it cannot find is an error, not a silent pass: exit 3, nothing changed', async () => {
    const before = treeOf(root);
    hooks = [...sample.hooks!, '24.0.0.0/24'];
    const result = await cliAsync(['refresh-allowlist', '--config', config, '--root', root, '--source', server.url], { env: { PROXYGEN_BACKOFF_MS: '10', PROXYGEN_NGINX: join(root, 'no-nginx') } });
    expect(result.stderr).toContain(`cannot validate nginx: ${join(root, 'no-nginx')} not found; every file was restored\n`);
    expect(result.code).toBe(3);
    expect(treeOf(root)).toEqual(before);
  }, 30_000);

  it('killed at 15 seeded points, the next run leaves the live list validated, reloaded and recorded', async () => {
    // Real nginx -t after a pause, so the kills land inside the change often (see apply-kill).
    const nginx = execFileSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' }).trim();
    const slow = standInTool('nginx-test', `sleep 0.15\nexec ${nginx} ${nginxArgs(root).join(' ')} -t -q\n`);
    writeConfig(nginxReload(root), slow);
    let started = Date.now();
    expect((await cliAsync(['--version'])).code).toBe(0);
    const startMs = Date.now() - started;
    started = Date.now();
    hooks = [...sample.hooks!, '23.1.0.0/24'];
    const first = await refresh();
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const fullMs = Date.now() - started;
    const random = seeded(20);
    let interrupted = 0;
    for (let run = 0; run < 15; run++) {
      hooks = [...sample.hooks!, `23.0.${run}.0/24`];
      const afterJournal = run % 2 === 1;
      const killed = refresh();
      const stop = killAt(killed.child, root, Math.floor(afterJournal ? 250 * random() : startMs + (fullMs - startMs) * random()), afterJournal);
      await killed;
      stop();
      if (existsSync(join(root, 'var/lib/proxygen/journal/journal.json'))) interrupted++;
      const next = await refresh();
      expect(next.stderr).toMatch(/^(proxygen: repaired: "refresh-allowlist pilot\.example\.com" was interrupted; its \d+ files were put back as they were\n)?$/);
      expect(next.code).toBe(0);
      expect(existsSync(join(root, 'var/lib/proxygen/journal'))).toBe(false);
      expect(served()).toContain(`allow 23.0.${run}.0/24;`);
      const manifest = JSON.parse(readFileSync(join(root, 'var/lib/proxygen/manifest.json'), 'utf8')) as { files: Record<string, string> };
      const live = readFileSync(listFile(), 'utf8');
      expect(manifest.files['/etc/nginx/proxygen/pilot.example.com/allowlists/github-hooks.conf']).toBe(createHash('sha256').update(live).digest('hex'));
    }
    console.log(`refresh-kill: a full refresh took ${fullMs} ms; ${interrupted} of 15 kills left a change half-done, every one repaired`);
    rmSync(dirname(slow), { recursive: true, force: true });
    expect(interrupted).toBeGreaterThan(0);
  }, 120_000);
});
