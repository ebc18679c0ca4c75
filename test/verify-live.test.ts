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
  /** A close code the app answers an upgrade with (PipeGate: 1008 without ?token=). */
  refuse?: (url: string) => number | undefined;
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
    refuse: (url) => (/[?&]token=/.test(url) ? undefined : 1008),
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
  const backend = options.backend ?? (await startBackend(scenario.knows, scenario.websocket, scenario.refuse));
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
    expect(report.checks.filter((c) => /^(host|target)/.test(c.name)).map((c) => `${c.name}: ${c.detail}`)).toEqual([
      'host: another name refused: Host proxygen-verify.invalid -> 421',
      'host on http: no redirect elsewhere: Host proxygen-verify.invalid -> 421',
      'target: backslash refused: /proxygen-verify/..%5Cx -> 400',
    ]);
    const websocket = report.checks.find((c) => c.name.startsWith('websocket '))!.detail;
    if (scenario.refuse) expect(websocket).toMatch(/^101 in \d+(\.\d)? ms; the app then closed with 1008 \(it wants credentials\), so no round trip was measured$/);
    else expect(websocket).toMatch(/^101 in \d+(\.\d)? ms, ping \d+(\.\d)? ms, echo \d+(\.\d)? ms$/);
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

const PILOT = SCENARIOS[0]!;
type Report = { checks: { name: string; ok: boolean; detail: string; fix?: string }[] };
const failedChecks = (stdout: string) => (JSON.parse(stdout) as Report).checks.filter((c) => !c.ok);

async function withSite<T>(server: 'nginx' | 'caddy', options: Parameters<typeof startSite>[2], work: (site: Site) => Promise<T>): Promise<T> {
  const site = await startSite(PILOT, server, options);
  try {
    return await work(site);
  } finally {
    await site.proxy.stop();
    await site.backend.close();
  }
}

/** Removes the lines of one nginx location block that match `drop`. */
const editLocation = (location: string, drop: RegExp) => (site: string) => {
  const start = site.indexOf(`    ${location} {`);
  const end = site.indexOf('\n    }', start);
  return site.slice(0, start) + site.slice(start, end).split('\n').filter((line) => !drop.test(line)).join('\n') + site.slice(end);
};

describe.runIf(haveTools)('verify names what a broken proxy gets wrong', () => {
  it('Upgrade/Connection not forwarded: the WebSocket check fails with the location to fix', async () => {
    await withSite('nginx', { edit: editLocation('location = /ws', /Upgrade|Connection/) }, async (site) => {
      const result = await verify(site, ['--json']);
      expect(result.code).toBe(1);
      expect(failedChecks(result.stdout)).toEqual([
        { name: 'websocket /ws', ok: false, skipped: false, ms: expect.any(Number), detail: '101 missing: answered 426 instead of 101', fix: 'the proxy does not forward Upgrade/Connection - see nginx location = /ws' },
      ]);
    });
  }, 30_000);

  it('no Host check and no target check: verify names both (issue 20)', async () => {
    const unguarded = (site: string) => site.replace(/\n    if \(\$host [^\n]*\n[^\n]*\n    \}/g, '').replace(/\n    if \(\$request_uri [^\n]*\n[^\n]*\n    \}/g, '');
    await withSite('nginx', { edit: unguarded }, async (site) => {
      const result = await verify(site, ['--json']);
      expect(result.code).toBe(1);
      expect(failedChecks(result.stdout).map((c) => `${c.name}: ${c.detail}`)).toEqual(['host: another name refused: Host proxygen-verify.invalid answered 404', 'target: backslash refused: /proxygen-verify/..%5Cx -> 404, expected 400']);
    });
  }, 30_000);

  it('/metrics open to all: the internal check fails and lists how it got through', async () => {
    await withSite('nginx', { edit: editLocation('location = /metrics', /allow|deny/) }, async (site) => {
      const result = await verify(site, ['--json']);
      expect(result.code).toBe(1);
      const failed = failedChecks(result.stdout);
      expect(failed.map((c) => c.name)).toEqual(['internal /metrics']);
      expect(failed[0]!.detail).toBe('reachable from outside: plain /metrics -> 200; forged X-Forwarded-For /metrics -> 200; forged X-Real-IP /metrics -> 200');
    });
  }, 30_000);

  it('a WebSocket timeout shorter than --hold: closed while idle, with the timeout named', async () => {
    await withSite('nginx', { edit: (site) => site.replace(/(location = \/ws \{[^}]*?)proxy_read_timeout 3600s;/, '$1proxy_read_timeout 2s;') }, async (site) => {
      const held = await verify(site, ['--json', '--hold', '3s']);
      expect(held.code).toBe(1);
      const failed = failedChecks(held.stdout);
      expect(failed.map((c) => c.name)).toEqual(['websocket /ws']);
      // nginx's 2 s run from its last read of the app's echo, before our idle clock starts: on a
      // busy machine that head start grows, so anything from 1 s up to the 3 s hold is right.
      expect(failed[0]!.detail).toMatch(/; closed after [12]\.\d s idle \(code 1006\)$/);
      expect(failed[0]!.fix).toBe("the proxy's read timeout is shorter than 3.0 s (nginx defaults to 60 s): set timeout: on the route - see nginx location = /ws");
      // The unbroken render holds the same 3 s.
    });
    await withSite('nginx', {}, async (site) => {
      const held = await verify(site, ['--json', '--hold', '3s']);
      expect(failedChecks(held.stdout)).toEqual([]);
      expect((JSON.parse(held.stdout) as Report).checks.find((c) => c.name === 'websocket /ws')!.detail).toMatch(/, idle 3\.0 s survived$/);
    });
  }, 40_000);

  it('--probe-rate sees 429 from nginx and reports the gap on Caddy', async () => {
    await withSite('nginx', {}, async (site) => {
      const result = await verify(site, ['--json', '--probe-rate']);
      const rate = (JSON.parse(result.stdout) as Report).checks.find((c) => c.name === 'rate /webhooks/')!;
      expect(rate).toMatchObject({ ok: true });
      expect(rate.detail).toMatch(/^429 after \d+ requests in \d+ ms \(rate 10\/s, burst 20\)$/);
      expect(result.code).toBe(0);
    });
    await withSite('caddy', {}, async (site) => {
      const result = await verify(site, ['--json', '--probe-rate']);
      expect(failedChecks(result.stdout)).toEqual([expect.objectContaining({ name: 'rate /webhooks/', fix: 'nginx: limit_req in location /webhooks/; stock Caddy has no rate limiter (a documented gap)' })]);
      expect(result.code).toBe(1);
    });
  }, 40_000);

  it('the text table: one line per check, the fix under a failure, a summary', async () => {
    await withSite('nginx', { edit: editLocation('location = /metrics', /allow|deny/) }, async (site) => {
      const result = await verify(site);
      expect(result.stderr).toBe('');
      const lines = result.stdout.split('\n');
      expect(lines.find((l) => l.startsWith('FAIL'))).toMatch(/^FAIL {2}internal \/metrics +\d+ ms {2}reachable from outside: /);
      expect(lines[lines.findIndex((l) => l.startsWith('FAIL')) + 1]).toMatch(/^ +fix: allow internal then deny all in nginx location = \/metrics/);
      expect(lines.filter((l) => l.startsWith('PASS')).length).toBeGreaterThan(8);
      expect(result.stdout).toMatch(/\n\n\d+ passed, 1 failed\n$/);
    });
  }, 30_000);
});

