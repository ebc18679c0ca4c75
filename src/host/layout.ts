import { accessSync, constants, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Install } from '../config/install-schema.js';

/** A command as argv; the first word is looked up with findTool when it has no slash. */
export type Command = string[];

/** Where this host keeps each target's live files and how it tests and reloads them. */
export interface HostLayout {
  /** `/`, or the --root directory every live path is placed under (DESTDIR style). */
  root: string;
  underRoot: boolean;
  /** A live path (as the host sees it) -> the path on this machine. */
  at: (path: string) => string;
  /** proxygen's own records: manifest, journal, lock, refresh state. */
  state: string;
  nginx: { dir: string; confDir: string; test: Command; reload: Command | null };
  caddy: { dir: string; main: string; globals: string[]; test: Command; reload: Command | null };
  cloudflared: { config: string; reload: Command | null };
  ngrok: { config: string; reload: Command | null };
  systemdDir: string;
  /** Whether apply may run systemctl (never under --root). */
  systemd: boolean;
}

const words = (text: string | undefined): Command | undefined => text?.trim().split(/\s+/);

// cron runs with PATH=/usr/bin:/bin, and Debian installs nginx in /usr/sbin.
const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
const OVERRIDES: Record<string, string | undefined> = { nginx: 'PROXYGEN_NGINX', caddy: 'PROXYGEN_CADDY' };

/** The executable for `name`: PATH first, then the system directories cron leaves out. */
export function findTool(name: string): string | null {
  const override = OVERRIDES[name] && process.env[OVERRIDES[name]!];
  if (override) return override;
  if (name.includes('/')) return name;
  for (const dir of [...(process.env.PATH ?? '').split(':').filter(Boolean), ...SYSTEM_DIRS]) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

export function hostLayout(install: Install, rootOption?: string): HostLayout {
  const root = resolve(rootOption ?? '/');
  const underRoot = root !== '/';
  const at = (path: string) => (underRoot ? join(root, path) : path);
  const systemd = !underRoot && existsSync('/run/systemd/system');
  const ownReload = (command: Command) => (underRoot ? null : systemd ? ['systemctl', 'reload', command[0]!] : command);
  const nginxDir = install.nginx?.dir ?? '/etc/nginx';
  const caddyDir = install.caddy?.dir ?? '/etc/caddy';
  const caddyMain = install.caddy?.main ?? join(caddyDir, 'Caddyfile');
  // Under --root the default test reads the main config there; a reload needs install.*.reload.
  const nginxTest = underRoot ? ['nginx', '-t', '-q', '-e', 'stderr', '-p', `${at(nginxDir)}/`, '-c', at(join(nginxDir, 'nginx.conf'))] : ['nginx', '-t', '-q'];
  return {
    root,
    underRoot,
    at,
    state: '/var/lib/proxygen',
    nginx: { dir: nginxDir, confDir: install.nginx?.conf_dir ?? join(nginxDir, 'conf.d'), test: words(install.nginx?.test) ?? nginxTest, reload: words(install.nginx?.reload) ?? ownReload(['nginx', '-s', 'reload']) },
    caddy: {
      dir: caddyDir,
      main: caddyMain,
      globals: install.caddy?.globals ?? [],
      test: words(install.caddy?.test) ?? ['caddy', 'validate', '--config', at(caddyMain), '--adapter', 'caddyfile'],
      reload: words(install.caddy?.reload) ?? ownReload(['caddy', 'reload', '--config', caddyMain, '--adapter', 'caddyfile']),
    },
    // The tunnel agents have no reload: a restart drops the tunnel for a moment, so it is left to
    // the operator unless install.*.reload names one.
    cloudflared: { config: install.cloudflared?.config ?? '/etc/cloudflared/config.yml', reload: words(install.cloudflared?.reload) ?? null },
    ngrok: { config: install.ngrok?.config ?? '/etc/ngrok/ngrok.yml', reload: words(install.ngrok?.reload) ?? null },
    systemdDir: install.systemd?.dir ?? '/etc/systemd/system',
    systemd,
  };
}
