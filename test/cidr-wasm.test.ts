import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowlistsFromMeta, sectionsOf, validateMeta } from '../src/allowlist/validate.js';
import { collapseParsed } from '../src/plan/cidr.js';
import { mergeSectionsFast } from '../src/plan/cidr-wasm.js';
import { cli, installInto, tempProject } from './helpers/cli.js';

const sample = readFileSync(new URL('../fixtures/github-meta-sample.json', import.meta.url), 'utf8');
const SECTIONS = ['actions', 'api', 'git', 'hooks', 'packages', 'pages', 'web'];
const NO_SPECIAL = { v4: [], v6: [] };

/** What refresh-allowlist did before the WebAssembly path: validate, then merge each list. */
function reference(body: string, sections: string[], lists: { name: string; sections: string[] }[]): Record<string, string[]> {
  const parsed = validateMeta(body, sections);
  return Object.fromEntries(lists.map((list) => [list.name, collapseParsed(...list.sections.map((s) => parsed[s]!))]));
}

/** The fast path alone on one section, no first unit treated as special. */
function fastOne(entries: unknown[]): string[] | null {
  return mergeSectionsFast([{ json: JSON.stringify(entries), count: entries.length }], [[0]], NO_SPECIAL)?.lists[0] ?? null;
}

describe('the WebAssembly merge on GitHub sample data', () => {
  const lists = [{ name: 'all', sections: SECTIONS }, ...SECTIONS.map((s) => ({ name: s, sections: [s] })), { name: 'hooks-web', sections: ['hooks', 'web'] }];
  it('answers (no fallback) and agrees with the reference path on every list', () => {
    const data = JSON.parse(sample) as Record<string, string[]>;
    const fast = mergeSectionsFast(SECTIONS.map((s) => ({ json: JSON.stringify(data[s]), count: data[s]!.length })), lists.map((l) => l.sections.map((s) => SECTIONS.indexOf(s))), NO_SPECIAL);
    expect(fast).not.toBeNull();
    const expected = reference(sample, SECTIONS, lists);
    expect(Object.fromEntries(lists.map((l, i) => [l.name, fast!.lists[i]]))).toEqual(expected);
    expect(allowlistsFromMeta(sample, lists)).toEqual(expected);
    expect(expected.all!.length).toBe(5451);
  });

  it('agrees on 50,000 entries of both families (memory grown well past the first pages)', () => {
    const v4 = Array.from({ length: 40_000 }, (_, i) => `${20 + (i % 80)}.${(i >> 8) & 255}.${i & 255}.0/${24 + (i % 3)}`.replace(/\.(\d+)\.0\/25$/, (_, c) => `.${c}.128/25`));
    const v6 = Array.from({ length: 10_000 }, (_, i) => `2a0a:${(i % 4096).toString(16)}:${i.toString(16)}::/${48 + (i % 17)}`);
    const entries = [...v6.slice(0, 5_000), ...v4, ...v6.slice(5_000)];
    const body = JSON.stringify({ big: entries });
    const lists = [{ name: 'big', sections: ['big'] }];
    const expected = reference(body, ['big'], lists);
    expect(fastOne(entries)).toEqual(expected.big);
    expect(allowlistsFromMeta(body, lists)).toEqual(expected);
    expect(expected.big!.length).toBeGreaterThan(1000);
  });
});

