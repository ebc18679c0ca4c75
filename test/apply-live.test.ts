import { existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCloudflared } from '../src/validate/cloudflared.js';
import { BIN, cliAsync, tempProject } from './helpers/cli.js';
import { caddyEnv, caddyReload, debianCaddyRoot, debianNginxRoot, nginxReload, startHostCaddy, startHostNginx, treeOf } from './helpers/host.js';
import { freePort, selfSigned, startBackend, type Backend, type Proxy } from './helpers/live.js';
import { hasTool } from './helpers/tools.js';

const haveTools = hasTool('nginx') && hasTool('caddy');

interface HostSite {
  domain: string;
  config: string;
  cert: string;
  backend: Backend;
  write: (extra?: string) => void;
}

const PRESETS = {
  pilot: { domain: 'pilot.example.com', knows: (p: string) => ['/health', '/ready', '/live', '/metrics'].includes(p) || /^\/(webhooks|api)\//.test(p), websocket: (p: string) => p === '/ws' || p.startsWith('/ws/') },
  pipelit: { domain: 'pipelit.example.com', knows: () => true, websocket: (p: string) => p.startsWith('/ws/') },
};

/** One site's proxygen.yaml for this host: its own backend and certificate, the host's ports and install: key. */
async function hostSite(preset: keyof typeof PRESETS, ports: { http: number | string; https: number | string }, targets: string, install: string): Promise<HostSite> {
  const { domain, knows, websocket } = PRESETS[preset];
  const dir = tempProject();
  const { cert, key } = selfSigned(dir, domain);
  const backend = await startBackend(knows, websocket);
  const config = join(dir, 'proxygen.yaml');
  const write = (extra = '') =>
    writeFileSync(config, `preset: ${preset}\ndomain: ${domain}\nupstream: http://127.0.0.1:${backend.port}\nports: { http: ${ports.http}, https: ${ports.https} }\ntls: { mode: files, cert: ${cert}, key: ${key} }\nnetworks: { internal: [127.0.0.2/32] }\ntunnel: { provider: cloudflare, cloudflare: { tunnel: host, credentials_file: /etc/cloudflared/host.json } }\ntargets: ${targets}\ninstall: ${install}\n${extra}`);
  write();
  return { domain, config, cert, backend, write };
}

const run = (args: string[], env: Record<string, string> = {}) => cliAsync(args, { env });
const verify = (site: HostSite, port: number) => run(['verify', '--config', site.config, '--connect-to', `127.0.0.1:${port}`, '--ca', site.cert, '--source-address', '127.0.0.3', '--json']);
const failedChecks = async (site: HostSite, port: number) => (JSON.parse((await verify(site, port)).stdout) as { checks: { name: string; ok: boolean; detail: string }[] }).checks.filter((c) => !c.ok);

async function cleanUp(proxy: Proxy | undefined, sites: HostSite[]) {
  await proxy?.stop();
  for (const site of sites) {
    await site.backend.close();
    rmSync(join(site.config, '..'), { recursive: true, force: true });
  }
}

describe.runIf(haveTools)('apply: two sites on one real nginx under --root', () => {
  let root: string;
  let proxy: Proxy;
  let ports: { http: number; https: number };
  const sites: HostSite[] = [];
  beforeAll(async () => {
    ports = { http: await freePort(), https: await freePort() };
    const fallback = await freePort();
    root = debianNginxRoot(fallback);
    proxy = await startHostNginx(root, fallback);
    const install = `{ nginx: { reload: ${nginxReload(root)} } }`;
    // Bound to loopback, as behind a tunnel (ports take an address).
    const bound = { http: `"127.0.0.1:${ports.http}"`, https: `"127.0.0.1:${ports.https}"` };
    sites.push(await hostSite('pilot', bound, '[nginx, cloudflared]', install), await hostSite('pipelit', bound, '[nginx, cloudflared]', install));
  }, 30_000);
  afterAll(() => cleanUp(proxy, sites));
  const apply = (site: HostSite, extra: string[] = []) => run(['apply', '--config', site.config, '--root', root, ...extra]);

  it('applies pilot, then pipelit: both pass verify, one cloudflared config holds both', async () => {
    for (const site of sites) {
      const result = await apply(site);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain(`valid: nginx, cloudflared\nreloaded: nginx\n`);
      expect(result.code).toBe(0);
    }
    for (const site of sites) expect(await failedChecks(site, ports.https)).toEqual([]);
    expect(readFileSync(join(root, 'etc/nginx/conf.d/proxygen-pilot.example.com.conf'), 'utf8')).toContain(`\n    listen 127.0.0.1:${ports.https} ssl http2;\n`);
    const cloudflared = readFileSync(join(root, 'etc/cloudflared/config.yml'), 'utf8');
    expect(cloudflared).toContain('- hostname: pilot.example.com\n');
    expect(cloudflared).toContain('- hostname: pipelit.example.com\n');
    expect(cloudflared.match(/^ {2}- service: /gm)).toHaveLength(1);
    expect(cloudflared.endsWith('  - service: http_status:404\n')).toBe(true);
    expect(validateCloudflared('config.yml', cloudflared).filter((f) => f.severity === 'error')).toEqual([]);
    // pilot has an allowlist: its refresh timer calls this very binary by absolute path.
    const service = readFileSync(join(root, 'etc/systemd/system/proxygen-refresh-pilot.example.com.service'), 'utf8');
    expect(service).toContain(`\nType=oneshot\nExecStart=${process.execPath} ${realpathSync(BIN)} refresh-allowlist --config ${sites[0]!.config} --root ${root}\n`);
    expect(readFileSync(join(root, 'etc/systemd/system/proxygen-refresh-pilot.example.com.timer'), 'utf8')).toContain('\nOnCalendar=*:0/30\n');
    expect(existsSync(join(root, 'etc/systemd/system/proxygen-refresh-pipelit.example.com.timer'))).toBe(false);
    // A second apply changes nothing and says so.
    expect((await apply(sites[0]!)).stdout).toContain('applied pilot.example.com: 0 of 5 files changed\n');
  }, 60_000);

  it('an unrelated broken file in conf.d: exit 4, every file byte-identical', async () => {
    writeFileSync(join(root, 'etc/nginx/conf.d/zz-broken.conf'), 'this is not nginx;\n');
    const before = treeOf(root);
    sites[0]!.write('limits: { body: 20m }\n');
    const result = await apply(sites[0]!);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^proxygen: apply pilot\.example\.com: nginx rejected the live configuration; every file was restored:\n/);
    expect(result.stderr).toContain('unknown directive "this"');
    expect(treeOf(root)).toEqual(before);
    rmSync(join(root, 'etc/nginx/conf.d/zz-broken.conf'));
  }, 30_000);

  it('a failing reload: exit 5, every file restored, still serving', async () => {
    const before = treeOf(root);
    sites[0]!.write('limits: { body: 20m }\n');
    writeFileSync(sites[0]!.config, readFileSync(sites[0]!.config, 'utf8').replace(/^install: .*$/m, `install: { nginx: { reload: nginx -e stderr -c ${root}/missing.conf -s reload } }`));
    const result = await apply(sites[0]!);
    expect(result.stderr).toMatch(/^proxygen: apply pilot\.example\.com: `nginx -e stderr -c \S+ -s reload` failed: /);
    expect(result.stderr).toContain('every file was restored and the previous configuration reloaded');
    expect(result.code).toBe(5);
    expect(treeOf(root)).toEqual(before);
    sites[0]!.write();
    expect(await failedChecks(sites[0]!, ports.https)).toEqual([]);
  }, 30_000);

  it('uninstall pipelit: pilot keeps serving, the tunnel config keeps pilot alone', async () => {
    const result = await run(['uninstall', '--site', 'pipelit.example.com', '--root', root]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('removed   ' + join(root, 'etc/nginx/conf.d/proxygen-pipelit.example.com.conf'));
    expect(await failedChecks(sites[0]!, ports.https)).toEqual([]);
    expect(readFileSync(join(root, 'etc/cloudflared/config.yml'), 'utf8')).not.toContain('pipelit');
  }, 30_000);
});

describe.runIf(haveTools)('apply: two sites on one real Caddy under --root', () => {
  let root: string;
  let proxy: Proxy;
  let ports: { http: number; https: number };
  const sites: HostSite[] = [];
  beforeAll(async () => {
    ports = { http: await freePort(), https: await freePort() };
    const [fallback, admin] = [await freePort(), await freePort()];
    root = debianCaddyRoot(fallback, admin);
    proxy = await startHostCaddy(root, fallback);
    const install = `{ caddy: { globals: [admin localhost:${admin}], reload: ${caddyReload(root, admin)} } }`;
    sites.push(await hostSite('pilot', ports, '[caddy]', install), await hostSite('pipelit', ports, '[caddy]', install));
  }, 30_000);
  afterAll(() => cleanUp(proxy, sites));
  const apply = (site: HostSite, extra: string[] = []) => run(['apply', '--config', site.config, '--root', root, ...extra], caddyEnv(root));

  it('refuses the packaged Caddyfile it did not write, then replaces it with --force', async () => {
    const placeholder = readFileSync(join(root, 'etc/caddy/Caddyfile'), 'utf8');
    const refused = await apply(sites[0]!);
    expect(refused.stderr).toBe(`proxygen: apply pilot.example.com: proxygen did not write ${root}/etc/caddy/Caddyfile (or it was edited since); nothing was changed\nhint: look at it, then use --force to replace it (a file proxygen never owned is kept under /var/lib/proxygen/originals and put back by uninstall)\n`);
    expect(refused.code).toBe(3);
    expect(readFileSync(join(root, 'etc/caddy/Caddyfile'), 'utf8')).toBe(placeholder);
    expect(treeOf(root).size).toBe(1);
    const forced = await apply(sites[0]!, ['--force']);
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    expect(readFileSync(join(root, 'var/lib/proxygen/originals/etc/caddy/Caddyfile'), 'utf8')).toBe(placeholder);
  }, 60_000);

  it('applies pipelit beside pilot: one main file with one global block, both pass verify', async () => {
    const result = await apply(sites[1]!);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('valid: caddy\nreloaded: caddy\n');
    expect(result.code).toBe(0);
    const main = readFileSync(join(root, 'etc/caddy/Caddyfile'), 'utf8');
    expect(main.match(/^\{$/gm)).toHaveLength(1);
    expect(main).toContain('import proxygen/*.caddy\n');
    // The blocks refusing other Hosts are in the main file once, not in each site's file.
    expect(main.match(/^http:\/\/ \{$/gm)).toHaveLength(1);
    expect(readFileSync(join(root, 'etc/caddy/proxygen/pipelit.example.com.caddy'), 'utf8')).not.toMatch(/^https?:\/\/ \{$/m);
    for (const site of sites) expect(await failedChecks(site, ports.https)).toEqual([]);
  }, 60_000);

  it('uninstall pipelit leaves pilot serving; uninstall pilot puts the packaged Caddyfile back', async () => {
    expect((await run(['uninstall', '--site', 'pipelit.example.com', '--root', root], caddyEnv(root))).code).toBe(0);
    expect(await failedChecks(sites[0]!, ports.https)).toEqual([]);
    const last = await run(['uninstall', '--config', sites[0]!.config, '--root', root, '--no-reload'], caddyEnv(root));
    expect(last.stderr).toBe('');
    expect(last.code).toBe(0);
    expect(readFileSync(join(root, 'etc/caddy/Caddyfile'), 'utf8')).toContain('respond "placeholder"');
    expect([...treeOf(root).keys()].sort()).toEqual(['etc/caddy/Caddyfile', 'var/lib/proxygen/manifest.json']);
    expect(existsSync(join(root, 'etc/caddy/proxygen'))).toBe(false);
  }, 60_000);
});
