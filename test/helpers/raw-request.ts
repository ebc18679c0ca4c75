import { connect as connectHttp2 } from 'node:http2';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';

export interface RawAnswer {
  status: number;
  /** Response header values by lowercase name, every occurrence kept. */
  headers: Record<string, string[]>;
}

export interface RawTarget {
  port: number;
  tls: boolean;
  servername: string;
  source: string;
}

const tcpFrom = (target: RawTarget) => connectTcp({ host: '127.0.0.1', port: target.port, localAddress: target.source });
const tlsFrom = (target: RawTarget, alpn: string) => connectTls({ socket: tcpFrom(target), servername: target.servername, rejectUnauthorized: false, ALPNProtocols: [alpn] });

function parseHead(text: string): RawAnswer {
  const [statusLine, ...lines] = text.split('\r\n');
  const headers: Record<string, string[]> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) (headers[line.slice(0, colon).toLowerCase()] ??= []).push(line.slice(colon + 1).trim());
  }
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0), headers };
}

/**
 * Writes `head` (request line and headers, sent byte for byte, so a raw backslash or an
 * absolute target reaches the server as written) and reads the answer's head. The connection is
 * closed once the head is in: a body, or one that was announced and never sent, is not waited for.
 */
export function rawRequest(target: RawTarget, head: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = target.tls ? tlsFrom(target, 'http/1.1') : tcpFrom(target);
    let received = '';
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`no answer to ${head.split('\r\n')[0]}`))), 10_000);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) reject(new Error(`no response head to ${head.split('\r\n')[0]}: ${JSON.stringify(received)}`));
      else resolve(parseHead(received.slice(0, end)));
    };
    socket.on(target.tls ? 'secureConnect' : 'connect', () => socket.write(head, 'latin1'));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n\r\n')) finish();
    });
    socket.on('end', finish);
    socket.on('error', (error) => (received.includes('\r\n\r\n') ? finish() : (clearTimeout(timer), reject(error))));
  });
}

/** One HTTP/2 GET with the given :authority (TLS SNI stays `servername`). */
export function http2Request(target: RawTarget, authority: string, path: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const session = connectHttp2(`https://127.0.0.1:${target.port}`, { createConnection: () => tlsFrom(target, 'h2') });
    session.on('error', reject);
    const stream = session.request({ ':method': 'GET', ':path': path, ':authority': authority });
    stream.on('response', (headers) => {
      const out: Record<string, string[]> = {};
      for (const [name, value] of Object.entries(headers)) if (!name.startsWith(':')) out[name] = ([] as string[]).concat(value as string | string[]);
      resolve({ status: Number(headers[':status']), headers: out });
      stream.close();
      session.close();
    });
    stream.on('error', reject);
    stream.end();
  });
}
