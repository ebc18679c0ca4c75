import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { cidrText, isPlainNetwork, packedV4, parseCidrFast, parseV6Fast, POW2, wordsHaveHostBits } from '../src/plan/ip-fast.js';

/** What ipaddr.js makes of a CIDR: the reference the fast path must agree with. */
function reference(text: string): { text: string; hostBits: boolean } | null {
  try {
    const [addr, bits] = text.includes('/') ? ipaddr.parseCIDR(text) : [ipaddr.parse(text), -1];
    const len = bits < 0 ? (addr.kind() === 'ipv4' ? 32 : 128) : bits;
    const network = addr.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${addr}/${len}`) : ipaddr.IPv6.networkAddressFromCIDR(`${addr}/${len}`);
    return { text: `${addr.toString()}/${len}`, hostBits: network.toString() !== addr.toString() };
  } catch {
    return null;
  }
}

function fast(text: string): { text: string; hostBits: boolean } | null | 'fallback' {
  const parsed = parseCidrFast(text);
  if (!parsed) return 'fallback';
  const len = parsed.bits < 0 ? (parsed.v6 ? 128 : 32) : parsed.bits;
  // Host bits as validation tests them: IPv6 on the four words, IPv4 on the packed number.
  const packed = packedV4(text);
  const hostBits = parsed.v6 ? wordsHaveHostBits(parseV6Fast(text)!.words, len) : ((packed - (packed % 64)) / 64) % POW2[32 - len]! !== 0;
  return { text: cidrText(parsed, len), hostBits };
}

describe('the fast CIDR parser agrees with ipaddr.js, or steps aside', () => {
  it.each([
    '192.30.252.0/22', '10.0.0.1/8', '1.2.3.4', '0.0.0.0/0', '255.255.255.255/32', '1.2.3.4/33', '01.2.3.4/8', '1.2.3/24', '1.2.3.256/24',
    '2001:db8::/32', '2001:DB8:0:0:0:0:0:1/128', '2001:db8::1/64', '::/0', '::1', '1::', '1:0:0:2:0:0:0:3/128', '0:0:1:0:0:1:0:0/128',
    'fe80::1%eth0', '::ffff:1.2.3.4/128', '1::2::3', '12345::/16', '2a0a:a440::/29', '2606:50c0:8000::/48', '1.2.3.4/08', '::/129',
  ])('%s', (text) => {
    const result = fast(text);
    if (result !== 'fallback') expect(result).toEqual(reference(text));
  });

  it('random IPv4 and IPv6 CIDRs (2,000 runs)', () => {
    const v4 = fc.tuple(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 32 })).map(([o, b]) => `${o.join('.')}/${b}`);
    const v6 = fc.tuple(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 128 }), fc.boolean()).map(([g, b, zeros]) => {
      const groups = zeros ? g.map((x, i) => (i % 3 === 0 ? x : 0)) : g;
      return `${new ipaddr.IPv6(groups).toString()}/${b}`;
    });
    fc.assert(
      fc.property(fc.oneof(v4, v6), (text) => {
        expect(fast(text)).toEqual(reference(text));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('packedV4: strict dotted IPv4 as one number', () => {
  it.each([
    ['1.2.3.4', (0x01020304 * 64) + 32],
    ['10.0.0.0/8', (0x0a000000 * 64) + 8],
    ['255.255.255.255/32', (0xffffffff * 64) + 32],
    ['0.0.0.0/0', 0],
  ])('%s', (text, packed) => expect(packedV4(text)).toBe(packed));

  it.each(['', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.04', '256.1.1.1', '1..2.3', '1.2.3.4/', '1.2.3.4/33', '1.2.3.4/08', '1.2.3.4 ', ' 1.2.3.4', '1.2.3.4/8/8', '::1', '1.2.3.a'])('%j is refused', (text) => expect(packedV4(text)).toBe(-1));

  it('agrees with ipaddr.js on random CIDRs (2,000 runs)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(255), { minLength: 4, maxLength: 4 }), fc.nat(32), (octets, bits) => {
        const text = `${octets.join('.')}/${bits}`;
        const [addr, len] = ipaddr.parseCIDR(text);
        expect(packedV4(text)).toBe((addr as ipaddr.IPv4).octets.reduce((acc, o) => acc * 256 + o, 0) * 64 + len);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the canonical flag: IPv6 text already in RFC 5952 form', () => {
  const variants = (groups: number[]): string[] => {
    const addr = new ipaddr.IPv6(groups);
    return [addr.toString(), addr.toNormalizedString(), groups.map((g) => g.toString(16).padStart(4, '0')).join(':'), addr.toString().toUpperCase()];
  };

  it.each([
    ['2001:db8::1', true], ['2001:db8:0:0:1::', true], ['2001:db8::1:0:0:0', false], ['1:0:0:2::3', true], ['1::2:0:0:3', true], ['1:0:0:2:0:0:0:3', false], ['1:2::0:3:4:5', false], ['1:2:0::3:4:5', false],
    ['::', true], ['::1', true], ['1::', true], ['1:2:3:4:5:6::7', false], ['1:2:3:4:5:6:0:7', true], ['2001:0db8::1', false], ['2001:DB8::1', false],
  ])('%s -> %s', (text, canonical) => expect(parseCidrFast(text)?.canonical).toBe(canonical));

  it('agrees with printing the address (2,000 random addresses, four spellings each)', () => {
    const groups = fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(groups, (parts) => {
        for (const text of variants(parts)) {
          const parsed = parseCidrFast(text);
          if (!parsed) continue;
          expect(parsed.canonical, text).toBe(cidrText(parsed, 128) === `${text}/128`);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('wordsHaveHostBits: the host-bit test on the four words validation reads IPv6 into', () => {
  it('agrees with ipaddr.js on random addresses and prefix lengths (2,000 runs)', () => {
    const groups = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 });
    fc.assert(
      fc.property(groups, fc.integer({ min: 0, max: 128 }), (parts, len) => {
        const text = `${new ipaddr.IPv6(parts).toString()}/${len}`;
        expect(wordsHaveHostBits(parseV6Fast(text)!.words, len), text).toBe(reference(text)!.hostBits);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('isPlainNetwork: a usable network by the fast grammar alone', () => {
  const usable = (text: string) => {
    const ref = reference(text);
    return ref !== null && !ref.hostBits && !ref.text.endsWith('/0');
  };
  it.each([
    ['10.0.0.0/8', true], ['192.0.2.7', true], ['2606:50c0::/32', true], ['::1', true], ['0.0.0.0/0', false], ['::/0', false],
    ['10.0.0.1/8', false], ['2001:db8::1/32', false], ['01.2.3.4/8', false], ['::ffff:1.2.3.4/128', false], ['1.2.3.4/33', false], ['fe80::1%eth0', false],
  ])('%s -> %s', (text, expected) => expect(isPlainNetwork(text)).toBe(expected));

  it('true only where ipaddr.js reads a usable network (2,000 random CIDRs)', () => {
    const v4 = fc.tuple(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 32 })).map(([o, b]) => `${o.join('.')}/${b}`);
    const v6 = fc.tuple(fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 128 })).map(([g, b]) => `${new ipaddr.IPv6(g).toString()}/${b}`);
    const network = fc.tuple(fc.integer({ min: 1, max: 32 }), fc.integer({ min: 0, max: 0xffffffff })).map(([b, x]) => `${ipaddr.IPv4.networkAddressFromCIDR(`${ipaddr.fromByteArray([x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255])}/${b}`)}/${b}`);
    fc.assert(
      fc.property(fc.oneof(v4, v6, network), (text) => {
        expect(isPlainNetwork(text), text).toBe(usable(text));
      }),
      { numRuns: 2000 },
    );
  });
});
