import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SandboxFile } from '../../src/io/sandbox.js';
import type { OutputFile } from '../../src/targets/index.js';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

export const scenarios = (): string[] =>
  readdirSync(FIXTURES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

/** The nginx site file and its allowlist includes as the sandbox expects them. */
export function nginxParts(files: OutputFile[], allowlistDir = 'proxygen/allowlists'): { site: string; includes: SandboxFile[] } {
  const site = files.find((f) => f.path.startsWith('nginx/') && !f.path.includes('/allowlists/'))!;
  const includes = files.filter((f) => f.path.startsWith('nginx/allowlists/')).map((f) => ({ path: f.path.replace('nginx/allowlists', allowlistDir), content: f.content }));
  return { site: site.content, includes };
}

export function caddyParts(files: OutputFile[]): { caddyfile: string; imports: SandboxFile[] } {
  const caddyfile = files.find((f) => f.path === 'caddy/Caddyfile')!;
  const imports = files.filter((f) => f.path.startsWith('caddy/allowlists/')).map((f) => ({ path: f.path.replace('caddy/', ''), content: f.content }));
  return { caddyfile: caddyfile.content, imports };
}
