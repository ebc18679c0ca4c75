import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allowlistsFromMeta } from '../src/allowlist/validate.js';
import { seedAllowlists } from '../src/io/allowlists.js';
import { configFrom, configMessage, planFrom } from './helpers/config.js';

// Hostile CIDR values wherever one can come in: the config, GitHub's meta response, the state
// file refresh-allowlist keeps. Each is refused with a message naming it; none reaches a file.

const BASE = 'domain: a.example.com\nupstream: http://127.0.0.1:8080\n';
const network = (entry: string) => `${BASE}networks:\n  office: ['${entry}']\nroutes:\n  - { path: /x, allow: [office] }\n`;

describe('config: networks entries', () => {
  it.each([
    ['010.0.0.0/8', /networks\.office\.0: expected an IPv4 or IPv6 CIDR .*no leading zeros/],
    ['10.0.0.0/08', /networks\.office\.0: .*no leading zeros/],
    ['10.010.0.0/16', /networks\.office\.0: expected an IPv4 or IPv6 CIDR .*no leading zeros/],
    ['0x0a.0.0.0/8', /networks\.office\.0: expected an IPv4 or IPv6 CIDR/],
    ['10.1/16', /networks\.office\.0: expected an IPv4 or IPv6 CIDR/],
    ['167772160/8', /networks\.office\.0: expected an IPv4 or IPv6 CIDR/],
    ['10.0.0.1/8', /networks\.office\.0: host bits are set; did you mean 10\.0\.0\.0\/8\?/],
    ['0.0.0.0/0', /networks\.office\.0: .*allows everyone/],
    ['::/0', /networks\.office\.0: .*allows everyone/],
    ['1.2.3.0/33', /networks\.office\.0: .*prefix/],
    ['fe80::1%eth0', /networks\.office\.0: expected an IPv4 or IPv6 CIDR/],
    // Refused, though the message blames the prefix ("8; allow all" is read as the prefix).
    ['10.0.0.0/8; allow all', /networks\.office\.0: /],
  ])('%s is refused', (entry, message) => {
    expect(configMessage(network(entry))).toMatch(message);
  });

  it.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['192.0.2.7', '192.0.2.7/32'],
  ])('%s is read as %s', (entry, canonical) => {
    expect(planFrom(network(entry)).routes[0]!.access!.cidrs).toEqual([canonical]);
  });
});

describe('config: names that are prototype keys', () => {
  it('a network named __proto__ is refused at its key, not dropped', () => {
    expect(configMessage(`${BASE}networks:\n  __proto__: [10.0.0.0/8]\n`)).toMatch(/^proxygen\.yaml:4:3 networks\.__proto__: "__proto__" is not allowed as a key$/m);
  });

  it('__proto__ as an allowlist name or anywhere else is refused too', () => {
    expect(configMessage(`${BASE}allowlists:\n  __proto__: { source: github-meta, sections: [hooks] }\n`)).toMatch(/allowlists\.__proto__: "__proto__" is not allowed as a key/);
    expect(configMessage(`${BASE}tls:\n  __proto__: { mode: off }\n`)).toMatch(/tls\.__proto__: "__proto__" is not allowed as a key/);
  });

  it('a network named constructor is an ordinary name: no clash with an allowlist, its own ranges', () => {
    const yaml = `${BASE}networks:\n  constructor: [10.0.0.0/8]\nroutes:\n  - { path: /x, allow: [constructor] }\n  - { path: /y/, allow: [tostring] }\nallowlists:\n  tostring: { source: github-meta, sections: [hooks] }\n`;
    const config = configFrom(yaml);
    expect(Object.keys(config.networks)).toEqual(['constructor']);
    const plan = planFrom(yaml, { tostring: ['192.0.2.0/24'] });
    expect(plan.routes.find((r) => r.match.path === '/x')!.access).toEqual({ names: ['constructor'], cidrs: ['10.0.0.0/8'], allowlists: [] });
    expect(plan.routes.find((r) => r.match.path === '/y/')!.access).toEqual({ names: ['tostring'], cidrs: [], allowlists: ['tostring'] });
  });

  it('an unknown name that is a prototype key is unknown', () => {
    expect(configMessage(`${BASE}routes:\n  - { path: /x, allow: [constructor] }\n`)).toMatch(/routes\.0\.allow\.0: unknown set "constructor"/);
  });
});

