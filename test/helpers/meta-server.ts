import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface MetaRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

export interface Reply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  delayMs?: number;
}

export type Handler = (request: MetaRequest, count: number) => Reply;

/** A real HTTP server on loopback playing GitHub's meta API; the test swaps its handler. */
export async function startMetaServer(host = '127.0.0.1'): Promise<{ url: string; port: number; requests: MetaRequest[]; handle: (h: Handler) => void; close: () => Promise<void> }> {
  let handler: Handler = () => ({ status: 500 });
  const requests: MetaRequest[] = [];
  const server: Server = createServer((req, res) => {
    const request = { path: req.url ?? '/', headers: req.headers };
    requests.push(request);
    const reply = handler(request, requests.length);
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    };
    if (reply.delayMs) setTimeout(send, reply.delayMs);
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/meta`,
    port,
    requests,
    handle: (h) => {
      handler = h;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
