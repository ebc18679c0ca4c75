import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../src/project.js';
import { cliAsync, tempProject } from './helpers/cli.js';
import { freePort, selfSigned, startBackend, startCaddy, startNginx, type Backend, type Proxy } from './helpers/live.js';
import { hasTool } from './helpers/tools.js';

const haveTools = hasTool('nginx') && hasTool('caddy');

interface Scenario {
  preset: string;
  domain: string;
  extra: string;
  knows: (path: string) => boolean;
  websocket: (path: string) => boolean;
}

// networks.internal is 127.0.0.2 alone: probes from 127.0.0.2 play "inside", from 127.0.0.3 "outside".
const SCENARIOS: Scenario[] = [
  {
    preset: 'pilot',
    domain: 'pilot.example.com',
    extra: 'networks:\n  internal: [127.0.0.2/32]\n',
    knows: (p) => ['/health', '/ready', '/live', '/metrics'].includes(p) || /^\/(webhooks|api)\//.test(p),
    websocket: (p) => p === '/ws' || p.startsWith('/ws/'),
  },
  {
    preset: 'pipegate',
    domain: 'tunnel.example.com',
    extra: 'networks:\n  office: [127.0.0.2/32]\nroutes:\n  - path: /healthz\n    exact: true\n    allow: [office]\n',
    knows: (p) => p === '/healthz' || /^\/(?!healthz\/)[a-z0-9-]+\//.test(p),
    websocket: (p) => p === '/',
  },
];

export interface Site {
  dir: string;
  config: string;
  cert: string;
  backend: Backend;
  proxy: Proxy;
  port: number;
}

/** Renders the scenario for one server on its own ports and starts it in front of the backend. */
export async function startSite(scenario: Scenario, server: 'nginx' | 'caddy', options: { edit?: (text: string) => string; workerConnections?: number; backend?: Backend } = {}): Promise<Site> {
  const dir = tempProject();
  const { cert, key } = selfSigned(dir, scenario.domain);
  const backend = options.backend ?? (await startBackend(scenario.knows, scenario.websocket));
  const [http, https] = [await freePort(), await freePort()];
  const config = join(dir, 'proxygen.yaml');
  writeFileSync(config, `preset: ${scenario.preset}\ndomain: ${scenario.domain}\nupstream: http://127.0.0.1:${backend.port}\nports: { http: ${http}, https: ${https} }\ntls: { mode: files, cert: ${cert}, key: ${key} }\ntargets: [nginx, caddy]\n${scenario.extra}`);
  const project = await loadProject(config);
  const proxy = server === 'nginx' ? await startNginx(project.files, project.plan.nginx.allowlist_dir, https, options) : await startCaddy(project.files, https, options);
  return { dir, config, cert, backend, proxy, port: https };
}

export const verify = (site: Site, args: string[] = [], source = '127.0.0.3') =>
  cliAsync(['verify', '--config', site.config, '--connect-to', `127.0.0.1:${site.port}`, '--ca', site.cert, '--source-address', source, ...args]);

describe.runIf(haveTools).each(SCENARIOS)('verify against real servers: $preset', (scenario) => {
  const sites: Partial<Record<'nginx' | 'caddy', Site>> = {};
  beforeAll(async () => {
    sites.nginx = await startSite(scenario, 'nginx');
    sites.caddy = await startSite(scenario, 'caddy');
  }, 30_000);
  afterAll(async () => {
    for (const site of Object.values(sites)) {
      await site.proxy.stop();
      await site.backend.close();
    }
  });

  it.each(['nginx', 'caddy'] as const)('passes against %s', async (server) => {
    const result = await verify(sites[server]!, ['--json']);
    const report = JSON.parse(result.stdout) as { checks: { name: string; ok: boolean; detail: string }[]; summary: { failed: number } };
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.code).toBe(0);
  }, 60_000);
});

type Row = [method: string, path: string, source: string, upgrade: boolean];

/** One raw request (path sent as is) from a chosen source address; the status, and what the app saw. */
function probe(site: Site, domain: string, [method, path, source, upgrade]: Row): Promise<string> {
  return new Promise((resolve) => {
    const before = site.backend.seen.length;
    const headers: Record<string, string> = upgrade ? { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' } : {};
    const request = httpsRequest({ host: '127.0.0.1', port: site.port, servername: domain, localAddress: source, ca: readFileSync(site.cert), method, path, headers: { Host: domain, ...headers }, agent: false });
    const settle = (status: number) => {
      const saw = site.backend.seen.slice(before).map((s) => `${s.method} ${s.url}`);
      resolve(`${status} ${saw.join(',') || '-'}`);
    };
    request.on('upgrade', (_response, socket) => (socket.destroy(), setTimeout(() => settle(101), 20)));
    request.on('response', (response) => (response.resume(), response.on('end', () => setTimeout(() => settle(response.statusCode ?? 0), 20))));
    request.on('error', (error) => resolve(`error ${error.message}`));
    request.end();
  });
}

const TABLE_PATHS: Record<string, string[]> = {
  pilot: ['/', '/api/tasks', '/api', '/ws', '/ws/x', '/wsx', '/webhooks/', '/webhooks/jira', '/webhooks/github', '/webhooks/github/x', '/health', '/health/', '//health', '/%68ealth', '/metrics', '/ready', '/live', '/nothing'],
  pipegate: ['/', '/abc123/hook', '/abc123/', '/healthz', '/healthz/', '//healthz', '/%68ealthz', '/nothing'],
};

describe.runIf(haveTools).each(SCENARIOS)('one config, one behaviour: $preset', (scenario) => {
  it('nginx and Caddy answer the same request table alike (inside 127.0.0.2, outside 127.0.0.3)', async () => {
    const nginx = await startSite(scenario, 'nginx');
    const caddy = await startSite(scenario, 'caddy');
    try {
      const rows: Row[] = TABLE_PATHS[scenario.preset]!.flatMap((path) =>
        ['127.0.0.2', '127.0.0.3'].flatMap((source) => [['GET', path, source, false], ['POST', path, source, false], ['GET', path, source, true]] as Row[]),
      );
      const answers = async (site: Site) => {
        const out: Record<string, string> = {};
        for (const row of rows) out[row.join(' ')] = await probe(site, scenario.domain, row);
        return out;
      };
      const [fromNginx, fromCaddy] = [await answers(nginx), await answers(caddy)];
      expect(fromCaddy).toEqual(fromNginx);
      // And the table is not vacuous: inside reaches the internal path, outside does not.
      const internal = scenario.preset === 'pilot' ? '/health' : '/healthz';
      expect(fromNginx[`GET ${internal} 127.0.0.2 false`]).toBe(`200 GET ${internal}`);
      expect(fromNginx[`GET ${internal} 127.0.0.3 false`]).toBe('403 -');
    } finally {
      for (const site of [nginx, caddy]) {
        await site.proxy.stop();
        await site.backend.close();
      }
    }
  }, 60_000);
});
