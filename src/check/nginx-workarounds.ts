import { versionAtLeast } from '../plan/version.js';

// `nginx -t` stops at its first error, and two of its errors say more about the machine check
// runs on than about the file: a host name only the deployment resolves (a docker-compose
// service), and a directive newer than the local nginx. Each is worked around in the sandbox
// copy (same lines), reported once, and nginx -t runs again over the rest of the file.

/** Directives nginx added after 1.18, with the release that brought them. */
export const NEWER_DIRECTIVES: Record<string, string> = {
  http2: '1.25.1',
  http3: '1.25.0',
  http3_hq: '1.25.0',
  quic_retry: '1.25.0',
  quic_gso: '1.25.0',
  quic_host_key: '1.25.0',
  quic_bpf: '1.25.0',
  ssl_reject_handshake: '1.19.4',
  ssl_conf_command: '1.19.4',
  proxy_ssl_conf_command: '1.19.4',
  keepalive_time: '1.19.10',
  ssl_certificate_cache: '1.27.4',
  add_header_inherit: '1.29.3',
};

export interface Workaround {
  text: string;
  line: number;
  kind: 'unresolved-host' | 'newer-directive';
  /** The host name, or the directive. */
  subject: string;
  needs?: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function onLine(text: string, line: number, change: (source: string) => string): string | null {
  const lines = text.split('\n');
  const before = lines[line - 1];
  if (before === undefined) return null;
  const after = change(before);
  if (after === before) return null;
  lines[line - 1] = after;
  return lines.join('\n');
}

/** The change that lets nginx -t go past its error in `site.conf`, or null when it is a real error. */
export function workAround(text: string, stderr: string, localVersion: string | null): Workaround | null {
  const host = /host not found in upstream "([^"]+)" in \S*\/site\.conf:(\d+)/.exec(stderr);
  if (host) {
    const name = host[1]!.replace(/^\w+:\/\//, '').replace(/:\d+$/, '');
    const line = Number(host[2]);
    const changed = onLine(text, line, (source) => source.replace(new RegExp(`(?<=[\\s/=]|^)${escape(name)}(?=[:;/\\s]|$)`, 'g'), '127.0.0.1'));
    return changed === null ? null : { text: changed, line, kind: 'unresolved-host', subject: name };
  }
  const unknown = /unknown directive "(\w+)" in \S*\/site\.conf:(\d+)/.exec(stderr);
  const needs = unknown ? NEWER_DIRECTIVES[unknown[1]!] : undefined;
  if (!unknown || !needs || !localVersion || versionAtLeast(localVersion, needs.split('.').map(Number))) return null;
  // Every use of the directive is blanked out (same length, so lines and columns hold).
  const statement = new RegExp(`(^|[;{}])(\\s*)(${unknown[1]}\\b[^;{}]*;)`, 'gm');
  const changed = text.replace(statement, (_whole, before: string, space: string, directive: string) => `${before}${space}${' '.repeat(directive.length)}`);
  return changed === text ? null : { text: changed, line: Number(unknown[2]), kind: 'newer-directive', subject: unknown[1]!, needs };
}
