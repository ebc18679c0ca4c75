import { describe, expect, it } from 'vitest';
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
routes:
  - path: /api/
    upstream: {routeupstream}
`;

const KEYS: { slot: string; valid: string; path: string }[] = [
  { slot: 'siteupstream', valid: 'http://127.0.0.1:8080', path: 'upstream' },
  { slot: 'server', valid: 'http://127.0.0.1:9090', path: 'upstreams.api.servers.0' },
  { slot: 'failtimeout', valid: '30s', path: 'upstreams.api.fail_timeout' },
  { slot: 'routeupstream', valid: 'api', path: 'routes.0.upstream' },
];

const HOSTILE = ['\n', '\r', ';', '{', '}', '"', "'", '#', '$', '`', '\0', 'é', ' ', '\\'];

const lineOf = (slot: string) => TEMPLATE.split('\n').findIndex((line) => line.includes(`{${slot}}`)) + 1;

function fill(overrides: Record<string, string> = {}): string {
  return TEMPLATE.replace(/\{(\w+)\}/g, (_, slot: string) => overrides[slot] ?? JSON.stringify(KEYS.find((k) => k.slot === slot)!.valid));
}

describe('hostile routing values are refused, never escaped', () => {
  it('the template itself is valid', () => {
    expect(configMessage(fill())).toBe('');
  });

  const cases = KEYS.flatMap((key) => HOSTILE.map((bad) => [key.path, JSON.stringify(bad), key, bad] as const));
  it.each(cases)('%s with %s', (_path, _label, key, bad) => {
    const message = configMessage(fill({ [key.slot]: JSON.stringify(`${key.valid}${bad}x`) }));
    expect(message.split('\n')[0]).toMatch(new RegExp(`^proxygen\\.yaml:${lineOf(key.slot)}:\\d+ ${key.path.replaceAll('.', '\\.')}: `));
  });
});
