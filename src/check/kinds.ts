import { basename } from 'node:path';

export const KINDS = ['nginx', 'caddy', 'cloudflared', 'ngrok'] as const;
export type Kind = (typeof KINDS)[number];

/** What a file is, from its name first and its content second. */
export function detectKind(path: string, text: string): Kind | null {
  const name = basename(path).toLowerCase();
  if (name === 'caddyfile' || name.endsWith('.caddy') || name.endsWith('.caddyfile')) return 'caddy';
  if (name.endsWith('.conf') || name === 'nginx.conf') return 'nginx';
  if (/\.ya?ml$/.test(name)) {
    if (/^ingress\s*:/m.test(text) || /^credentials-file\s*:/m.test(text) || /^tunnel\s*:/m.test(text)) return 'cloudflared';
    if (/^(endpoints|tunnels|agent|authtoken)\s*:/m.test(text) || name.includes('ngrok')) return 'ngrok';
  }
  if (/^\s*(server|location|upstream|http)\s*\{/m.test(text) || /^\s*(proxy_pass|listen|server_name)\s/m.test(text)) return 'nginx';
  if (/^\s*reverse_proxy\s/m.test(text) || /^\S+\s*\{\s*$/m.test(text)) return 'caddy';
  return null;
}
