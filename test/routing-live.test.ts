import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../src/project.js';
import { cliAsync, tempProject } from './helpers/cli.js';
import { WebSocketServer } from 'ws';
import { freePort, selfSigned, startCaddy, startNginx, stopServer, type Proxy } from './helpers/live.js';
import { rawRequest, type RawAnswer } from './helpers/raw-request.js';
import { hasTool } from './helpers/tools.js';

const haveTools = hasTool('nginx') && hasTool('caddy');
const DOMAIN = 'pilot.example.com';

// The routing model (issue 23) against real nginx and real Caddy: one domain in front of a
// gateway and an app of two servers (plus one that is down), each request answered by the right one.
interface Service {
  port: number;
  /** The request targets it answered. */
  seen: string[];
  close: () => Promise<void>;
}

interface Services {
  gateway: Service;
  app: Service[];
  deadPort: number;
  /** Authorization headers that reached any service. */
  authorization: string[];
}

const PAGE = `<!doctype html><title>stand-in</title>${'<p>a stand-in page, long enough to be worth compressing</p>'.repeat(40)}`;

/** A stand-in service: a text page with headers of its own that the proxy must replace or drop; WebSocket echo. */
async function startService(authorization: string[]): Promise<Service> {
  const seen: string[] = [];
  const server = createServer((request, response) => {
    seen.push(request.url ?? '');
    if (request.headers.authorization) authorization.push(request.headers.authorization);
    request.resume();
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'x-powered-by': 'stand-in', 'x-frame-options': 'DENY', 'content-security-policy': 'default-src *' }).end(PAGE);
  });
  const sockets = new WebSocketServer({ server });
  sockets.on('connection', (socket, request) => (seen.push(request.url ?? ''), socket.on('message', (data) => socket.send(data))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    seen,
    close: () => stopServer(server, sockets),
  };
}

// A published test password, bcrypt at the lowest cost so each check stays cheap.
const USER = 'ops';
const PASSWORD = 'open-sesame';
const HASH = '$2b$04$EGweW3yFyn3D9A47VQeWj.JJLpVnnHRtxwLLUYvG5M06SePqOyKJy';
const INSIDE = '127.0.0.2';

function configText(services: Services, http: number, dir: string): string {
  const auth = `{ basic: ${join(dir, 'htpasswd')}, caddy_file: ${join(dir, 'users')} }`;
  const [one, two] = services.app.map((backend) => `http://127.0.0.1:${backend.port}`);
  return `domain: ${DOMAIN}
ports: { http: ${http}, https: ${http + 1} }
tls: { mode: off }
targets: [nginx, caddy]
upstream: app
upstreams:
  app: { servers: [${one}, ${two}, http://127.0.0.1:${services.deadPort}], max_fails: 1, fail_timeout: 30s }
  gateway: { servers: [http://127.0.0.1:${services.gateway.port}] }
compression: true
www: redirect
redirects:
  - { from: /old/, to: /new/ }
  - { from: /docs, to: "https://docs.example.com/pilot/", status: 302 }
headers:
  set: { Content-Security-Policy: "default-src 'self'" }
  remove: [X-Powered-By]
networks:
  inside: [${INSIDE}/32]
routes:
  - { path: /admin/, auth: ${auth} }
  - { path: /metrics, exact: true, allow: [inside], auth: ${auth} }
  - path: /embed/
    headers: { set: { Content-Security-Policy: "frame-ancestors https://partner.example.com" }, remove: [X-Frame-Options] }
  - { path: /ws, websocket: true }
  - { path: /api/v1/, upstream: gateway }
  - { path: /webhooks/, upstream: gateway }
  - { path: /api/ }
  - { path: / }
`;
}

interface Row {
  name: string;
  send: (port: number) => Promise<RawAnswer>;
  /** What the answer and the services show beyond the status. */
  show?: (answer: RawAnswer) => string;
  expected: string;
}

const location = (answer: RawAnswer) => (answer.headers.location ?? []).join('|');
const GZIP = 'Accept-Encoding: gzip\r\n';
const UPGRADE = `GET /ws HTTP/1.1\r\nHost: ${DOMAIN}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${GZIP}\r\n`;
const encoding = (answer: RawAnswer) => `content-encoding=${(answer.headers['content-encoding'] ?? []).join('|')}`;
const encodingAndVary = (answer: RawAnswer) => `${encoding(answer)} vary=${(answer.headers.vary ?? []).join('|')}`;
const get = (target: string, more = '') => `GET ${target} HTTP/1.1\r\nHost: ${DOMAIN}\r\n${more}Connection: close\r\n\r\n`;
const request = (port: number, head: string, source = '127.0.0.1') => rawRequest({ port, tls: false, servername: DOMAIN, source }, head);
const basic = (user: string, password: string) => `Authorization: Basic ${Buffer.from(`${user}:${password}`).toString('base64')}\r\n`;