describe('the WebAssembly reader takes exactly the plain forms, and nothing else', () => {
  const cases: [unknown[], string[] | null][] = [
    [['1.2.3.0/24'], ['1.2.3.0/24']],
    [['1.2.3.4'], ['1.2.3.4/32']],
    [['255.255.255.255/32', '0.0.0.0/1'], ['0.0.0.0/1', '255.255.255.255/32']],
    [['01.2.3.0/24'], null],
    [['1.2.3.0/024'], null],
    [['1.2.3.0/33'], null],
    [['1.2.3.4/24'], null],
    [['0.0.0.0/0'], null],
    [['256.1.1.0/24'], null],
    [['1.2.3'], null],
    [['1.2.3.0/24 '], null],
    [[' 1.2.3.0/24'], null],
    [['1.2.3.0/'], null],
    [['1.2.3.0/24/24'], null],
    [['2a0a:a440::/29'], ['2a0a:a440::/29']],
    [['2A0A:A440:0:0::/29'], ['2a0a:a440::/29']],
    [['2a0a:a440:0:0:0:0:0:0/29'], ['2a0a:a440::/29']],
    [['2a0a:0a40::/32'], ['2a0a:a40::/32']],
    [['::/0'], null],
    [['::/128'], ['::/128']],
    [['::1'], ['::1/128']],
    [['1::'], ['1::/128']],
    [['1:2:3:4:5:6:7::'], ['1:2:3:4:5:6:7:0/128']],
    [['1:0:0:1:0:0:0:1'], ['1:0:0:1::1/128']],
    [['1:0:0:2:0:0:3:4'], ['1::2:0:0:3:4/128']],
    [['0:0:1::/48'], ['0:0:1::/48']],
    [['1::2::3'], null],
    [['12345::/16'], null],
    [['1:2:3:4:5:6:7:8:9'], null],
    [['1:2:3:4:5:6:7'], null],
    [['1:2:3:4:5:6:7:8::'], null],
    [[':1:2:3:4:5:6:7'], null],
    [['1:2:3:4:5:6:7:'], null],
    [['2001:db8:::/32'], null],
    [['::ffff:1.2.3.4'], null],
    [['fe80::/129'], null],
    [['2001:db8::/032'], null],
    [['2a0a:a440::1/29'], null],
    [['2a0a:a440::/'], null],
    [['fe80::1%eth0'], null],
    [[''], null],
    [[42], null],
    [[null], null],
    [[['1.2.3.0/24']], null],
    [[{ cidr: '1.2.3.0/24' }], null],
    [['1.2.3.0/24\n1.2.4.0/24'], null],
    [['1.2.3.0/24"'], null],
    [['1.2.3.0/2\u0134'], null],
    [['2a0a:a440::/2\u0039\u0301'], null],
    [['1.2.3.0/25', '1.2.3.128/25'], ['1.2.3.0/24']],
    [['1.2.3.0/24', '1.2.3.4/32', '1.2.3.0/24'], ['1.2.3.0/24']],
    [['2a0a::/17', '2a0a:8000::/17'], ['2a0a::/16']],
    [['2a0a::/16', '1.2.3.0/24'], ['1.2.3.0/24', '2a0a::/16']],
    [['10.0.0.0/10', '10.64.0.0/10', '10.128.0.0/9'], ['10.0.0.0/8']],
  ];
  it.each(cases)('%j -> %j', (entries, expected) => {
    expect(fastOne(entries)).toEqual(expected);
  });
});

// Entries near the grammar's edges: first units that special ranges start with and ones they do
// not, zero runs written every way (canonical or not), upper case, leading zeros, prefixes past
// the maximum, host bits set or cleared.
const FIRST_OCTETS = [4, 10, 20, 100, 127, 140, 172, 185, 192, 198, 203, 224, 240, 255];
const FIRST_HEXTETS = [0, 0x64, 0x100, 0x2001, 0x2002, 0x2a0a, 0x2606, 0xfc00, 0xfe80, 0xff00];

function clearHostBits(value: bigint, width: number, bits: number): bigint {
  return bits >= width ? value : (value >> BigInt(width - bits)) << BigInt(width - bits);
}

interface V4Shape {
  first: number;
  rest: number[];
  bits: number;
  bare: boolean;
  clear: boolean;
  pad: boolean;
}

function v4Text({ first, rest, bits, bare, clear, pad }: V4Shape): string {
  let octets = [first, ...rest];
  if (clear && bits <= 32 && octets.every((o) => o <= 255)) {
    const value = clearHostBits(octets.reduce((n, o) => (n << 8n) | BigInt(o), 0n), 32, bits);
    octets = [24, 16, 8, 0].map((shift) => Number((value >> BigInt(shift)) & 255n));
  }
  const text = octets.map((o, i) => (pad && i === 3 ? `0${o}` : String(o))).join('.');
  return bare ? text : `${text}/${bits}`;
}

interface V6Shape {
  first: number;
  rest: number[];
  bits: number;
  bare: boolean;
  clear: boolean;
  upper: boolean;
  pad: boolean;
  gapAt: number;
  gapLength: number;
}

function v6Text({ first, rest, bits, bare, clear, upper, pad, gapAt, gapLength }: V6Shape): string {
  let parts = [first, ...rest];
  if (clear && bits <= 128) {
    const value = clearHostBits(parts.reduce((n, p) => (n << 16n) | BigInt(p), 0n), 128, bits);
    parts = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  }
  const groups = parts.map((p) => (pad ? p.toString(16).padStart(4, '0') : p.toString(16)));
  // "::" over any run of zero groups starting at gapAt, canonical or not.
  let length = 0;
  while (length < gapLength && gapAt + length < 8 && parts[gapAt + length] === 0) length++;
  const text = length === 0 ? groups.join(':') : `${groups.slice(0, gapAt).join(':')}::${groups.slice(gapAt + length).join(':')}`;
  const cased = upper ? text.toUpperCase() : text;
  return bare ? cased : `${cased}/${bits}`;
}

const zeroOrAny = (max: number) => fc.oneof(fc.constant(0), fc.constant(0), fc.nat(max));
const v4Shape = (first: fc.Arbitrary<number>, bits: fc.Arbitrary<number>, loose: boolean) =>
  fc.record({ first, rest: fc.array(loose ? fc.oneof(zeroOrAny(255), fc.nat(300)) : zeroOrAny(255), { minLength: 3, maxLength: 3 }), bits, bare: fc.boolean(), clear: loose ? fc.boolean() : fc.constant(true), pad: loose ? fc.boolean() : fc.constant(false) });
