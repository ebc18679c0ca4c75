// A strict parser for the two address forms that make up nearly every list (dotted IPv4 and
// plain hex IPv6), so thousands of entries do not each pay for ipaddr.js' general regex parser.
// Anything outside these forms returns null and the caller falls back to ipaddr.js.

export interface FastCidr {
  v6: boolean;
  /** 4 octets or 8 hextets. */
  parts: number[];
  /** Prefix length, or -1 for a bare address. */
  bits: number;
  /** Whether the address is written canonically (RFC 5952 for IPv6; the IPv4 grammar allows nothing else). */
  canonical: boolean;
}

// Regular expressions for the grammar, and split() and parseInt() for the numbers: refresh
// parses thousands of entries in a process that lives a fraction of a second, before any of our
// own code is optimised, while V8 runs regular expressions and built-ins as native code from the
// first call (the character loops these replaced took about 1.4 times the instructions).

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const V4_CIDR = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}(?:/(3[0-2]|[12]?[0-9]))?$`);
// Hex groups with "::" at most once; how many groups there are is checked after the split.
const HEX = '[0-9a-fA-F]{1,4}';
const V6_CIDR = new RegExp(`^((?:${HEX}(?::${HEX})*)?(?:::(?:${HEX}(?::${HEX})*)?)?)(?:/(12[0-8]|1[01][0-9]|[1-9]?[0-9]))?$`);
const NOT_RFC5952 = /[A-F]|(?:^|:)0[0-9a-fA-F]/;

/**
 * Strict dotted IPv4 with an optional prefix as one number, address * 64 + prefix length (32
 * for a bare address), or -1 for anything else.
 */
export function packedV4(text: string): number {
  const m = V4_CIDR.exec(text);
  if (m === null) return -1;
  return (((+m[1]! * 256 + +m[2]!) * 256 + +m[3]!) * 256 + +m[4]!) * 64 + (m[5] === undefined ? 32 : +m[5]);
}

/** 2 ** n for n in 0..32: a table lookup, where `**` calls into C on every use in the interpreter. */
export const POW2: readonly number[] = Array.from({ length: 33 }, (_, n) => 2 ** n);

/** The four octets of a 32-bit address. */
export function v4Octets(value: number): number[] {
  return [Math.floor(value / 16777216), Math.floor(value / 65536) % 256, Math.floor(value / 256) % 256, value % 256];
}

/** Plain hex IPv6 (with an optional prefix) as four 32-bit words, most significant first. */
export interface FastV6 {
  words: number[];
  /** Prefix length, or -1 for a bare address. */
  bits: number;
  /** Whether the text is RFC 5952 already: lowercase, no leading zeros, "::" where it belongs. */
  canonical: boolean;
}

/**
 * One pass over the groups: the words, and the zero runs RFC 5952 looks at. Locals rather than
 * arrays of hextets, and indexed loops (the interpreter pays for each property read and for the
 * iterator protocol of for-of, per group of thousands of entries).
 */
export function parseV6Fast(text: string): FastV6 | null {
  const m = V6_CIDR.exec(text);
  if (m === null) return null;
  const addr = m[1]!;
  const groups = addr.split(':');
  const count = groups.length;
  const gap = addr.indexOf('::');
  // Where "::" stands, split() leaves one empty string, two at either end ("::1", "1::"), three for "::".
  const written = gap < 0 ? count : count - (addr.length === 2 ? 3 : gap === 0 || gap === addr.length - 2 ? 2 : 1);
  if (gap < 0 ? count !== 8 : written > 7) return null;
  const missing = 8 - written;
  const words = [0, 0, 0, 0];
  let at = 0;
  let run = 0;
  let best = 1;
  let bestAt = -1;
  let gapAt = -1;
  for (let i = 0; i < count; i++) {
    const group = groups[i]!;
    if (group === '') {
      if (gapAt >= 0) continue;
      gapAt = at;
      run += missing;
      if (run > best) (best = run), (bestAt = at + missing - run);
      at += missing;
      continue;
    }
    const value = parseInt(group, 16);
    if (value !== 0) run = 0;
    else if (++run > best) (best = run), (bestAt = at + 1 - run);
    if (at & 1) words[at >> 1]! += value;
    else words[at >> 1] = value * 65536;
    at++;
  }
  // "::" must stand for exactly the first longest run of two or more zero groups, and only then.
  const canonical = !NOT_RFC5952.test(addr) && (gap < 0 ? bestAt < 0 : bestAt === gapAt && best === missing);
  return { words, bits: m[2] === undefined ? -1 : +m[2], canonical };
}

/** The 8 hextets of four 32-bit words. */
export function hextetsOf(words: number[]): number[] {
  const parts: number[] = [];
  for (let i = 0; i < 4; i++) parts.push(Math.floor(words[i]! / 65536), words[i]! % 65536);
  return parts;
}

/** The bits below a prefix of `bits` that fall in word `i`, as a uint32 mask. */
export function hostMask(bits: number, i: number): number {
  const keep = bits - 32 * i;
  return keep >= 32 ? 0 : keep <= 0 ? 0xffffffff : 0xffffffff >>> keep;
}

/**
 * Whether a plain dotted IPv4 or hex IPv6 CIDR (or bare address) is a usable network: prefix
 * above 0 and no host bits set. False for everything else, including forms outside the fast
 * grammar, which the caller then reads with ipaddr.js.
 */
export function isPlainNetwork(text: string): boolean {
  if (text.indexOf(':') < 0) {
    const packed = packedV4(text);
    if (packed < 0) return false;
    const bits = packed % 64;
    return bits > 0 && ((packed - bits) / 64) % POW2[32 - bits]! === 0;
  }
  const v6 = parseV6Fast(text);
  if (v6 === null) return false;
  const len = v6.bits < 0 ? 128 : v6.bits;
  return len > 0 && !wordsHaveHostBits(v6.words, len);
}

/** Whether any bit beyond `len` is set in four 32-bit words. */
export function wordsHaveHostBits(words: number[], len: number): boolean {
  // The word the prefix ends in keeps its top len % 32 bits; every word after it must be zero.
  const at = len >> 5;
  if (at < 4 && (words[at]! & (0xffffffff >>> (len & 31))) !== 0) return true;
  for (let i = at + 1; i < 4; i++) if (words[i] !== 0) return true;
  return false;
}

export function parseCidrFast(text: string): FastCidr | null {
  if (text.indexOf(':') < 0) {
    const packed = packedV4(text);
    if (packed < 0) return null;
    const bits = packed % 64;
    return { v6: false, parts: v4Octets((packed - bits) / 64), bits: text.includes('/') ? bits : -1, canonical: true };
  }
  const v6 = parseV6Fast(text);
  return v6 && { v6: true, parts: hextetsOf(v6.words), bits: v6.bits, canonical: v6.canonical };
}

/** The first longest run of two or more zero hextets, as [start, length], or [-1, 0]. */
function longestZeroRun(parts: number[]): [number, number] {
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && parts[j] === 0) j++;
    if (j - i > bestLength) (best = i), (bestLength = j - i);
    i = j === i ? i + 1 : j;
  }
  return best < 0 ? [-1, 0] : [best, bestLength];
}

/** RFC 5952 text of 8 hextets: lowercase, no leading zeros, the longest run (2+) of zero groups as "::". */
export function v6GroupsText(parts: number[]): string {
  const [best, bestLength] = longestZeroRun(parts);
  let text = '';
  let separate = false;
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      text += '::';
      i += bestLength - 1;
      separate = false;
      continue;
    }
    if (separate) text += ':';
    text += parts[i]!.toString(16);
    separate = true;
  }
  return text;
}

/** Canonical text: dotted IPv4, RFC 5952 IPv6. */
export function cidrText({ v6, parts }: FastCidr, len: number): string {
  return `${v6 ? v6GroupsText(parts) : parts.join('.')}/${len}`;
}