function rows(services: Services): Row[] {
  const who = (path: string) => (services.gateway.seen.includes(path) ? 'gateway' : services.app.some((a) => a.seen.includes(path)) ? 'app' : 'nobody');
  const route = (path: string, expected: string): Row => ({ name: `${path} goes to the ${expected.split(' ')[1]}`, send: (port) => request(port, get(path)), show: () => who(path), expected });
  const shown = (names: string[]) => (answer: RawAnswer) => names.map((name) => `${name}=${(answer.headers[name] ?? []).join('|')}`).join(' ');
  const headers = shown(['content-security-policy', 'x-frame-options', 'x-powered-by', 'x-content-type-options']);
  return [
    { name: 'site headers: set once, removed, security kept', send: (port) => request(port, get('/settings')), show: headers, expected: "200 content-security-policy=default-src 'self' x-frame-options=SAMEORIGIN x-powered-by= x-content-type-options=nosniff" },
    { name: 'route headers: its own value, its removal, the rest of the site kept', send: (port) => request(port, get('/embed/x')), show: headers, expected: '200 content-security-policy=frame-ancestors https://partner.example.com x-frame-options= x-powered-by= x-content-type-options=nosniff' },
    { name: 'site headers on a route to the gateway', send: (port) => request(port, get('/api/v1/status')), show: headers, expected: "200 content-security-policy=default-src 'self' x-frame-options=SAMEORIGIN x-powered-by= x-content-type-options=nosniff" },
    // Compression: text answers compressed when asked for; never on the WebSocket route.
    { name: 'text, gzip asked for', send: (port) => request(port, get('/settings', GZIP)), show: encodingAndVary, expected: '200 content-encoding=gzip vary=Accept-Encoding' },
    { name: 'text, nothing asked for', send: (port) => request(port, get('/settings')), show: encoding, expected: '200 content-encoding=' },
    { name: 'WebSocket route, plain GET asking for gzip', send: (port) => request(port, get('/ws', GZIP)), show: encoding, expected: '200 content-encoding=' },
    { name: 'WebSocket upgrade asking for gzip', send: (port) => request(port, UPGRADE), show: encoding, expected: '101 content-encoding=' },
    // Redirects: exact paths, query kept; the www name to the domain.
    { name: 'redirect with a query', send: (port) => request(port, get('/old/?a=1&b=2')), show: location, expected: '301 /new/?a=1&b=2' },
    { name: 'redirect without a query', send: (port) => request(port, get('/old/')), show: location, expected: '301 /new/' },
    { name: 'below a redirected path: not redirected', send: (port) => request(port, get('/old/x')), show: location, expected: '200 ' },
    { name: 'redirect elsewhere, 302', send: (port) => request(port, get('/docs')), show: location, expected: '302 https://docs.example.com/pilot/' },
    { name: 'www name: to the domain, target kept', send: (port) => request(port, get('/a/b?c=1').replace(`Host: ${DOMAIN}`, `Host: www.${DOMAIN}`)), show: location, expected: `301 http://${DOMAIN}:PORT/a/b?c=1` },
    // Basic auth: 401 without a password or with a wrong one, 200 with it (the app never sees it);
    // with an allow list, either one admits.
    { name: 'auth: no password', send: (port) => request(port, get('/admin/x')), expected: '401' },
    { name: 'auth: a wrong password', send: (port) => request(port, get('/admin/x', basic(USER, 'guess'))), expected: '401' },
    { name: 'auth: the password', send: (port) => request(port, get('/admin/y', basic(USER, PASSWORD))), show: () => `${who('/admin/y')} authorization=${services.authorization.join('|')}`, expected: '200 app authorization=' },
    { name: 'auth or allow: a listed address without a password', send: (port) => request(port, get('/metrics'), INSIDE), expected: '200' },
    { name: 'auth or allow: another address without a password', send: (port) => request(port, get('/metrics')), expected: '401' },
    { name: 'auth or allow: another address with the password', send: (port) => request(port, get('/metrics', basic(USER, PASSWORD))), expected: '200' },
    { name: 'auth or allow: a variant of the exact path', send: (port) => request(port, get('/metrics/')), expected: '401' },
    route('/api/v1/status', '200 gateway'),
    route('/webhooks/github', '200 gateway'),
    route('/api/tasks', '200 app'),
    route('/settings', '200 app'),
  ];
}

async function startServices(): Promise<Services> {
  const authorization: string[] = [];
  return { gateway: await startService(authorization), app: [await startService(authorization), await startService(authorization)], deadPort: await freePort(), authorization };
}