const v6Shape = (first: fc.Arbitrary<number>, bits: fc.Arbitrary<number>, loose: boolean) =>
  fc.record({ first, rest: fc.array(zeroOrAny(0xffff), { minLength: 7, maxLength: 7 }), bits, bare: fc.boolean(), clear: loose ? fc.boolean() : fc.constant(true), upper: fc.boolean(), pad: fc.boolean(), gapAt: fc.nat(8), gapLength: fc.nat(8) });

const v4Entry = v4Shape(fc.constantFrom(...FIRST_OCTETS), fc.oneof(fc.integer({ min: 8, max: 32 }), fc.integer({ min: 0, max: 40 })), true).map(v4Text);
const v6Entry = v6Shape(fc.constantFrom(...FIRST_HEXTETS), fc.oneof(fc.integer({ min: 16, max: 128 }), fc.integer({ min: 0, max: 132 })), true).map(v6Text);
// Valid, and no first unit a special range starts with (prefixes keep the first unit whole): the
// fast path must answer for these.
const plainEntry = fc.oneof(
  v4Shape(fc.constantFrom(4, 20, 140, 185), fc.integer({ min: 8, max: 32 }), false).map(v4Text),
  v6Shape(fc.constantFrom(0x2a0a, 0x2606), fc.integer({ min: 16, max: 128 }), false).map(v6Text),
);

const HOSTILE = [' ', '\n', '"', '\\', ';', '{', '%', '/', ':', '.', '0', 'é', '中', '\u0000'];
const hostile = fc.tuple(fc.oneof(v4Entry, v6Entry), fc.constantFrom(...HOSTILE), fc.nat(50)).map(([entry, char, at]) => entry.slice(0, at % (entry.length + 1)) + char + entry.slice(at % (entry.length + 1)));
const anyEntry = fc.oneof({ arbitrary: v4Entry, weight: 5 }, { arbitrary: v6Entry, weight: 5 }, { arbitrary: hostile, weight: 1 }, { arbitrary: fc.constantFrom<unknown>(42, null, ['1.2.3.0/24'], {}, '', '::ffff:1.2.3.4', '1.2.3'), weight: 1 });

function outcome(work: () => unknown): unknown {
  try {
    return { lists: work() };
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

describe('allowlistsFromMeta agrees with validating and merging in JavaScript', () => {
  it('on random sections with refused, special and hostile entries mixed in (1,500 runs)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(anyEntry, { maxLength: 12 }), { minLength: 1, maxLength: 3 }), fc.array(fc.subarray([0, 1, 2], { minLength: 1 }), { minLength: 1, maxLength: 3 }), (sections, picks) => {
        const names = sections.map((_, i) => `s${i}`);
        const lists = picks.map((pick, i) => ({ name: `l${i}`, sections: [...new Set(pick.map((p) => names[p % names.length]!))] }));
        const body = JSON.stringify(Object.fromEntries(sections.map((list, i) => [names[i], list])));
        expect(outcome(() => allowlistsFromMeta(body, lists))).toEqual(outcome(() => reference(body, sectionsOf(lists), lists)));
      }),
      { numRuns: 1500 },
    );
  });

  it('answers for every plainly valid list without the reference path, with the same lists (1,000 runs)', () => {
    fc.assert(
      fc.property(fc.array(plainEntry, { minLength: 1, maxLength: 40 }), (entries) => {
        expect(fastOne(entries)).toEqual(reference(JSON.stringify({ s: entries }), ['s'], [{ name: 'l', sections: ['s'] }]).l);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('without WebAssembly (node --jitless)', () => {
  it('refresh-allowlist takes the JavaScript path and prints the same diff', () => {
    // An install of its own: a run under other V8 flags rewrites the code caches beside the bundle.
    const bin = installInto(mkdtempSync(join(tmpdir(), 'proxygen-jitless-')));
    const dir = tempProject(`preset: pilot\ndomain: pilot.example.com\nallowlists:\n  gh: { source: github-meta, sections: [${SECTIONS.join(', ')}] }\n`);
    expect(cli(['render'], { cwd: dir }).code).toBe(0);
    const file = join(dir, 'deploy/proxy/nginx/allowlists/gh.conf');
    const lines = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, [...lines.slice(0, 4), ...lines.slice(40)].join('\n'));
    const args = ['refresh-allowlist', '--source', new URL('../fixtures/github-meta-sample.json', import.meta.url).pathname, '--dry-run'];
    const usual = cli(args, { cwd: dir });
    const jitless = spawnSync(process.execPath, ['--jitless', bin, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(usual.code).toBe(0);
    expect(usual.stdout).toContain('+allow ');
    expect({ code: jitless.status, stdout: jitless.stdout, stderr: jitless.stderr.replace(/^Warning: disabling flag --expose_wasm due to conflicting flags\n/gm, '') }).toEqual({ code: 0, stdout: usual.stdout, stderr: '' });
  });
});
