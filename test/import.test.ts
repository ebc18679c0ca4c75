import { describe, expect, it } from 'vitest';
import { detectImportKind } from '../src/import/index.js';
import { importPilot } from '../src/import/pilot.js';
import { importPipegate } from '../src/import/pipegate.js';

const WEBHOOK = { rate: '10/s', burst: 20, timeout: '60s' };
const ALL_SIX = ['github', 'gitlab', 'linear', 'jira', 'asana', 'plane'];
const adapters = (names: string[], secret = 's3cr3t') => `adapters:\n${names.map((n) => `  ${n}:\n    webhook_secret: "${secret}-${n}"\n`).join('')}`;
const noSecret = (name: string) => `adapters.${name} has no webhook_secret: Pilot validates webhook signatures; set adapters.${name}.webhook_secret`;
const WIDE = (host: string, port = 9090) => `gateway.host ${host} listens on every interface: the proxy will use 127.0.0.1; bind gateway.host to 127.0.0.1 so port ${port} is not reachable around the proxy`;

describe("Pilot's config.yaml (seed 000)", () => {
  it.each([
    ['the documented defaults', 'gateway:\n  host: "127.0.0.1"\n  port: 9090\n', { upstream: 'http://127.0.0.1:9090' }, []],
    ['an empty file keeps the defaults', '', { upstream: 'http://127.0.0.1:9090' }, []],
    ['0.0.0.0 becomes loopback', 'gateway:\n  host: "0.0.0.0"\n  port: 9191\n', { upstream: 'http://127.0.0.1:9191' }, [WIDE('0.0.0.0', 9191)]],
    ['"::" becomes loopback', 'gateway:\n  host: "::"\n', { upstream: 'http://127.0.0.1:9090' }, [WIDE('::')]],
    ['another host is kept', 'gateway:\n  host: 10.0.0.5\n  port: 9090\n', { upstream: 'http://10.0.0.5:9090' }, []],
    ['a hostile host is refused', 'gateway:\n  host: "a;b {"\n', {}, ['gateway.host/port is not a host and port proxygen can use; the preset upstream http://127.0.0.1:9090 is kept']],
    ['a port out of range', 'gateway:\n  port: 70000\n', {}, ['gateway.host/port is not a host and port proxygen can use; the preset upstream http://127.0.0.1:9090 is kept']],
    [
      'all six adapters with secrets',
      adapters(ALL_SIX),
      { upstream: 'http://127.0.0.1:9090', routes: ALL_SIX.map((n) => ({ path: `/webhooks/${n}`, ...WEBHOOK, ...(n === 'github' ? { allow: ['github-hooks'] } : {}) })) },
      [],
    ],
    [
      'missing and empty secrets are named',
      'adapters:\n  github: {}\n  jira:\n    webhook_secret: ""\n  linear:\n    webhook_secret: "   "\n',
      { upstream: 'http://127.0.0.1:9090', routes: [{ path: '/webhooks/github', ...WEBHOOK, allow: ['github-hooks'] }, { path: '/webhooks/jira', ...WEBHOOK }, { path: '/webhooks/linear', ...WEBHOOK }] },
      [noSecret('github'), noSecret('jira'), noSecret('linear')],
    ],
    ['an adapter name that is not a path segment', 'adapters:\n  "a/../b": {}\n', { upstream: 'http://127.0.0.1:9090' }, ['adapters: a name that cannot be a URL path segment was skipped']],
    ['a cloudflare tunnel with a domain', 'tunnel:\n  enabled: true\n  provider: cloudflare\n  domain: pilot.acme.dev\n  port: 9090\n', { upstream: 'http://127.0.0.1:9090', domain: 'pilot.acme.dev', tunnel: { provider: 'cloudflare' } }, []],
    ['an ngrok tunnel, token not copied', 'tunnel:\n  enabled: true\n  provider: ngrok\n  domain: pilot.ngrok.app\n  auth_token: "tok"\n', { upstream: 'http://127.0.0.1:9090', domain: 'pilot.ngrok.app', tunnel: { provider: 'ngrok', ngrok: { version: 3, domain: 'pilot.ngrok.app' } } }, ['tunnel.auth_token is not copied: the ngrok agent reads NGROK_AUTHTOKEN from its environment']],
    ['a manual tunnel', 'tunnel:\n  enabled: true\n  provider: manual\n', { upstream: 'http://127.0.0.1:9090' }, ['tunnel.provider manual: proxygen renders no tunnel for it; choose cloudflare or ngrok with --tunnel']],
    ['a disabled tunnel is ignored', 'tunnel:\n  enabled: false\n  provider: ngrok\n  domain: x.example.com\n', { upstream: 'http://127.0.0.1:9090' }, []],
    ['a tunnel port beside the gateway', 'tunnel:\n  enabled: true\n  port: 8080\n', { upstream: 'http://127.0.0.1:9090', tunnel: { provider: 'cloudflare' } }, ["tunnel.port 8080 differs from gateway.port 9090: proxygen points the tunnel at the proxy's upstream"]],
    ['a tunnel domain that is not a host name', 'tunnel:\n  enabled: true\n  domain: "x\\ny.com"\n', { upstream: 'http://127.0.0.1:9090', tunnel: { provider: 'cloudflare' } }, ['tunnel.domain is not a host name proxygen accepts; give --domain']],
    ['api-token auth is noted, not copied', 'auth:\n  type: "api-token"\n  token: "t0k3n"\n', { upstream: 'http://127.0.0.1:9090' }, ['auth.type api-token: Pilot asks for a bearer token on /api/v1/*; /api/ stays reachable through the proxy (the token is not copied)']],
  ])('%s', (_name, text, values, warnings) => {
    expect(importPilot(text)).toEqual({ kind: 'pilot', preset: 'pilot', values, warnings });
  });
});

