import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { strictCidr, validateMeta } from '../src/allowlist/validate.js';
import { canonicalCidr, mergeCidrs, mergeNetworks } from '../src/plan/cidr.js';
import { FIXTURES } from './helpers/project.js';

const sample = JSON.parse(readFileSync(join(FIXTURES, 'github-meta-sample.json'), 'utf8')) as Record<string, string[]>;
// Generated once with Python: ipaddress.collapse_addresses per family, IPv4 first.
const python = JSON.parse(readFileSync(join(FIXTURES, 'github-meta-collapsed.python.json'), 'utf8')) as Record<string, string[]>;

describe('CIDR merge', () => {
  it('equals Python collapse_addresses on all 7,440 sample entries', () => {
    const all = Object.values(sample).flat();
    expect(all.length).toBe(7440);
    expect(mergeCidrs(all)).toEqual(python.all);
  });

  it('validated and parsed once (validateMeta, then mergeNetworks) equals Python too', () => {
    const sections = Object.keys(sample);
    const parsed = validateMeta(JSON.stringify(sample), sections);
    expect(mergeNetworks(sections.flatMap((s) => parsed[s]!))).toEqual(python.all);
    expect(mergeNetworks(parsed.hooks!)).toEqual(python.hooks);
  });

  it.each(Object.keys(sample))('equals Python on section %s', (section) => {
    expect(mergeCidrs(sample[section]!)).toEqual(python[section]);
  });

  it.each([
    [['10.0.0.0/28', '10.0.0.16/28'], ['10.0.0.0/27']],
    [['10.0.0.16/28', '10.0.0.0/28'], ['10.0.0.0/27']],
    [['10.0.0.0/28', '10.0.0.32/28'], ['10.0.0.0/28', '10.0.0.32/28']],
    [['10.0.0.16/28', '10.0.0.32/28'], ['10.0.0.16/28', '10.0.0.32/28']],
    [['10.0.0.0/8', '10.1.0.0/16'], ['10.0.0.0/8']],
    [['192.0.2.1', '192.0.2.0/32'], ['192.0.2.0/31']],
    [['2001:db8::/33', '2001:db8:8000::/33'], ['2001:db8::/32']],
    [['2001:db8::/32', '10.0.0.0/8'], ['10.0.0.0/8', '2001:db8::/32']],
    [['::ffff:0:0/96', '0.0.0.0/1'], ['0.0.0.0/1', '::ffff:0:0/96']],
    [['10.0.0.0/24', '10.0.0.0/24'], ['10.0.0.0/24']],
    [['10.0.0.0/32', '10.0.0.1/32', '10.0.0.2/32'], ['10.0.0.0/31', '10.0.0.2/32']],
    [['2001:DB8::/32'], ['2001:db8::/32']],
    [['2001:0db8::/32'], ['2001:db8::/32']],
    [['2001:db8:0:0:0:0:0:0/32'], ['2001:db8::/32']],
    [['2001:db8::1:0:0:0/80'], ['2001:db8:0:0:1::/80']],
    [['2001:db8::1'], ['2001:db8::1/128']],
  ])('%j -> %j', (input, expected) => expect(mergeCidrs(input)).toEqual(expected));

  it.each([
    ['192.0.2.7', '192.0.2.7/32'],
    ['2001:DB8:0:0::1', '2001:db8::1/128'],
    ['2001:db8::/32', '2001:db8::/32'],
  ])('canonical %s -> %s', (input, expected) => expect(canonicalCidr(input)).toBe(expected));
});

describe('the bundled snapshot', () => {
  it('holds canonical entries only', () => {
    const snapshot = JSON.parse(readFileSync(join(FIXTURES, 'github-meta-snapshot.json'), 'utf8')) as { sections: Record<string, string[]> };
    const entries = Object.values(snapshot.sections).flat();
    expect(entries.length).toBeGreaterThan(1000);
    expect(entries.filter((entry) => strictCidr(entry) !== entry)).toEqual([]);
  });

});

