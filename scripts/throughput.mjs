// npm run bench:proxy: requests per second through the generated nginx and Caddy configs (pilot
// preset), next to the app direct, on loopback. Asserts nothing. PROXYGEN_BIN_BEFORE=<another
// build's bin/proxygen.js> adds that build's configs to the same interleaved rounds;
// THROUGHPUT_SECONDS, THROUGHPUT_CONNECTIONS and THROUGHPUT_ROUNDS set the load.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { Agent as TlsAgent, request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = process.env.PROXYGEN_BIN ?? join(root, 'bin/proxygen.js');
const SECONDS = Number(process.env.THROUGHPUT_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.THROUGHPUT_CONNECTIONS ?? 16);
const ROUNDS = Number(process.env.THROUGHPUT_ROUNDS ?? 3);
const DOMAIN = 'pilot.example.com';
const temp = mkdtempSync(join(tmpdir(), 'proxygen-throughput-'));
const children = [];

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

function start(command, args, options) {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], ...options });
  children.push(child);
  return child;
}

async function waitFor(port) {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((resolve) => {
      const socket = createServer().listen(port, '127.0.0.1', () => socket.close(() => resolve(false)));
      socket.on('error', () => resolve(true));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`port ${port} never opened`);
}

/** Keep-alive GETs from CONNECTIONS loops for SECONDS; requests per second and non-200 answers. */
async function load(port, tls) {
  const agent = tls ? new TlsAgent({ keepAlive: true, maxSockets: CONNECTIONS, rejectUnauthorized: false, servername: DOMAIN }) : new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const send = tls ? httpsRequest : httpRequest;
  const one = () =>
    new Promise((resolve, reject) => {
      const req = send({ host: '127.0.0.1', port, path: '/api/tasks', headers: { Host: DOMAIN }, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      });
      req.on('error', reject);
      req.end();
    });
  for (let i = 0; i < CONNECTIONS * 4; i++) await one();
  let done = 0;
  let bad = 0;
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < until) (await one()) === 200 ? done++ : bad++;
    }),
  );
  agent.destroy();
  return { rps: Math.round(done / SECONDS), bad };
}

/** Renders the pilot preset with `build.bin` and starts nginx and Caddy on it; their ports. */
async function startProxies(build, appPort) {
  const ports = {};
  for (const server of ['nginx', 'caddy']) {
    const name = `${build.name}-${server}`;
    const own = { http: await freePort(), https: await freePort(), tunnel: await freePort() };
    // A build from before tunnel.via would refuse ports.tunnel; it gets no tunnel.
    const tunnel = build.tunnel ? `, tunnel: ${own.tunnel} }\ntunnel: { provider: cloudflare` : '';
    writeFileSync(join(temp, `${name}.yaml`), `preset: pilot\ndomain: ${DOMAIN}\nupstream: http://127.0.0.1:${appPort}\nports: { http: ${own.http}, https: ${own.https}${tunnel} }\ntls: { mode: files, cert: ${join(temp, 'cert.pem')}, key: ${join(temp, 'key.pem')} }\ntargets: [nginx, caddy]\n`);
    const rendered = spawnSync(process.execPath, [build.bin, 'render', '--config', join(temp, `${name}.yaml`), '--out', join(temp, name)], { encoding: 'utf8' });
    if (rendered.status !== 0) throw new Error(rendered.stderr);
    const dir = join(temp, `${name}-run`);
    if (server === 'nginx') {
      for (const sub of ['conf', 'logs', 'tmp']) mkdirSync(join(dir, sub), { recursive: true });
      cpSync(join(temp, name, 'nginx/allowlists'), join(dir, 'conf/proxygen/allowlists'), { recursive: true });
      cpSync(join(temp, name, `nginx/${DOMAIN}.conf`), join(dir, 'conf/site.conf'));
      const tmp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path ${dir}/tmp/${kind};`).join(' ');
      writeFileSync(join(dir, 'conf/nginx.conf'), `worker_processes 1;\npid ${dir}/nginx.pid;\nerror_log stderr;\nevents { worker_connections 1024; }\nhttp { access_log off; ${tmp} include site.conf; }\n`);
      start('nginx', ['-p', `${dir}/`, '-c', join(dir, 'conf/nginx.conf'), '-g', 'daemon off;']);
    } else {
      cpSync(join(temp, name, 'caddy'), dir, { recursive: true });
      writeFileSync(join(dir, 'Caddyfile'), readFileSync(join(dir, 'Caddyfile'), 'utf8').replace(/^\{\n/m, '{\n\tadmin off\n'));
      start('caddy', ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], { cwd: dir, env: { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') } });
    }
    await waitFor(own.https);
    ports[server] = own;
  }
  return ports;
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

try {
  const appPort = await freePort();
  start(process.execPath, ['-e', `require('node:http').createServer((q, s) => { q.resume(); s.writeHead(200, { 'content-type': 'application/json', 'x-frame-options': 'DENY' }); s.end('{"ok":true}'); }).listen(${appPort}, '127.0.0.1')`]);
  await waitFor(appPort);
  spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=${DOMAIN}`, '-keyout', join(temp, 'key.pem'), '-out', join(temp, 'cert.pem')]);
  const builds = [{ name: 'this', bin, tunnel: true }, ...(process.env.PROXYGEN_BIN_BEFORE ? [{ name: 'before', bin: process.env.PROXYGEN_BIN_BEFORE, tunnel: false }] : [])];
  const targets = [{ label: 'app direct', port: appPort, tls: false }];
  for (const build of builds) {
    const ports = await startProxies(build, appPort);
    for (const server of ['nginx', 'caddy']) {
      targets.push({ label: `${server} HTTPS (${build.name})`, port: ports[server].https, tls: true });
      if (build.tunnel) targets.push({ label: `${server} tunnel listener (${build.name})`, port: ports[server].tunnel, tls: false });
    }
  }
  const results = new Map(targets.map((t) => [t.label, []]));
  // Rounds interleave the targets, so a slow minute of a shared machine hits each alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of targets) {
      const { rps, bad } = await load(target.port, target.tls);
      if (bad) throw new Error(`${target.label}: ${bad} answers were not 200`);
      results.get(target.label).push(rps);
    }
  }
  console.log(`req/s, ${CONNECTIONS} keep-alive connections, ${SECONDS} s per run, ${ROUNDS} rounds (median, then each round):`);
  for (const [label, runs] of results) console.log(`${label.padEnd(32)} ${String(median(runs)).padStart(6)}   ${runs.join(' ')}`);
} finally {
  for (const child of children) child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 300));
  rmSync(temp, { recursive: true, force: true });
}
