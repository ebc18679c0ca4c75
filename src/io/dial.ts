import { connect as netConnect, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Target } from '../probe/target.js';

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
