import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { sandboxDir } from './sandbox-dir.js';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { runTool, type RunResult } from './run.js';
import { STAND_IN_CERTIFICATE, STAND_IN_KEY } from './stand-in-certificate.js';

export interface SandboxFile {
  path: string;
  content: string;
}

/**
 * Certificate paths that do not exist here are swapped for the fixed stand-in pair, written into
 * the sandbox directory only when some path needs it.
 */
function withStandInCertificates(dir: string, text: string, pattern: RegExp, isKey: (directive: string) => boolean): string {
  const missing = [...text.matchAll(pattern)].filter((m) => !existsSync(m[2]!));
  if (missing.length === 0) return text;
  const cert = join(dir, 'stand-in.crt');
  const key = join(dir, 'stand-in.key');
  writeFileSync(cert, STAND_IN_CERTIFICATE);
  writeFileSync(key, STAND_IN_KEY, { mode: 0o600 });
  return text.replace(pattern, (whole, directive: string, path: string) => (existsSync(path) ? whole : `${directive}${isKey(directive) ? key : cert}`));
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

const DEFAULT_VALIDATOR_TIMEOUT_S = 120;

/**
 * How long nginx -t or caddy validate may run: caddy validate of a 5,000-route Caddyfile takes
 * about 6 s here (16 s before the Caddyfile kept site-level named matchers few), a slow CI runner
 * several times that.
 */
export function validatorTimeoutMs(): number {
  const text = process.env.PROXYGEN_VALIDATE_TIMEOUT;
  if (text === undefined || text === '') return DEFAULT_VALIDATOR_TIMEOUT_S * 1000;
  const seconds = Number(text);
  if (!(seconds > 0) || !Number.isFinite(seconds)) throw new UserError(`PROXYGEN_VALIDATE_TIMEOUT=${JSON.stringify(text)}: expected seconds greater than 0`, `unset it (default ${DEFAULT_VALIDATOR_TIMEOUT_S} s) or set e.g. PROXYGEN_VALIDATE_TIMEOUT=300`);
  return seconds * 1000;
}

/**
 * The sandbox is laid out synchronously (a few small files): the tool is spawned before the
 * caller's own work resumes, so validators started side by side really run side by side.
 */
function inSandbox(layOut: (dir: string) => { file: string; args: string[]; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
  const timeoutMs = validatorTimeoutMs();
  const dir = sandboxDir();
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const { file, args, env } = layOut(dir);
    return runTool(file, args, { env, timeoutMs }).finally(remove);
  } catch (error) {
    remove();
    throw error;
  }
}

function writeAll(root: string, files: SandboxFile[]): void {
  for (const file of files) {
    mkdirSync(dirname(join(root, file.path)), { recursive: true });
    writeFileSync(join(root, file.path), file.content);
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
  return inSandbox((dir) => {
    const conf = join(dir, 'conf');
    for (const sub of [conf, join(dir, 'logs'), join(dir, 'tmp')]) mkdirSync(sub, { recursive: true });
    writeAll(conf, includes);
    const siteText = withStandInCertificates(dir, unprivilegedListen(site), /(ssl_certificate(?:_key)?\s+)([^;\s]+)(?=;)/g, (directive) => directive.startsWith('ssl_certificate_key'));
    writeFileSync(join(conf, 'site.conf'), siteText);
    writeFileSync(join(conf, 'nginx.conf'), nginxMainConfig(dir, conf));
    return { file: nginx, args: ['-t', '-q', '-p', `${dir}/`, '-c', join(conf, 'nginx.conf'), '-e', 'stderr'] };
  });
}

/** `caddy validate` on a Caddyfile and the files it imports, with storage kept in the sandbox. */
export function caddyValidate(caddyfile: string, imports: SandboxFile[], caddy = 'caddy'): Promise<RunResult> {
  return inSandbox((dir) => {
    writeAll(dir, imports);
    const text = withStandInCertificates(dir, caddyfile, /(\btls\s+)(\/\S+)(?=\s)/g, () => false);
    const keyFixed = withStandInCertificates(dir, text, /(\btls\s+\S+\s+)(\/\S+)(?=\s)/g, () => true);
    writeFileSync(join(dir, 'Caddyfile'), keyFixed);
    const env = { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };
    return { file: caddy, args: ['validate', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], env };
  });
}
