import { readFileSync } from 'node:fs';
import { connect as netConnect, isIP } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
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
  ca?: string;
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
  let ca: Buffer | undefined;
  if (options.ca) {
    try {
      ca = readFileSync(options.ca);
    } catch {
      throw new UserError(`--ca ${options.ca}: cannot read`, 'give the PEM file of the CA (or the self-signed certificate)');
    }
  }
  return {
    domain: url.hostname.replace(/^\[|\]$/g, ''),
    https,
    port,
    httpPort: https ? plan.ports.http : port,
    connectHost: to?.host ?? url.hostname.replace(/^\[|\]$/g, ''),
    connectPort: to?.port ?? port,
    ca,
    insecure: !!options.insecure,
    sourceAddress: options.sourceAddress,
    timeoutMs: options.timeoutMs,
  };
}

/** Maps a port of the URL to the port dialled: --connect-to moves the main port only. */
export function dialPort(target: Target, port: number): number {
  return port === target.port ? target.connectPort : port;
}

/** Opens the raw connection for a request to `port` on the target (TLS when `secure`). */
export function openSocket(target: Target, port: number, secure: boolean, verify = !target.insecure): Duplex {
  const common = { host: target.connectHost, port: dialPort(target, port), localAddress: target.sourceAddress };
  if (!secure) return netConnect(common);
  return tlsConnect({
    ...common,
    servername: isIP(target.domain) ? undefined : target.domain,
    ca: target.ca,
    rejectUnauthorized: verify,
    ALPNProtocols: ['http/1.1'],
  }) as TLSSocket;
}

export const originOf = (target: Target, secure = target.https): string => {
  const port = secure ? target.port : target.httpPort;
  const host = target.domain.includes(':') ? `[${target.domain}]` : target.domain;
  const standard = secure ? 443 : 80;
  return `${secure ? 'https' : 'http'}://${host}${port === standard ? '' : `:${port}`}`;
};

const REACH_FIX: Record<string, string> = {
  ECONNREFUSED: 'nothing listens there: is the proxy running, and is this the right port?',
  ENOTFOUND: 'the name does not resolve: check DNS, or dial the server with --connect-to HOST:PORT',
  EAI_AGAIN: 'the name does not resolve (DNS unavailable): dial the server with --connect-to HOST:PORT',
  ETIMEDOUT: 'no answer: a firewall drops the traffic, or the address is wrong',
  EHOSTUNREACH: 'no route to the host: check the address and the network',
  EADDRNOTAVAIL: '--source-address is not an address of this machine',
};

/** One plain TCP connect first: when nothing answers, one line says so instead of every probe failing alike. */
export function reachable(target: Target): Promise<{ ok: true } | { ok: false; detail: string; fix: string }> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: target.connectHost, port: target.connectPort, localAddress: target.sourceAddress });
    socket.setTimeout(target.timeoutMs, () => socket.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    socket.once('connect', () => (socket.destroy(), resolve({ ok: true })));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'ERROR';
      resolve({ ok: false, detail: `${code} dialling ${target.connectHost}:${target.connectPort}`, fix: REACH_FIX[code] ?? 'check the address, the port and the firewall' });
    });
  });
}