describe.runIf(haveTools)('verify from an inside address', () => {
  it('internal paths must be reachable from inside; allowlists still refuse', async () => {
    await withSite('nginx', {}, async (site) => {
      const result = await verify(site, ['--json'], '127.0.0.2');
      const checks = (JSON.parse(result.stdout) as Report).checks;
      expect(checks.find((c) => c.name === 'internal /metrics')).toMatchObject({ ok: true, detail: 'reachable from 127.0.0.2, inside internal (200)' });
      expect(checks.find((c) => c.name === 'allowlist /webhooks/github')!.detail).toMatch(/^refused 7\/7 ways/);
      expect(result.code).toBe(0);
    });
    await withSite('nginx', { edit: (text) => text.replaceAll('allow 127.0.0.2/32;\n', '') }, async (site) => {
      const result = await verify(site, ['--json'], '127.0.0.2');
      expect(failedChecks(result.stdout).map((c) => `${c.name}: ${c.detail}`)).toEqual(['/metrics', '/health', '/ready', '/live'].map((p) => `internal ${p}: 403 from 127.0.0.2, inside internal`));
    });
  }, 40_000);
});

describe.runIf(haveTools)('many WebSockets at once', () => {
  it('1000 connections held 20 s through nginx all survive', async () => {
    await withSite('nginx', { workerConnections: 4096 }, async (site) => {
      const result = await verify(site, ['--json', '--connections', '1000', '--hold', '20s']);
      const check = (JSON.parse(result.stdout) as Report).checks.find((c) => c.name === 'connections 1000 /ws')!;
      expect(check.detail).toMatch(/^1000\/1000 survived 20 s idle, p50 \d+\.\d ms, p99 \d+\.\d ms$/);
      expect(check.ok).toBe(true);
    });
  }, 90_000);

  it("nginx's Debian default of 768 worker_connections holds fewer, and verify says why", async () => {
    await withSite('nginx', { workerConnections: 768 }, async (site) => {
      const result = await verify(site, ['--json', '--connections', '600']);
      const check = (JSON.parse(result.stdout) as Report).checks.find((c) => c.name === 'connections 600 /ws')!;
      expect(check.ok).toBe(false);
      expect(check.detail).toMatch(/^3\d\d\/600 survived/);
      expect(check.fix).toMatch(/worker_connections/);
    });
  }, 60_000);
});
