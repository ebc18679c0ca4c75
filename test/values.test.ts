import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import * as v from '../src/config/values.js';

const cases: [string, z.ZodMiniType, string | number, boolean][] = [
  ['host', v.hostName, 'pilot.example.com', true],
  ['host', v.hostName, 'localhost', true],
  ['host', v.hostName, 'xn--bcher-kva.example', true],
  ['host', v.hostName, 'Pilot.example.com', false],
  ['host', v.hostName, 'bücher.example', false],
  ['host', v.hostName, '-bad.example.com', false],
  ['host', v.hostName, 'a..b', false],
  ['host', v.hostName, 'a.example.com;', false],
  ['host', v.hostName, `${'a'.repeat(64)}.com`, false],
  ['host', v.hostName, '*.example.com', false],
  ['path', v.urlPath, '/', true],
  ['path', v.urlPath, '/api/', true],
  ['path', v.urlPath, '/api/connectors/*/grant', true],
  ['path', v.urlPath, '/a.b~c_d-e', true],
  ['path', v.urlPath, 'api/', false],
  ['path', v.urlPath, '/a//b', false],
  ['path', v.urlPath, '/a/../b', false],
  ['path', v.urlPath, '/a*b', false],
  ['path', v.urlPath, '/a b', false],
  ['path', v.urlPath, '/a%20b', false],
  ['path', v.urlPath, '/a{b}', false],
  ['duration', v.duration, '60s', true],
  ['duration', v.duration, '24h', true],
  ['duration', v.duration, '500ms', true],
  ['duration', v.duration, '0s', false],
  ['duration', v.duration, '1h30m', false],
  ['duration', v.duration, '60', false],
  ['size', v.size, '10m', true],
  ['size', v.size, '50M', true],
  ['size', v.size, '1024', true],
  ['size', v.size, '10mb', false],
  ['size', v.size, '-1m', false],
  ['rate', v.rate, '10/s', true],
  ['rate', v.rate, '5/m', true],
  ['rate', v.rate, '10r/s', false],
  ['rate', v.rate, '0/s', false],
  ['cidr', v.cidr, '10.0.0.0/8', true],
  ['cidr', v.cidr, '2606:50c0::/32', true],
  ['cidr', v.cidr, '192.0.2.7', true],
  ['cidr', v.cidr, '10.0.0.1/8', false],
  ['cidr', v.cidr, '0.0.0.0/0', false],
  ['cidr', v.cidr, 'fe80::1%eth0/64', false],
  ['cidr', v.cidr, '10.0.0.0/33', false],
  ['cidr', v.cidr, 'example.com', false],
  ['cidr', v.cidr, '010.0.0.0/8', false],
  ['cidr', v.cidr, '10.0.0.0/08', false],
  ['upstream', v.upstreamUrl, 'http://127.0.0.1:9090', true],
  ['upstream', v.upstreamUrl, 'https://app.internal:8443', true],
  ['upstream', v.upstreamUrl, 'http://[::1]:8000', true],
  ['upstream', v.upstreamUrl, 'http://127.0.0.1:9090/', false],
  ['upstream', v.upstreamUrl, 'ftp://127.0.0.1:21', false],
  ['upstream', v.upstreamUrl, 'http://127.0.0.1:99999', false],
  ['file', v.absoluteFile, '/etc/ssl/x/fullchain.pem', true],
  ['file', v.absoluteFile, 'etc/ssl/x.pem', false],
  ['file', v.absoluteFile, '/etc/../shadow', false],
  ['file', v.absoluteFile, '/etc/ssl/x y.pem', false],
  ['email', v.email, 'ops@example.com', true],
  ['email', v.email, 'ops@example.com;', false],
  ['name', v.name, 'github-hooks', true],
  ['name', v.name, 'Internal', false],
  ['listen', v.listen, 8443, true],
  ['listen', v.listen, '127.0.0.1:8443', true],
  ['listen', v.listen, '[::1]:8443', true],
  ['listen', v.listen, '0.0.0.0:443', true],
  ['listen', v.listen, 'localhost:8443', false],
  ['listen', v.listen, '::1:8443', false],
  ['listen', v.listen, '[::1]', false],
  ['listen', v.listen, '127.0.0.1:0', false],
  ['listen', v.listen, '127.0.0.1:70000', false],
  ['listen', v.listen, '127.0.0.1:8443;', false],
  ['listen', v.listen, '256.0.0.1:8443', false],
];

describe('value grammars', () => {
  it.each(cases)('%s %j -> %s', (_kind, schema, value, ok) => {
    expect(schema.safeParse(value).success).toBe(ok);
  });

  it('suggests punycode for an IDN', () => {
    const result = v.hostName.safeParse('bücher.example');
    expect(result.error?.issues[0]?.message).toBe('non-ASCII host name; write it in punycode: xn--bcher-kva.example');
  });

  it.each([
    ['10.0.0.0/8; allow all', 'expected an IPv4 or IPv6 CIDR such as 10.0.0.0/8 (no zone ids, no spaces, no leading zeros)'],
    ['10.0.0.0/33', 'the prefix length must be 1 to 32'],
  ])('%s is refused: %s', (value, message) => {
    expect(v.cidr.safeParse(value).error?.issues[0]?.message).toBe(message);
  });

  it('suggests the network address when host bits are set', () => {
    expect(v.cidr.safeParse('10.1.2.3/8').error?.issues[0]?.message).toBe('host bits are set; did you mean 10.0.0.0/8?');
  });

  it.each([
    ['60s', 60],
    ['1h', 3600],
    ['500ms', 1],
    ['2d', 172800],
  ])('duration %s is %i seconds', (text, seconds) => expect(v.durationSeconds(text)).toBe(seconds));

  it.each([
    ['10m', 10485760],
    ['512k', 524288],
    ['1G', 1073741824],
    ['100', 100],
  ])('size %s is %i bytes', (text, bytes) => expect(v.sizeBytes(text)).toBe(bytes));
});
