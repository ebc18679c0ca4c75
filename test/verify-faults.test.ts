import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliAsync, tempProject } from './helpers/cli.js';

// A server that never finishes what it starts: verify must still end, table printed, exit 1.
let server: Server;
let port = 0;
beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url?.startsWith('/ws')) {
      // Headers that never end: one more every 10 ms.
      response.socket?.write('HTTP/1.1 200 OK\r\n');
      const drip = setInterval(() => response.socket?.write(`X-Drip-${Date.now()}: ${'x'.repeat(100)}\r\n`), 10);
      response.socket?.once('close', () => clearInterval(drip));
      return;
    }
    // A body that never ends.
    response.writeHead(200, { 'content-type': 'text/plain' });
    const pour = setInterval(() => response.write('x'.repeat(16 * 1024)), 1);
    response.once('close', () => clearInterval(pour));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

describe('verify against a server that never finishes', () => {
  it('endless bodies and endless headers: every probe ends, the table is printed, exit 1', async () => {
    const dir = tempProject('preset: pilot\ndomain: pilot.example.com\ntls: { mode: "off" }\n');
    const started = Date.now();
    const result = await cliAsync(['verify', `http://pilot.example.com:${port}`, '--connect-to', `127.0.0.1:${port}`, '--timeout', '1s'], { cwd: dir });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(result.stdout).toMatch(/\n\d+ passed, [1-9]\d* failed\n$/);
    expect(result.stdout).toMatch(/FAIL {2}websocket \/ws/);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
  });
});
