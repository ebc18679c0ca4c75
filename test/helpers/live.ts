import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { WebSocketServer } from 'ws';
import { nginxMainConfig } from '../../src/io/sandbox.js';
import type { OutputFile } from '../../src/targets/index.js';
import { caddyParts, nginxParts } from './project.js';

// Ports this process has handed out: the kernel may give a port it just released to the next
// listen(0), so two calls in a row could otherwise return the same number.
const handedOut = new Set<number>();

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createNetServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
      server.on('error', reject);
    });
    if (!handedOut.has(port)) return handedOut.add(port), port;
  }
}

export function waitForPort(port: number, child: ChildProcess, log: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`exited with ${child.exitCode}: ${log()}`));
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve()));
      socket.once('error', () => (Date.now() > deadline ? reject(new Error(`port ${port} never opened: ${log()}`)) : setTimeout(attempt, 50)));
    };
    attempt();
  });
}

/** A self-signed certificate for `domain` (it is its own CA, so --ca accepts it). */
export function selfSigned(dir: string, domain: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const result = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30', '-subj', `/CN=${domain}`, '-addext', `subjectAltName=DNS:${domain}`, '-keyout', key, '-out', cert], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(result.stderr);
  return { cert, key };
}

export interface Seen {
  method: string;
  url: string;
  remote: string;
  xff?: string;
  realIp?: string;
}

export interface Backend {
  port: number;
  seen: Seen[];
  close: () => Promise<void>;
}

/** Ends a stand-in: its WebSocket clients, its kept-alive connections, then the listener. */
export async function stopServer(server: Server, sockets: WebSocketServer): Promise<void> {
  for (const client of sockets.clients) client.terminate();
  sockets.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/**
 * The stand-in app: answers 200 with what it saw on the paths it knows, 404 elsewhere, 426 to a
 * plain GET on a WebSocket path (as WebSocket servers do), and echoes WebSocket messages.
 */
export async function startBackend(knows: (path: string) => boolean, websocket: (path: string) => boolean, refuse?: (url: string) => number | undefined): Promise<Backend> {
  const seen: Seen[] = [];
  const record = (request: IncomingMessage) => {
    const entry = { method: request.method ?? '', url: request.url ?? '', remote: request.socket.remoteAddress ?? '', xff: request.headers['x-forwarded-for'] as string | undefined, realIp: request.headers['x-real-ip'] as string | undefined };
    seen.push(entry);
    return entry;
  };
  const server: Server = createHttpServer((request, response) => {
    const entry = record(request);
    const path = (request.url ?? '/').split('?')[0]!;
    request.resume();
    const status = websocket(path) ? 426 : knows(path) ? 200 : 404;
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(entry));
  });
  const sockets = new WebSocketServer({ noServer: true });
  sockets.on('connection', (socket) => socket.on('message', (data, binary) => socket.send(data, { binary })));
  server.on('upgrade', (request, socket, head) => {
    record(request);
    if (!websocket((request.url ?? '/').split('?')[0]!)) return socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n');
    const code = refuse?.(request.url ?? '/');
    sockets.handleUpgrade(request, socket, head, (ws) => (code ? ws.close(code, 'credentials wanted') : sockets.emit('connection', ws, request)));
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  handedOut.add(port);
  return {
    port,
    seen,
    close: () => stopServer(server, sockets),
  };
}

export interface Proxy {
  name: 'nginx' | 'caddy';
  stop: () => Promise<void>;
  log: () => string;
}

export function supervise(name: Proxy['name'], command: string, args: string[], dir: string, port: number, env?: NodeJS.ProcessEnv): Promise<Proxy> {
  const child = spawn(command, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return waitForPort(port, child, () => output).then(
    () => ({ name, stop, log: () => output }),
    async (error: Error) => {
      await stop();
      throw error;
    },
  );
}

function writeTree(root: string, files: { path: string; content: string }[]): void {
  for (const file of files) {
    mkdirSync(dirname(join(root, file.path)), { recursive: true });
    writeFileSync(join(root, file.path), file.content);
  }
}

/** Real nginx in the foreground from a sandboxed main config that includes the rendered site. */
export function startNginx(files: OutputFile[], allowlistDir: string, port: number, options: { workerConnections?: number; edit?: (site: string) => string } = {}): Promise<Proxy> {
  const dir = mkdtempSync(join(tmpdir(), 'proxygen-live-nginx-'));
  const conf = join(dir, 'conf');
  for (const sub of ['conf', 'logs', 'tmp']) mkdirSync(join(dir, sub), { recursive: true });
  const { site, includes } = nginxParts(files, allowlistDir);
  writeTree(conf, includes);
  writeFileSync(join(conf, 'site.conf'), options.edit ? options.edit(site) : site);
  writeFileSync(join(conf, 'nginx.conf'), nginxMainConfig(dir, conf, { workerConnections: options.workerConnections ?? 512 }));
  return supervise('nginx', process.env.PROXYGEN_NGINX || 'nginx', ['-p', `${dir}/`, '-c', join(conf, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off;'], dir, port);
}

/** Real `caddy run` with its admin endpoint off and its storage in a temp dir. */
export function startCaddy(files: OutputFile[], port: number, options: { edit?: (caddyfile: string) => string } = {}): Promise<Proxy> {
  const dir = mkdtempSync(join(tmpdir(), 'proxygen-live-caddy-'));
  const { caddyfile, imports } = caddyParts(files);
  writeTree(dir, imports);
  // Two caddies (or a system one) would fight over the admin port 2019.
  const text = /^\{\n/m.test(caddyfile) ? caddyfile.replace(/^\{\n/m, '{\n\tadmin off\n') : `{\n\tadmin off\n}\n${caddyfile}`;
  writeFileSync(join(dir, 'Caddyfile'), options.edit ? options.edit(text) : text);
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };
  return supervise('caddy', process.env.PROXYGEN_CADDY || 'caddy', ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], dir, port, env);
}
