import { parse } from 'yaml';
import type { RouteInput } from '../config/schema.js';
import { hostName, name, port as portSchema } from '../config/values.js';
import type { Imported } from './types.js';

const WILDCARD_BINDS = new Set(['', '0.0.0.0', '::', '[::]', '*']);
const LOOPBACK_OR_IP = /^(localhost|[0-9.]+|\[?[0-9a-fA-F:]+\]?)$/;
// Pilot's webhook routes keep the limits of the preset's /webhooks/ prefix (most specific wins).
const WEBHOOK_LIMITS = { rate: '10/s', burst: 20, timeout: '60s' } as const;

const record = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/** Pilot's config.yaml (seed 000) -> proxygen values. Secrets (auth.token, webhook secrets, auth_token) are read only to see whether they are set. */
export function importPilot(text: string): Imported {
  const data = record(parse(text));
  const warnings: string[] = [];
  const values: Imported['values'] = {};
  const gateway = record(data.gateway);
  const rawHost = gateway.host === undefined ? '127.0.0.1' : String(gateway.host);
  const port = gateway.port === undefined ? 9090 : Number(gateway.port);
  let host = rawHost;
  if (WILDCARD_BINDS.has(rawHost)) {
    host = '127.0.0.1';
    warnings.push(`gateway.host ${rawHost || '(empty)'} listens on every interface: the proxy will use 127.0.0.1; bind gateway.host to 127.0.0.1 so port ${port} is not reachable around the proxy`);
  }
  const hostOk = LOOPBACK_OR_IP.test(host) || hostName.safeParse(host).success;
  if (!portSchema.safeParse(port).success || !hostOk) warnings.push('gateway.host/port is not a host and port proxygen can use; the preset upstream http://127.0.0.1:9090 is kept');
  else values.upstream = `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;

  const tunnel = record(data.tunnel);
  if (tunnel.enabled === true) {
    const provider = String(tunnel.provider ?? 'cloudflare');
    const domain = typeof tunnel.domain === 'string' && tunnel.domain ? tunnel.domain : undefined;
    if (domain && hostName.safeParse(domain).success) values.domain = domain;
    else if (domain) warnings.push('tunnel.domain is not a host name proxygen accepts; give --domain');
    if (provider === 'cloudflare') values.tunnel = { provider: 'cloudflare' };
    else if (provider === 'ngrok') values.tunnel = { provider: 'ngrok', ngrok: { version: 3, ...(values.domain ? { domain: values.domain } : {}) } };
    else warnings.push(`tunnel.provider ${provider === 'manual' ? 'manual' : '(unknown)'}: proxygen renders no tunnel for it; choose cloudflare or ngrok with --tunnel`);
    if (tunnel.port !== undefined && Number(tunnel.port) !== port) warnings.push(`tunnel.port ${Number(tunnel.port)} differs from gateway.port ${port}: proxygen points the tunnel at the proxy's upstream`);
    if (tunnel.auth_token) warnings.push('tunnel.auth_token is not copied: the ngrok agent reads NGROK_AUTHTOKEN from its environment');
  }

  const routes: RouteInput[] = [];
  for (const [adapter, settings] of Object.entries(record(data.adapters))) {
    if (!name.safeParse(adapter).success) {
      warnings.push(`adapters: a name that cannot be a URL path segment was skipped`);
      continue;
    }
    routes.push({ path: `/webhooks/${adapter}`, ...WEBHOOK_LIMITS, ...(adapter === 'github' ? { allow: ['github-hooks'] } : {}) });
    const secret = record(settings).webhook_secret;
    if (typeof secret !== 'string' || secret.trim() === '') warnings.push(`adapters.${adapter} has no webhook_secret: Pilot validates webhook signatures; set adapters.${adapter}.webhook_secret`);
  }
  if (routes.length) values.routes = routes;

  const auth = record(data.auth);
  if (auth.type === 'api-token') warnings.push('auth.type api-token: Pilot asks for a bearer token on /api/v1/*; /api/ stays reachable through the proxy (the token is not copied)');
  return { kind: 'pilot', preset: 'pilot', values, warnings };
}