const LISTS = [{ name: 'github-hooks', sections: ['hooks'] }];
const metaWith = (entry: string) => JSON.stringify({ hooks: ['140.82.112.0/20', entry] });

describe('meta: every address of a published range must be public unicast', () => {
  it.each([
    ['64.0.0.0/2', /entry 64\.0\.0\.0\/2 is not a public unicast range \(\w+\)/],
    ['128.0.0.0/1', /entry 128\.0\.0\.0\/1 is not a public unicast range \(\w+\)/],
    ['8000::/1', /entry 8000::\/1 is not a public unicast range \(\w+\)/],
    ['2000::/3', /entry 2000::\/3 is not a public unicast range \(\w+\)/],
    ['::ffff:0:0/96', /entry ::ffff:0:0\/96 is not a public unicast range \(\w+\)/],
    ['100.64.0.0/10', /entry 100\.64\.0\.0\/10 is not a public unicast range \(carrierGradeNat\)/],
    ['010.0.0.0/8', /entry "010\.0\.0\.0\/8" is not a CIDR/],
    ['1.2.3.4/033', /entry "1\.2\.3\.4\/033" is not a CIDR/],
  ])('%s is refused', (entry, message) => {
    expect(() => allowlistsFromMeta(metaWith(entry), LISTS)).toThrow(message);
  });

  it('public ranges pass, canonical and merged', () => {
    expect(allowlistsFromMeta(metaWith('2a0a:a440::/29'), LISTS)).toEqual({ 'github-hooks': ['140.82.112.0/20', '2a0a:a440::/29'] });
  });
});

describe('state file: saved lists are validated like a fresh response', () => {
  const root = mkdtempSync(join(tmpdir(), 'proxygen-state-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const config = configFrom(`${BASE}allowlists:\n  github-hooks: { source: github-meta, sections: [hooks] }\nroutes:\n  - { path: /hooks/, allow: [github-hooks] }\n`);
  let n = 0;
  const seedWith = (state: unknown) => {
    const dir = join(root, String(n++));
    mkdirSync(join(dir, '.proxygen'), { recursive: true });
    writeFileSync(join(dir, '.proxygen', 'state.json'), JSON.stringify(state));
    return seedAllowlists(config, dir);
  };
  const list = (cidrs: unknown) => ({ allowlists: { 'github-hooks': { cidrs } } });

  it.each([
    ['a leading zero', list(['140.82.112.0/20', '010.0.0.0/8']), /allowlists\.github-hooks\.cidrs\.1: entry "010\.0\.0\.0\/8" is not a CIDR$/],
    ['a range holding loopback', list(['64.0.0.0/2']), /allowlists\.github-hooks\.cidrs\.0: entry 64\.0\.0\.0\/2 is not a public unicast range/],
    ['a private range', list(['10.0.0.0/8']), /allowlists\.github-hooks\.cidrs\.0: entry 10\.0\.0\.0\/8 is not a public unicast range \(private\)/],
    ['nginx syntax smuggled in', list(['1.2.3.0/24;\n deny none']), /allowlists\.github-hooks\.cidrs\.0: entry "1\.2\.3\.0\/24;\\n deny none" is not a CIDR$/],
    ['a number', list([16909060]), /allowlists\.github-hooks\.cidrs\.0: entry 16909060 is not a string$/],
    ['cidrs not a list', list('1.2.3.0/24'), /allowlists\.github-hooks: expected \{ cidrs: \[\.\.\.\] \}$/],
    ['an ETag with a newline', { etag: 'W/"x"\r\nX-Evil: 1' }, /etag: not a printable ASCII string$/],
  ])('%s: refused with the entry named', async (_name, state, message) => {
    await expect(seedWith(state)).rejects.toThrow(message);
  });

  it('a valid saved list is used as it is', async () => {
    expect((await seedWith(list(['140.82.112.0/20']))).cidrs).toEqual({ 'github-hooks': ['140.82.112.0/20'] });
  });
});
