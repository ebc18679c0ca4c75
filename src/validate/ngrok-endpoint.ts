import type { Severity } from '../lint/finding.js';
import { isRecord } from './yaml-source.js';

// What the ngrok agent accepts as an endpoint's upstream and traffic policy, from ngrok's docs
// (agent/config/v3, traffic-policy) and the agent's own `ngrok config check`.

export type Protocol = 'http' | 'tcp' | 'tls';

export interface Problem {
  at: (string | number)[];
  severity: Severity;
  message: string;
  fix: string;
}

const PORT = '([0-9]{1,5})';
const HOST = '(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9_.-]+)';
const HOST_PORT = new RegExp(`^${HOST}:${PORT}$`);
const ORIGIN = new RegExp(`^(https?|tcp|tls)://(?:${HOST}(?::${PORT})?)?/?$`);

/** The error for an upstream address the agent refuses, or null. */
export function upstreamError(target: string, protocol: Protocol): string | null {
  const invalid = `ERR_NGROK_4500 ${target} is not a valid tcp address or URL`;
  if (/^[0-9]+$/.test(target)) return Number(target) >= 1 && Number(target) <= 65535 ? null : invalid;
  // A directory the agent serves itself (`ngrok http file:///srv/www`).
  if (/^file:\/\/\/\S*$/.test(target) || /^file:\/\/[A-Za-z]:[\\/]\S*$/.test(target)) return protocol === 'http' ? null : `${target}: file:// upstreams serve HTTP, this endpoint is ${protocol}://`;
  const hostPort = HOST_PORT.exec(target);
  if (hostPort) return Number(hostPort[2]) <= 65535 ? null : invalid;
  const origin = ORIGIN.exec(target);
  if (origin) {
    if (origin[3] !== undefined && Number(origin[3]) > 65535) return invalid;
    // A bare scheme or a host without port picks the scheme's default: HTTP endpoints only.
    if (protocol !== 'http' && (origin[2] === undefined || origin[3] === undefined)) return `${target}: a ${protocol}:// endpoint needs an upstream host and port`;
    return null;
  }
  if (new RegExp(`^${HOST}$`).test(target)) return protocol === 'http' ? null : `${target}: a ${protocol}:// endpoint needs an upstream host and port`;
  return invalid;
}

const PHASES = ['on_http_request', 'on_http_response', 'on_tcp_connect'];
const HTTP_ONLY = new Set(['on_http_request', 'on_http_response', 'inbound', 'outbound']);
// Traffic policy's first release named the phases inbound/outbound; the agent still loads them.
const OLDER_NAMES: Record<string, string> = { inbound: 'on_http_request', outbound: 'on_http_response' };

/** Problems of an inline traffic policy on an endpoint (or tunnel) of the given protocol. */
export function policyProblems(policy: unknown, protocol: Protocol, at: (string | number)[]): Problem[] {
  if (policy === undefined || policy === null) return [];
  if (!isRecord(policy)) return [{ at, severity: 'error', message: 'traffic_policy is not a mapping', fix: 'on_http_request: [...]' }];
  const problems: Problem[] = [];
  for (const [phase, rules] of Object.entries(policy)) {
    const where = [...at, phase];
    const newer = OLDER_NAMES[phase];
    if (!PHASES.includes(phase) && !newer) {
      problems.push({ at: where, severity: 'error', message: `unknown traffic policy phase ${phase}`, fix: 'use on_http_request, on_http_response or on_tcp_connect' });
      continue;
    }
    if (newer) problems.push({ at: where, severity: 'warning', message: `${phase} is the older name of ${newer}`, fix: `rename it to ${newer}` });
    if (protocol !== 'http' && HTTP_ONLY.has(phase)) problems.push({ at: where, severity: 'error', message: `${phase} applies to HTTP endpoints only; this one is ${protocol}://`, fix: 'use on_tcp_connect' });
    if (!Array.isArray(rules)) {
      problems.push({ at: where, severity: 'error', message: `${phase}: expected a list of rules`, fix: `${phase}: [{ actions: [{ type: deny }] }]` });
      continue;
    }
    rules.forEach((rule: unknown, index: number) => {
      const actions = isRecord(rule) ? rule.actions : undefined;
      const list = Array.isArray(actions) ? actions : isRecord(actions) ? [actions] : null;
      if (list === null || list.some((a: unknown) => !isRecord(a) || typeof a.type !== 'string')) problems.push({ at: [...where, index], severity: 'error', message: `${phase}: every rule needs actions with a type`, fix: 'actions: [{ type: deny }]' });
      else if (!Array.isArray(actions)) problems.push({ at: [...where, index, 'actions'], severity: 'warning', message: `${phase}: actions is a single mapping, not a list (the agent accepts it)`, fix: 'actions: [{ type: ... }]' });
    });
  }
  return problems;
}