describe("PipeGate's environment file (seed 002)", () => {
  const SECRET = 'export PIPEGATE_JWT_SECRET="9f1c2b"\nexport PIPEGATE_JWT_ALGORITHMS=\'["HS256"]\'\n';
  it.each([
    ['the README quick start', 'export PIPEGATE_JWT_SECRET="change-me-to-something-secret"\nexport PIPEGATE_JWT_ALGORITHMS=\'["HS256"]\'\n', { upstream: 'http://127.0.0.1:8000' }, ['PIPEGATE_JWT_SECRET is an example value: generate one with openssl rand -hex 32']],
    ['a 50 MB body limit', `${SECRET}PIPEGATE_MAX_BODY_BYTES=52428800\n`, { upstream: 'http://127.0.0.1:8000', limits: { body: '50m' }, routes: [{ path: '/', timeout: '6m', body: '50m' }] }, []],
    ['a limit in KiB', `${SECRET}PIPEGATE_MAX_BODY_BYTES=524288\n`, { upstream: 'http://127.0.0.1:8000', limits: { body: '512k' }, routes: [{ path: '/', timeout: '6m', body: '512k' }] }, []],
    ['a limit in plain bytes', `${SECRET}PIPEGATE_MAX_BODY_BYTES=1000000\n`, { upstream: 'http://127.0.0.1:8000', limits: { body: '1000000' }, routes: [{ path: '/', timeout: '6m', body: '1000000' }] }, []],
    ['a limit that is not a number', `${SECRET}PIPEGATE_MAX_BODY_BYTES=10MB\n`, { upstream: 'http://127.0.0.1:8000' }, ['PIPEGATE_MAX_BODY_BYTES is not a whole number of bytes; the 10 MB default is kept']],
    ['a port and a wildcard host', `${SECRET}PIPEGATE_HOST=0.0.0.0\nPIPEGATE_PORT=8100\n`, { upstream: 'http://127.0.0.1:8100' }, ['the server binds 0.0.0.0 (every interface): the proxy will use 127.0.0.1; bind 127.0.0.1 so port 8100 is not reachable around the proxy']],
    ["uvicorn's own variables", `${SECRET}UVICORN_PORT=9000\n`, { upstream: 'http://127.0.0.1:9000' }, []],
    ['a bad port', `${SECRET}PORT=80;rm\n`, { upstream: 'http://127.0.0.1:8000' }, ['the server port is not a number from 1 to 65535; 8000 is kept']],
    ['no secret at all', 'PIPEGATE_MAX_QUEUE_DEPTH=100\n', { upstream: 'http://127.0.0.1:8000' }, ['PIPEGATE_JWT_SECRET is not set: PipeGate refuses tunnel clients without it', "PIPEGATE_JWT_ALGORITHMS is not set (PipeGate requires it, e.g. '[\"HS256\"]')"]],
  ])('%s', (_name, text, values, warnings) => {
    expect(importPipegate(text)).toEqual({ kind: 'pipegate', preset: 'pipegate', values, warnings });
  });
});

describe('the kind of a --from file is seen in its content', () => {
  it.each([
    ['gateway:\n  port: 9090\n', 'pilot'],
    ['# pilot\nadapters:\n  github: {}\n', 'pilot'],
    ['export PIPEGATE_JWT_SECRET=x\n', 'pipegate'],
    ['PIPEGATE_MAX_BODY_BYTES=1\n', 'pipegate'],
    ['server {\n}\n', undefined],
  ])('%j is %s', (text, kind) => {
    expect(detectImportKind(text)).toBe(kind);
  });
});
