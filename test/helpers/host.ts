import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { supervise, type Proxy } from './live.js';

/** A temp directory laid out like a fresh Debian host's /etc for one nginx (high ports, no root). */
export function debianNginxRoot(defaultPort: number): string {
  const root = mkdtempSync(join(tmpdir(), 'proxygen-host-'));
  for (const dir of ['etc/nginx/conf.d', 'etc/nginx/sites-available', 'etc/nginx/sites-enabled', 'run', 'tmp']) mkdirSync(join(root, dir), { recursive: true });
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `    ${kind}_temp_path ${root}/tmp/${kind};`).join('\n');
  writeFileSync(join(root, 'etc/nginx/nginx.conf'), `pid ${root}/run/nginx.pid;\nerror_log stderr;\nworker_processes 1;\nevents { worker_connections 768; }\nhttp {\n    access_log off;\n${temp}\n    include conf.d/*.conf;\n    include sites-enabled/*;\n}\n`);
  // Debian's default site, moved to a high port.
  const site = `server {\n    listen ${defaultPort} default_server;\n    root /var/www/html;\n    server_name _;\n}\n`;
  writeFileSync(join(root, 'etc/nginx/sites-available/default'), site);
  writeFileSync(join(root, 'etc/nginx/sites-enabled/default'), site);
  return root;
}

export const nginxArgs = (root: string) => ['-e', 'stderr', '-p', `${root}/etc/nginx/`, '-c', `${root}/etc/nginx/nginx.conf`];
export const nginxReload = (root: string) => ['nginx', ...nginxArgs(root), '-s', 'reload'].join(' ');

export function startHostNginx(root: string, port: number): Promise<Proxy> {
  return supervise('nginx', process.env.PROXYGEN_NGINX || 'nginx', [...nginxArgs(root), '-g', 'daemon off;'], root, port);
}

/** Debian's placeholder Caddyfile (a file proxygen did not write), its admin endpoint on `admin`. */
export function debianCaddyRoot(defaultPort: number, admin: number): string {
  const root = mkdtempSync(join(tmpdir(), 'proxygen-host-'));
  for (const dir of ['etc/caddy', 'home']) mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, 'etc/caddy/Caddyfile'), `{\n\tadmin localhost:${admin}\n}\n\n:${defaultPort} {\n\trespond "placeholder"\n}\n`);
  return root;
}

export const caddyEnv = (root: string) => ({ HOME: join(root, 'home'), XDG_DATA_HOME: join(root, 'home/data'), XDG_CONFIG_HOME: join(root, 'home/config') });
export const caddyReload = (root: string, admin: number) => `caddy reload --config ${root}/etc/caddy/Caddyfile --adapter caddyfile --address localhost:${admin}`;

export function startHostCaddy(root: string, port: number): Promise<Proxy> {
  return supervise('caddy', process.env.PROXYGEN_CADDY || 'caddy', ['run', '--config', `${root}/etc/caddy/Caddyfile`, '--adapter', 'caddyfile'], root, port, { ...process.env, ...caddyEnv(root) });
}

/** Every file under `root` (relative path -> content), leaving out the lock (left by a killed run, harmless). */
export function treeOf(root: string, skip = /^(run|tmp|home|var\/lib\/proxygen\/lock)/): Map<string, string> {
  const tree = new Map<string, string>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = relative(root, join(entry.parentPath, entry.name));
    if (!skip.test(path)) tree.set(path, readFileSync(join(root, path), 'utf8'));
  }
  return tree;
}

/** A small seeded generator (mulberry32): the same kill points on every run of the suite. */
export function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Kills the run with SIGKILL either `delayMs` after it started, or, with `afterJournal`, that
 * long after its journal appeared under `root` (so the kill lands inside the change).
 */
export function killAt(child: ChildProcess, root: string, delayMs: number, afterJournal: boolean): () => void {
  const kill = () => child.kill('SIGKILL');
  let timer = setTimeout(afterJournal ? watch : kill, afterJournal ? 0 : delayMs);
  function watch() {
    timer = existsSync(join(root, 'var/lib/proxygen/journal/journal.json')) ? setTimeout(kill, delayMs) : setTimeout(watch, 2);
  }
  return () => clearTimeout(timer);
}