describe('strictCidr: only public unicast ranges', () => {
  it.each([
    ['4.0.0.0/8', null],
    ['192.30.252.0/22', null],
    ['2a0a:a440::/29', null],
    ['10.0.0.0/8', 'private'],
    ['100.64.0.0/10', 'carrierGradeNat'],
    ['224.0.0.0/4', 'multicast'],
    ['192.0.2.0/24', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['fe80::/10', 'linkLocal'],
    ['fc00::/7', 'uniqueLocal'],
    ['ff02::/16', 'multicast'],
    ['2001:db8::/32', 'reserved'],
    ['::1', 'loopback'],
  ])('%s -> %s', (entry, range) => {
    if (range === null) expect(strictCidr(entry)).toBe(canonicalCidr(entry));
    else expect(() => strictCidr(entry)).toThrow(`is not a public unicast range (${range})`);
  });

  it('agrees with ipaddr.js range() on random addresses of both families', () => {
    const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
    const v6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).map((parts) => parts.map((p) => p.toString(16)).join(':'));
    fc.assert(
      fc.property(fc.oneof(v4, v6, fc.constantFrom('fe80::1', '2001:db8::1', '100::', '2002::1', '64:ff9b::1')), (address) => {
        const usable = ['unicast', 'global'].includes(ipaddr.parse(address).range());
        let accepted = true;
        try {
          strictCidr(address);
        } catch {
          accepted = false;
        }
        expect(accepted).toBe(usable);
      }),
      { numRuns: 3000 },
    );
  });
});

