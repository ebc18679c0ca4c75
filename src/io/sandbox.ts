import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { sandboxDir } from './sandbox-dir.js';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { runTool, type RunResult } from './run.js';
import { STAND_IN_CERTIFICATE, STAND_IN_CRL, STAND_IN_DHPARAM, STAND_IN_KEY } from './stand-in-certificate.js';

export interface SandboxFile {
  path: string;
  content: string;
}

type StandIn = 'cert' | 'key' | 'dhparam' | 'crl' | 'ticket' | 'password';

const STAND_IN_FILES: Record<StandIn, { name: string; content: string; mode?: number }> = {
  cert: { name: 'stand-in.crt', content: STAND_IN_CERTIFICATE },
  key: { name: 'stand-in.key', content: STAND_IN_KEY, mode: 0o600 },
  dhparam: { name: 'stand-in.dhparam', content: STAND_IN_DHPARAM },
  crl: { name: 'stand-in.crl', content: STAND_IN_CRL },
  // 80 bytes: the size nginx takes for an AES-256 session ticket key.
  ticket: { name: 'stand-in.ticket', content: 'proxygen-stand-in-'.repeat(5).slice(0, 80), mode: 0o600 },
  password: { name: 'stand-in.pass', content: 'stand-in\n', mode: 0o600 },
};

/**
 * Paths of files `-t` loads that do not exist here are swapped for fixed stand-ins, written into
 * the sandbox directory only when some path needs one.
 */
function withStandIns(dir: string, text: string, pattern: RegExp, kindOf: (directive: string) => StandIn): string {
  return text.replace(pattern, (whole, head: string, path: string) => {
    if (existsSync(path)) return whole;
    const standIn = STAND_IN_FILES[kindOf(head.trim())];
    const file = join(dir, standIn.name);
    if (!existsSync(file)) writeFileSync(file, standIn.content, { mode: standIn.mode ?? 0o644 });
    return `${head}${file}`;
  });
}

// nginx directives naming a file that `nginx -t` opens, by the stand-in each gets when missing.
const NGINX_FILE_DIRECTIVES: Record<string, StandIn> = Object.fromEntries([
  ...['ssl_certificate', 'ssl_trusted_certificate', 'ssl_client_certificate'].flatMap((d) => [d, ...['proxy', 'grpc', 'uwsgi'].map((p) => `${p}_${d}`)]).map((d) => [d, 'cert'] as const),
  ...['ssl_certificate_key', 'proxy_ssl_certificate_key', 'grpc_ssl_certificate_key', 'uwsgi_ssl_certificate_key'].map((d) => [d, 'key'] as const),
  ['ssl_dhparam', 'dhparam'],
  ...['ssl_crl', 'proxy_ssl_crl', 'grpc_ssl_crl', 'uwsgi_ssl_crl'].map((d) => [d, 'crl'] as const),
  ['ssl_session_ticket_key', 'ticket'],
  ...['ssl_password_file', 'proxy_ssl_password_file', 'grpc_ssl_password_file', 'uwsgi_ssl_password_file'].map((d) => [d, 'password'] as const),
]);
const NGINX_FILE_PATTERN = new RegExp(`((?<![\\w$])(?:${Object.keys(NGINX_FILE_DIRECTIVES).join('|')})\\s+)([^;\\s'"]+)(?=\\s*;)`, 'g');

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
    const siteText = withStandIns(dir, unprivilegedListen(site), NGINX_FILE_PATTERN, (directive) => NGINX_FILE_DIRECTIVES[directive]!);
    writeFileSync(join(conf, 'site.conf'), siteText);
    writeFileSync(join(conf, 'nginx.conf'), nginxMainConfig(dir, conf));
    return { file: nginx, args: ['-t', '-q', '-p', `${dir}/`, '-c', join(conf, 'nginx.conf'), '-e', 'stderr'] };
  });
}

/** `caddy validate` on a Caddyfile and the files it imports, with storage kept in the sandbox. */
export function caddyValidate(caddyfile: string, imports: SandboxFile[], caddy = 'caddy'): Promise<RunResult> {
  return inSandbox((dir) => {
    const standIns = (text: string) => withStandIns(dir, withStandIns(dir, text, /(\btls\s+)(\/\S+)(?=\s)/g, () => 'cert'), /(\btls\s+\S+\s+)(\/\S+)(?=\s)/g, () => 'key');
    writeAll(dir, imports.map((file) => ({ path: file.path, content: standIns(file.content) })));
    const keyFixed = standIns(caddyfile);
    writeFileSync(join(dir, 'Caddyfile'), keyFixed);
    const env = { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };
    return { file: caddy, args: ['validate', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], env };
  });
}
