import WebSocket from 'ws';
import { originOf, type Target } from '../probe/target.js';
import { openSocket } from './dial.js';

export interface Upgraded {
  socket: WebSocket;
  ms: number;
  headers: Record<string, string | string[] | undefined>;
}

/** Why an upgrade failed: the proxy's answer when there was one, else the network error. */
export class UpgradeFailed extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly server?: string,
  ) {
    super(message);
  }
}

/** Opens a WebSocket over HTTP/1.1 (nginx does not do WebSockets over HTTP/2). */
export function openWebSocket(target: Target, path: string): Promise<Upgraded> {
  const started = performance.now();
  const url = `${originOf(target).replace(/^http/, 'ws')}${path}`;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, {
      handshakeTimeout: target.timeoutMs,
      perMessageDeflate: false,
      createConnection: () => openSocket(target, target.port, target.https) as never,
    });
    let headers: Upgraded['headers'] = {};
    socket.once('upgrade', (response) => (headers = response.headers));
    socket.once('open', () => resolve({ socket, ms: performance.now() - started, headers }));
    socket.once('unexpected-response', (_request, response) => {
      const server = String(response.headers.server ?? '');
      reject(new UpgradeFailed(`answered ${response.statusCode} instead of 101`, response.statusCode, server));
      response.resume();
      socket.terminate();
    });
    socket.once('error', (error) => reject(new UpgradeFailed(error.message)));
  });
}

function settleWithin<T>(ms: number, start: (done: (value: T) => void) => () => void, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    let cleanup = () => undefined as void;
    const timer = setTimeout(() => finish(fallback), ms);
    const finish = (value: T) => {
      clearTimeout(timer);
      cleanup();
      resolve(value);
    };
    cleanup = start(finish);
  });
}

/** Round trip of a ping, or null when no pong comes back in time or the socket is gone. */
export function pingRtt(socket: WebSocket, timeoutMs: number): Promise<number | null> {
  if (socket.readyState !== WebSocket.OPEN) return Promise.resolve(null);
  const started = performance.now();
  return settleWithin<number | null>(timeoutMs, (done) => {
    const onPong = () => done(performance.now() - started);
    const onClose = () => done(null);
    socket.once('pong', onPong);
    socket.once('close', onClose);
    socket.ping();
    return () => {
      socket.off('pong', onPong);
      socket.off('close', onClose);
    };
  }, null);
}

/** Round trip of a text message the app echoes back; null when the app does not echo. */
export function echoRtt(socket: WebSocket, timeoutMs: number): Promise<number | null> {
  if (socket.readyState !== WebSocket.OPEN) return Promise.resolve(null);
  const text = `proxygen-verify-${Math.random().toString(36).slice(2)}`;
  const started = performance.now();
  return settleWithin<number | null>(timeoutMs, (done) => {
    const onMessage = (data: WebSocket.RawData) => data.toString() === text && done(performance.now() - started);
    socket.on('message', onMessage);
    socket.send(text);
    return () => socket.off('message', onMessage);
  }, null);
}

/** Stays silent for `holdMs`; reports when (if at all) the proxy closed the idle socket. */
export function holdIdle(socket: WebSocket, holdMs: number): Promise<{ closedAfterMs: number | null; code?: number }> {
  const started = performance.now();
  if (socket.readyState !== WebSocket.OPEN) return Promise.resolve({ closedAfterMs: 0 });
  return settleWithin<{ closedAfterMs: number | null; code?: number }>(holdMs, (done) => {
    const onClose = (code: number) => done({ closedAfterMs: performance.now() - started, code });
    socket.once('close', onClose);
    return () => socket.off('close', onClose);
  }, { closedAfterMs: null });
}
