import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempProject } from './helpers/cli.js';
import { configMessage } from './helpers/config.js';

// Every string-valued routing key (issue 23), on its own line, with a valid value and the key path
// it reports; the line is where its slot sits in the template.
const TEMPLATE = `domain: a.example.com
upstream: {siteupstream}
upstreams:
  api:
    servers:
      - {server}
    fail_timeout: {failtimeout}
    max_fails: {maxfails}
www: {www}
compression: {compression}
redirects:
  - from: {redirectfrom}
    to: {redirectto}
    status: {status}
  - from: /elsewhere
    to: {redirecturl}
headers:
  set:
    {headername}: "x"
    X-A: {headervalue}
  remove:
    - {removename}
routes:
  - path: /api/
    upstream: {routeupstream}
    headers:
      set:
        X-B: {routevalue}
      remove: [{routeremove}]
    auth:
      basic: {authbasic}
      caddy_file: {authcaddy}
`;

const KEYS: { slot: string; valid: string; path: string }[] = [
  { slot: 'siteupstream', valid: 'http://127.0.0.1:8080', path: 'upstream' },
  { slot: 'server', valid: 'http://127.0.0.1:9090', path: 'upstreams.api.servers.0' },
  { slot: 'failtimeout', valid: '30s', path: 'upstreams.api.fail_timeout' },
  { slot: 'routeupstream', valid: 'api', path: 'routes.0.upstream' },
  { slot: 'maxfails', valid: '3', path: 'upstreams.api.max_fails' },
  { slot: 'www', valid: 'redirect', path: 'www' },
  { slot: 'compression', valid: 'true', path: 'compression' },
  { slot: 'status', valid: '308', path: 'redirects.0.status' },
  { slot: 'redirectfrom', valid: '/old/', path: 'redirects.0.from' },
  { slot: 'redirectto', valid: '/new/', path: 'redirects.0.to' },
  { slot: 'redirecturl', valid: 'https://docs.example.com/x', path: 'redirects.1.to' },
  { slot: 'headername', valid: 'X-Name', path: 'headers.set.X-Name' },
  { slot: 'headervalue', valid: "default-src 'self'", path: 'headers.set.X-A' },
  { slot: 'removename', valid: 'X-Powered-By', path: 'headers.remove.0' },
  { slot: 'routevalue', valid: 'no-store', path: 'routes.0.headers.set.X-B' },
  { slot: 'routeremove', valid: 'Server', path: 'routes.0.headers.remove.0' },
  { slot: 'authbasic', valid: '/etc/nginx/htpasswd/api', path: 'routes.0.auth.basic' },
  { slot: 'authcaddy', valid: '/etc/caddy/api.users', path: 'routes.0.auth.caddy_file' },
];

const HOSTILE = ['\n', '\r', ';', '{', '}', '"', "'", '#', '$', '`', '\0', 'é', ' ', '\\'];
// A header value may hold a space, a single quote and a semicolon (CSP: 'self'; img-src *): it
// is always written in double quotes. Everything else is hostile.
const FINE_IN: Record<string, string[]> = { headervalue: [' ', "'", ';'], routevalue: [' ', "'", ';'] };

const lineOf = (slot: string) => TEMPLATE.split('\n').findIndex((line) => line.includes(`{${slot}}`)) + 1;

// Numbers and booleans are written bare when valid; a hostile one is a string, refused by type.
const BARE = ['maxfails', 'compression', 'status'];

function fill(overrides: Record<string, string> = {}): string {
  return TEMPLATE.replace(/\{(\w+)\}/g, (_, slot: string) => overrides[slot] ?? (BARE.includes(slot) ? KEYS.find((k) => k.slot === slot)!.valid : JSON.stringify(KEYS.find((k) => k.slot === slot)!.valid)));
}

describe('hostile routing values are refused, never escaped', () => {
  it('the template itself is valid', () => {
    expect(configMessage(fill())).toBe('');
  });

  const cases = KEYS.flatMap((key) => HOSTILE.filter((bad) => !FINE_IN[key.slot]?.includes(bad)).map((bad) => [key.path, JSON.stringify(bad), key, bad] as const));
  it.each(cases)('%s with %s', (_path, _label, key, bad) => {
    const message = configMessage(fill({ [key.slot]: JSON.stringify(`${key.valid}${bad}x`) }));
    const first = message.split('\n')[0]!;
    // A bad record key is reported under its own (printable) spelling.
    if (key.slot === 'headername') expect(first).toMatch(new RegExp(`^proxygen\\.yaml:${lineOf(key.slot)}:\\d+ headers\\.set\\.X-Name.*: bad key: expected a header name`));
    else expect(first).toMatch(new RegExp(`^proxygen\\.yaml:${lineOf(key.slot)}:\\d+ ${key.path.replaceAll('.', '\\.')}: `));
  });
});

describe('hostile routing values through the CLI: exit 2, one line naming key and line, nothing written', () => {
  const bads = HOSTILE.filter((c) => c !== ' ' && c !== "'");
  const badFor = (slot: string, index: number) => bads.filter((c) => !FINE_IN[slot]?.includes(c))[index % bads.length] ?? '"';
  it.each(KEYS.map((key, index) => [key.path, key, badFor(key.slot, index)] as const))('%s', (_path, key, bad) => {
    const dir = tempProject(fill({ [key.slot]: JSON.stringify(`${key.valid}${bad}x`) }));
    try {
      const result = cli(['render'], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(new RegExp(`^proxygen\\.yaml:${lineOf(key.slot)}:\\d+ `));
      expect(existsSync(join(dir, 'deploy'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