describe.runIf(haveTools).each(['nginx', 'caddy'] as const)('routing on real %s', (server) => {
  const stops: (() => Promise<unknown>)[] = [];
  let services: Services;
  let port: number;
  let proxy: Proxy;
  let config: string;
  beforeAll(async () => {
    const dir = tempProject();
    stops.push(async () => rmSync(dir, { recursive: true, force: true }));
    services = await startServices();
    stops.push(services.gateway.close, ...services.app.map((a) => a.close));
    port = await freePort();
    // Under root, nginx's workers run as nobody and read the password file per request: its
    // directory must be reachable to them (the run's temp root is, like /tmp).
    const secrets = mkdtempSync(join(tmpdir(), 'proxygen-auth-'));
    stops.push(async () => rmSync(secrets, { recursive: true, force: true }));
    chmodSync(secrets, 0o711);
    writeFileSync(join(secrets, 'htpasswd'), `${USER}:${HASH}\n`, { mode: 0o644 });
    writeFileSync(join(secrets, 'users'), `${USER} ${HASH}\n`, { mode: 0o644 });
    config = join(dir, 'proxygen.yaml');
    writeFileSync(config, configText(services, port, secrets));
    const project = await loadProject(config);
    proxy = server === 'nginx' ? await startNginx(project.files, project.plan.nginx.allowlist_dir, port) : await startCaddy(project.files, port);
    stops.push(proxy.stop);
  }, 30_000);
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  it('each path reaches its own service', async () => {
    const answers: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const row of rows(services)) {
      const answer = await row.send(port);
      await new Promise((resolve) => setTimeout(resolve, 5));
      answers[row.name] = `${answer.status}${row.show ? ` ${row.show(answer).replaceAll(`:${port}/`, ':PORT/')}` : ''}`;
      expected[row.name] = row.expected;
    }
    expect(answers).toEqual(expected);
  }, 30_000);

  it('a group of servers takes turns, and a server that is down costs no request', async () => {
    const before = services.app.map((a) => a.seen.length);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await request(port, get(`/turn/${i}`))).status);
    expect(statuses).toEqual(Array(8).fill(200));
    const served = services.app.map((a, index) => a.seen.length - before[index]!);
    expect(served[0]! + served[1]!).toBe(8);
    expect(Math.min(...served)).toBeGreaterThanOrEqual(2);
  }, 30_000);

  it('verify sees the redirects, the www name and the password from the config', async () => {
    const result = await cliAsync(['verify', `http://${DOMAIN}:${port}`, '--config', config, '--connect-to', `127.0.0.1:${port}`, '--json']);
    const report = JSON.parse(result.stdout) as { checks: { name: string; ok: boolean; detail: string }[] };
    const routing = report.checks.filter((c) => /^(redirect|www|auth) /.test(c.name)).map((c) => `${c.ok ? 'ok' : 'FAIL'} ${c.name}: ${c.detail.replaceAll(String(port), 'PORT')}`);
    expect(routing).toEqual([
      'ok redirect /old/: 301 to /new/?proxygen-verify=1',
      'ok redirect /docs: 302 to https://docs.example.com/pilot/?proxygen-verify=1',
      `ok www www.${DOMAIN}: 301 to http://${DOMAIN}:PORT/proxygen-verify`,
      'ok auth /metrics: 401 without a password',
      'ok auth /admin/: 401 without a password',
    ]);
  }, 30_000);
});

describe.runIf(haveTools).each(['nginx', 'caddy'] as const)('www over TLS on real %s', (server) => {
  const stops: (() => Promise<unknown>)[] = [];
  let ports: { http: number; https: number; tunnel: number };
  beforeAll(async () => {
    const dir = tempProject();
    stops.push(async () => rmSync(dir, { recursive: true, force: true }));
    const cert = selfSigned(dir, DOMAIN);
    const app = await startService([]);
    stops.push(app.close);
    ports = { http: await freePort(), https: await freePort(), tunnel: await freePort() };
    writeFileSync(
      join(dir, 'proxygen.yaml'),
      `domain: ${DOMAIN}\nupstream: http://127.0.0.1:${app.port}\nports: { http: ${ports.http}, https: ${ports.https}, tunnel: ${ports.tunnel} }\ntls: { mode: files, cert: ${cert.cert}, key: ${cert.key} }\ntargets: [nginx, caddy]\ntunnel: { provider: cloudflare, from: [127.0.0.1/32] }\nwww: redirect\nroutes:\n  - { path: / }\n`,
    );
    const project = await loadProject(join(dir, 'proxygen.yaml'));
    const proxy = server === 'nginx' ? await startNginx(project.files, project.plan.nginx.allowlist_dir, ports.https) : await startCaddy(project.files, ports.https);
    stops.push(proxy.stop);
  }, 30_000);
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  it('the www name answers 301 to the domain on every port, the tunnel port too; the domain itself is served', async () => {
    const www = `www.${DOMAIN}`;
    const ask = async (port: number, tls: boolean, host: string) => {
      const answer = await rawRequest({ port, tls, servername: host, source: '127.0.0.1' }, get('/a?b=1').replace(`Host: ${DOMAIN}`, `Host: ${host}`));
      return `${answer.status} ${location(answer).replaceAll(String(ports.https), 'HTTPS')}`;
    };
    expect({
      https: await ask(ports.https, true, www),
      http: await ask(ports.http, false, www),
      tunnel: await ask(ports.tunnel, false, www),
      domain: await ask(ports.https, true, DOMAIN),
    }).toEqual({ https: `301 https://${DOMAIN}:HTTPS/a?b=1`, http: `301 https://${DOMAIN}:HTTPS/a?b=1`, tunnel: `301 https://${DOMAIN}:HTTPS/a?b=1`, domain: '200 ' });
  }, 30_000);
});
