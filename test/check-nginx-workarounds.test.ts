import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { workAround } from '../src/check/nginx-workarounds.js';
import { cli } from './helpers/cli.js';
import { hasTool, localNginxHasHttp2Directive } from './helpers/tools.js';

const at = (line: number) => ` in /tmp/proxygen-sandbox-x/conf/site.conf:${line}`;

describe('nginx -t errors that say more about this machine than the file', () => {
  it.each([
    ['an upstream server name', 'upstream a {\n  server app:3000;\n}', `host not found in upstream "app:3000"${at(2)}`, '1.22.1', '  server 127.0.0.1:3000;'],
    ['a proxy_pass host', 'location / {\n  proxy_pass http://web-service:8000/;\n}', `host not found in upstream "web-service:8000"${at(2)}`, '1.22.1', '  proxy_pass http://127.0.0.1:8000/;'],
    ['a proxy_pass host without a port', 'location / {\n  proxy_pass http://web;\n}', `host not found in upstream "web"${at(2)}`, '1.22.1', '  proxy_pass http://127.0.0.1;'],
    ['http2 on; on nginx 1.22 (listen ... http2 untouched)', 'server {\n  http2 on; listen 443 ssl http2;\n}', `unknown directive "http2"${at(2)}`, '1.22.1', '            listen 443 ssl http2;'],
    ['http2 on; on nginx 1.25.3 is a real error', 'server {\n  http2 on;\n}', `unknown directive "http2"${at(2)}`, '1.25.3', null],
    ['a directive nginx never had', 'server {\n  frobnicate on;\n}', `unknown directive "frobnicate"${at(2)}`, '1.22.1', null],
    ['any other error', 'server {\n  listen 80 bogus;\n}', `invalid parameter "bogus"${at(2)}`, '1.22.1', null],
  ])('%s', (_name, text, stderr, local, line2) => {
    const done = workAround(text, `nginx: [emerg] ${stderr}\n`, local);
    if (line2 === null) expect(done).toBeNull();
    else {
      expect(done!.text.split('\n')[1]).toBe(line2);
      expect(done!.text.split('\n')).toHaveLength(text.split('\n').length);
    }
  });
});

describe.runIf(hasTool('nginx'))('check FILE: nginx -t without false errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'proxygen-nginx-t-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const check = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return cli(['check', name], { cwd: dir });
  };

  it('TLS files missing here (dhparam, trusted chain, client CA, CRL, ticket key) get stand-ins', () => {
    const result = check('tls.conf', 'server {\n    listen 443 ssl;\n    ssl_certificate /nonexistent/c.pem;\n    ssl_certificate_key /nonexistent/k.pem;\n    ssl_dhparam /nonexistent/dhparam.pem;\n    ssl_trusted_certificate /nonexistent/chain.pem;\n    ssl_client_certificate /nonexistent/ca.pem;\n    ssl_session_ticket_key /nonexistent/ticket.key;\n    ssl_verify_client optional;\n    ssl_crl /nonexistent/revoked.crl;\n    location / { proxy_pass http://127.0.0.1:8080; }\n}\n');
    expect(result).toMatchObject({ code: 0, stdout: '0 errors, 0 warnings, 0 notes\n' });
  });

  it('a host name that does not resolve here is a warning, and every one is worked around', () => {
    const result = check('hosts.conf', 'upstream app { server app-backend.invalid:3000; }\nserver {\n    listen 8080;\n    location / { proxy_pass http://app; }\n    location /b { proxy_pass http://web-service.invalid:8000; }\n}\n');
    expect(result.stdout.split('\n').filter((l) => /^\S/.test(l))).toEqual([
      'hosts.conf:1: warning check/upstream-unresolved: host "app-backend.invalid" does not resolve where check runs (a docker-compose service name?): nginx -t checked the file with 127.0.0.1 in its place',
      'hosts.conf:5: warning check/upstream-unresolved: host "web-service.invalid" does not resolve where check runs (a docker-compose service name?): nginx -t checked the file with 127.0.0.1 in its place',
      '0 errors, 2 warnings, 0 notes',
    ]);
    expect(result.code).toBe(0);
  });

  it.runIf(!localNginxHasHttp2Directive())('http2 on; on an older nginx is the same version warning as in project mode, and the rest is checked', () => {
    const result = check('h2.conf', 'server {\n    listen 8443 ssl;\n    http2 on;\n    ssl_certificate /nonexistent/c.pem;\n    ssl_certificate_key /nonexistent/k.pem;\n}\n');
    expect(result.stdout).toMatch(/^h2\.conf:3: warning check\/nginx-version: nginx [0-9.]+ here does not know "http2" \(nginx 1\.25\.1 and later\): nginx -t checked the rest of the file without it\n/);
    expect(result.stdout).toMatch(/\n0 errors, 1 warnings, 0 notes\n$/);
    expect(result.code).toBe(0);
  });
});
