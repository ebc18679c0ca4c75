import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runTool, type RunResult } from './run.js';

export interface SandboxFile {
  path: string;
  content: string;
}

let standIn: Promise<{ cert: string; key: string }> | undefined;

/** One throwaway self-signed pair per process, shared by every sandbox and removed at exit. */
function standInCertificate(): Promise<{ cert: string; key: string }> {
  standIn ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'proxygen-stand-in-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const cert = join(dir, 'stand-in.crt');
    const key = join(dir, 'stand-in.key');
    const result = await runTool('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=localhost', '-days', '2', '-keyout', key, '-out', cert]);
    if (result.code !== 0) throw new Error(`openssl could not make a stand-in certificate: ${result.stderr.trim()}`);
    return { cert, key };
  })();
  return standIn;
}

/** Certificate paths that do not exist here are swapped for a throwaway self-signed pair. */
async function withStandInCertificates(text: string, pattern: RegExp, isKey: (directive: string) => boolean): Promise<string> {
  const missing = [...text.matchAll(pattern)].filter((m) => !existsSync(m[2]!));
  if (missing.length === 0) return text;
  const pair = await standInCertificate();
  return text.replace(pattern, (whole, directive: string, path: string) => (existsSync(path) ? whole : `${directive}${isKey(directive) ? pair.key : pair.cert}`));
}

function unprivilegedPortStart(): number {
  if (process.getuid?.() === 0) return 0;
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8').trim()) || 1024;
  } catch {
    return 1024;
  }
}

/**
 * nginx -t binds every listen socket, so a non-root user cannot test `listen 443`. Privileged
 * ports are moved to free high ones, one to one (duplicate-listen errors still show), in place so
 * line numbers stay; EADDRINUSE is ignored by -t, so any high port will do.
 */
export function unprivilegedListen(text: string, start = unprivilegedPortStart()): string {
  const pattern = /(\blisten\s+(?:\[[^\]\s]*\]:|[^\s;:[]+:)?)(\d+)(?=[\s;])/g;
  const used = new Set([...text.matchAll(pattern)].map((m) => Number(m[2])));
  let offset = 40000;
  while ([...used].some((port) => port < start && used.has(port + offset))) offset += 1000;
  return text.replace(pattern, (whole, head: string, port: string) => (Number(port) < start ? `${head}${Number(port) + offset}` : whole));
}

async function inTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'proxygen-sandbox-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeAll(root: string, files: SandboxFile[]): Promise<void> {
  for (const file of files) {
    await mkdir(dirname(join(root, file.path)), { recursive: true });
    await writeFile(join(root, file.path), file.content);
  }
}

/**
 * A main config that keeps pid, logs and temp files inside `dir` and includes `conf`/site.conf:
 * what `nginx -t` needs without root, and what the live tests serve from.
 */
export function nginxMainConfig(dir: string, conf: string, options: { workerConnections?: number } = {}): string {
  const connections = options.workerConnections ?? 64;
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `    ${kind}_temp_path ${dir}/tmp/${kind};`).join('\n');
  return `pid ${dir}/logs/nginx.pid;\nerror_log stderr;\nworker_processes 1;\nworker_rlimit_nofile ${connections * 2 + 64};\nevents { worker_connections ${connections}; }\nhttp {\n    access_log off;\n${temp}\n    include ${conf}/site.conf;\n}\n`;
}

/**
 * `nginx -t` on an http-context include without root and without touching the system: temp
 * prefix, pid/logs/temp paths inside it, includes relative to the sandbox conf directory.
 */
export function nginxTest(site: string, includes: SandboxFile[], nginx = 'nginx'): Promise<RunResult> {
  return inTempDir(async (dir) => {
    const conf = join(dir, 'conf');
    await mkdir(conf, { recursive: true });
    await mkdir(join(dir, 'logs'), { recursive: true });
    await mkdir(join(dir, 'tmp'), { recursive: true });
    await writeAll(conf, includes);
    const siteText = await withStandInCertificates(unprivilegedListen(site), /(ssl_certificate(?:_key)?\s+)([^;\s]+)(?=;)/g, (directive) => directive.startsWith('ssl_certificate_key'));
    await writeFile(join(conf, 'site.conf'), siteText);
    await writeFile(join(conf, 'nginx.conf'), nginxMainConfig(dir, conf));
    return runTool(nginx, ['-t', '-q', '-p', `${dir}/`, '-c', join(conf, 'nginx.conf'), '-e', 'stderr']);
  });
}

/** `caddy validate` on a Caddyfile and the files it imports, with storage kept in the sandbox. */
export function caddyValidate(caddyfile: string, imports: SandboxFile[], caddy = 'caddy'): Promise<RunResult> {
  return inTempDir(async (dir) => {
    await writeAll(dir, imports);
    const text = await withStandInCertificates(caddyfile, /(\btls\s+)(\/\S+)(?=\s)/g, () => false);
    const keyFixed = await withStandInCertificates(text, /(\btls\s+\S+\s+)(\/\S+)(?=\s)/g, () => true);
    await writeFile(join(dir, 'Caddyfile'), keyFixed);
    const env = { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };
    return runTool(caddy, ['validate', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], { env });
  });
}

/** What `caddy fmt` would make of the text (empty stdout with code 0 means unchanged on 2.6). */
export async function caddyFormat(caddyfile: string, caddy = 'caddy'): Promise<RunResult> {
  return inTempDir(async (dir) => {
    await writeFile(join(dir, 'Caddyfile'), caddyfile);
    return runTool(caddy, ['fmt', join(dir, 'Caddyfile')]);
  });
}