/** A plain BigInt reference: union of ranges, split greedily into aligned blocks. */
function referenceMerge(cidrs: string[], width: 32 | 128): string[] {
  const ranges = cidrs
    .map((c) => {
      const [addr, bits] = ipaddr.parseCIDR(c);
      const value = addr.toByteArray().reduce((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
      const size = 1n << BigInt(width - bits);
      const start = (value / size) * size;
      return [start, start + size - 1n] as [bigint, bigint];
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const joined: [bigint, bigint][] = [];
  for (const [start, end] of ranges) {
    const last = joined[joined.length - 1];
    if (last && start <= last[1] + 1n) last[1] = end > last[1] ? end : last[1];
    else joined.push([start, end]);
  }
  const out: string[] = [];
  for (let [start, end] of joined) {
    while (start <= end) {
      let host = 0;
      while (host < width && start % (1n << BigInt(host + 1)) === 0n && start + (1n << BigInt(host + 1)) - 1n <= end) host++;
      const bytes = Array.from({ length: width / 8 }, (_, i) => Number((start >> BigInt(width - 8 * (i + 1))) & 255n));
      out.push(`${ipaddr.fromByteArray(bytes).toString()}/${width - host}`);
      start += 1n << BigInt(host);
    }
  }
  return out;
}

describe('CIDR merge agrees with a BigInt reference on random clustered sets', () => {
  it('IPv6 (1,000 runs)', () => {
    const entry = fc.tuple(fc.nat(255), fc.integer({ min: 120, max: 128 })).map(([low, bits]) => canonicalCidr(`2001:db8::${((low >> (128 - bits)) << (128 - bits)).toString(16)}/${bits}`));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (cidrs) => {
        expect(mergeCidrs(cidrs)).toEqual(referenceMerge(cidrs, 128));
      }),
      { numRuns: 1000 },
    );
  });

  it('IPv6 across 32-bit word boundaries (1,000 runs)', () => {
    const word = fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff);
    const entry = fc.tuple(fc.array(word, { minLength: 4, maxLength: 4 }), fc.integer({ min: 28, max: 100 })).map(([words, bits]) => {
      const value = words.reduce((acc, w) => (acc << 32n) | BigInt(w), 0n) & ~((1n << BigInt(128 - bits)) - 1n);
      const bytes = Array.from({ length: 16 }, (_, i) => Number((value >> BigInt(120 - 8 * i)) & 255n));
      return `${ipaddr.fromByteArray(bytes).toString()}/${bits}`;
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), (cidrs) => {
        expect(mergeCidrs(cidrs)).toEqual(referenceMerge(cidrs, 128));
      }),
      { numRuns: 1000, seed: 18 },
    );
  });

  it('IPv4 (1,000 runs)', () => {
    const entry = fc.tuple(fc.nat(255), fc.integer({ min: 24, max: 32 })).map(([low, bits]) => `10.0.0.${(low >> (32 - bits)) << (32 - bits)}/${bits}`);
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 40 }), (cidrs) => {
        expect(mergeCidrs(cidrs)).toEqual(referenceMerge(cidrs, 32));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('validated once, merged from the parsed entries (what refresh-allowlist does)', () => {
  it('agrees with the BigInt reference, entries of both families split over two sections (1,000 runs)', () => {
    const v4 = fc.tuple(fc.nat(255), fc.integer({ min: 24, max: 32 }), fc.boolean()).map(([low, bits, bare]) => {
      const address = `20.0.0.${(low >> (32 - bits)) << (32 - bits)}`;
      return bare && bits === 32 ? address : `${address}/${bits}`;
    });
    const v6 = fc.tuple(fc.nat(255), fc.integer({ min: 120, max: 128 })).map(([low, bits]) => `2a0a:a440::${((low >> (128 - bits)) << (128 - bits)).toString(16)}/${bits}`);
    fc.assert(
      fc.property(fc.array(fc.oneof(v4, v6), { maxLength: 40 }), fc.nat(40), (entries, cut) => {
        const meta = { one: entries.slice(0, cut), two: entries.slice(cut) };
        fc.pre(meta.one.length > 0 && meta.two.length > 0);
        const parsed = validateMeta(JSON.stringify(meta), ['one', 'two']);
        const withSlash = (cidr: string) => (cidr.includes('/') ? cidr : `${cidr}/32`);
        const family = (v6family: boolean) => entries.filter((e) => e.includes(':') === v6family).map(withSlash);
        expect(mergeNetworks([...parsed.one!, ...parsed.two!])).toEqual([...referenceMerge(family(false), 32), ...referenceMerge(family(true), 128)]);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('validateMeta refuses exactly what a plain loop over strictCidr would, with its message', () => {
  const good = fc.oneof(
    fc.tuple(fc.nat(255), fc.integer({ min: 24, max: 32 }), fc.boolean()).map(([low, bits, bare]) => (bare && bits === 32 ? `20.0.0.${low}` : `20.0.0.${(low >> (32 - bits)) << (32 - bits)}/${bits}`)),
    fc.constantFrom('192.30.252.0/22', '2a0a:a440::/29', '2606:50c0:8000::/48', '185.199.108.0/22'),
  );
  const bad = fc.constantFrom('10.0.0.0/8', '1.2.3.4/33', '01.2.3.4/8', '20.0.0.5/24', '0.0.0.0/0', '192.0.2.0/24', 'x', '20.0.0.0/24\n20.0.1.0/24', '20.0.0.0/24 ', '2001:db8::/32', '2a0a:a440::1/29', 42, null);

  it('on random lists with refused entries mixed in (1,000 runs)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: bad, weight: 1 }), { minLength: 1, maxLength: 30 }), (list) => {
        let expected: string | null = null;
        for (const entry of list) {
          try {
            strictCidr(entry);
          } catch (error) {
            expected = `section "s": ${(error as Error).message}`;
            break;
          }
        }
        const body = JSON.stringify({ s: list });
        if (expected === null) expect(() => validateMeta(body, ['s'])).not.toThrow();
        else expect(() => validateMeta(body, ['s'])).toThrow(expected);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('IPv6 text is what ipaddr.js prints (RFC 5952)', () => {
  it('on random addresses with runs of zero groups (2,000 runs)', () => {
    const group = fc.oneof(fc.constant(0), fc.constant(0), fc.nat(0xffff));
    fc.assert(
      fc.property(fc.array(group, { minLength: 8, maxLength: 8 }), (parts) => {
        const address = new ipaddr.IPv6(parts).toString();
        expect(canonicalCidr(address)).toBe(`${address}/128`);
        expect(canonicalCidr(parts.map((p) => p.toString(16)).join(':'))).toBe(`${address}/128`);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('IPv6 text the parser refuses', () => {
  it.each([':::', '1::2::3', '12345::', 'g::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '::ffff:1.2.3', '::ffff:01.2.3.4', ':1::', '1::2:', 'fe80::1%eth0', '::1.2.3.4.5', '1.2.3.4::'])('%s', (text) => {
    expect(() => canonicalCidr(text)).toThrow(/expected an IPv4 or IPv6 CIDR/);
  });
  it.each([
    ['::', '::/128'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0/128'],
    ['::ffff:192.0.2.1', '::ffff:c000:201/128'],
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221/128'],
    ['1:0:0:1:0:0:0:1', '1:0:0:1::1/128'],
  ])('%s reads as %s', (text, canonical) => expect(canonicalCidr(text)).toBe(canonical));
});
