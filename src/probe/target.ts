import { isIP } from 'node:net';
import { UserError } from '../errors.js';
import type { Plan } from '../plan/plan.js';

/** Where and how to reach the deployed proxy; Host and SNI always stay the site's domain. */
export interface Target {
  domain: string;
  https: boolean;
  /** The port in the URL (and so in Host), and the port for plain HTTP checks. */
  port: number;
  httpPort: number;
  /** The address actually dialled (--connect-to), default the domain itself. */
  connectHost: string;
  connectPort: number;
  ca?: Buffer;
  insecure: boolean;
  sourceAddress?: string;
  timeoutMs: number;
}

export interface TargetOptions {
  url?: string;
  connectTo?: string;
  /** The CA's PEM bytes (the command reads --ca). */
  ca?: Buffer;
  insecure?: boolean;
  sourceAddress?: string;
  timeoutMs: number;
}

function parseConnectTo(value: string): { host: string; port?: number } {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::([0-9]{1,5}))?$/.exec(value);
  if (!match) throw new UserError(`--connect-to ${value}: expected HOST or HOST:PORT`, 'for example --connect-to 127.0.0.1:443');
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port: match[2] ? Number(match[2]) : undefined };
}

export function resolveTarget(plan: Plan, options: TargetOptions): Target {
  const tlsOn = plan.tls.mode !== 'off';
  let url: URL;
  try {
    url = new URL(options.url ?? `${tlsOn ? 'https' : 'http'}://${plan.domain}:${tlsOn ? plan.ports.https : plan.ports.http}`);
  } catch {
    throw new UserError(`${options.url}: not a URL`, `for example proxygen verify https://${plan.domain}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UserError(`${options.url}: only http:// and https:// URLs`, `proxygen verify https://${plan.domain}`);
  const https = url.protocol === 'https:';
  const port = Number(url.port || (https ? 443 : 80));
  const to = options.connectTo ? parseConnectTo(options.connectTo) : undefined;
  if (options.sourceAddress !== undefined && !isIP(options.sourceAddress)) throw new UserError(`--source-address ${options.sourceAddress}: not an IP address`, 'for example --source-address 192.0.2.10');
  return {
    domain: url.hostname.replace(/^\[|\]$/g, ''),
    https,
    port,
    httpPort: https ? plan.ports.http : port,
    connectHost: to?.host ?? url.hostname.replace(/^\[|\]$/g, ''),
    connectPort: to?.port ?? port,
    ca: options.ca,
    insecure: !!options.insecure,
    sourceAddress: options.sourceAddress,
    timeoutMs: options.timeoutMs,
  };
}

export const originOf = (target: Target, secure = target.https): string => {
  const port = secure ? target.port : target.httpPort;
  const host = target.domain.includes(':') ? `[${target.domain}]` : target.domain;
  const standard = secure ? 443 : 80;
  return `${secure ? 'https' : 'http'}://${host}${port === standard ? '' : `:${port}`}`;
};
