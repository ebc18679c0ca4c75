import ipaddr from 'ipaddr.js';
import { cidrText, hasHostBits, parseCidrFast, v6GroupsText } from './ip-fast.js';

// Merging runs on every refresh over thousands of ranges, so it avoids ipaddr.js' general parser
// on the hot path: IPv4 as plain numbers, IPv6 as four 32-bit words. Inputs were validated before.

// Addresses a tunnel's traffic arrives from: the local agent, or a container bridge.
export const TUNNEL_SOURCES = ['127.0.0.1', '::1', '172.17.0.1', '172.18.0.1'];

/** Whether `cidr` holds `address` (an IPv4-mapped IPv6 address counts as IPv4). */
export function cidrContains(cidr: string, address: string): boolean {
  try {
    const [range, bits] = ipaddr.parseCIDR(cidr);
    const addr = ipaddr.process(address);
    return addr.kind() === range.kind() && addr.match(range, bits);
  } catch {
    return false;
  }
}

interface Range<T> {
  start: T;
  end: T;
  /** The one input entry this range still is, when written canonically: printed as it came. */
  text?: string;
}

/** `10.0.0.0/8` or a bare address, to its canonical text (`/32` or `/128` added). */
export function canonicalCidr(text: string): string {
  const fast = parseCidrFast(text);
  if (fast) return cidrText(fast, fast.bits < 0 ? (fast.v6 ? 128 : 32) : fast.bits);
  const [addr, bits] = text.includes('/') ? ipaddr.parseCIDR(text) : [ipaddr.parse(text), -1];
  const len = bits < 0 ? (addr.kind() === 'ipv4' ? 32 : 128) : bits;
  return `${addr.toString()}/${len}`;
}

function splitCidr(text: string, full: number): [string, number] {
  const slash = text.indexOf('/');
  return slash < 0 ? [text, full] : [text.slice(0, slash), Number(text.slice(slash + 1))];
}

// ---- IPv4: numbers up to 2^32 are exact in a double.
/** `a.b.c.d/n` packed as start * 64 + n: one number, so thousands sort natively without objects. */
function v4Key(text: string): number {
  let value = 0;
  let octet = 0;
  let i = 0;
  for (; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) (value = value * 256 + octet), (octet = 0);
    else if (code === 47) break;
    else octet = octet * 10 + (code - 48);
  }
  value = value * 256 + octet;
  const bits = i < text.length ? Number(text.slice(i + 1)) : 32;
  const size = 2 ** (32 - bits);
  return (value - (value % size)) * 64 + bits;
}

function v4Ranges(keys: Float64Array): Range<number>[] {
  keys.sort();
  const joined: Range<number>[] = [];
  let last: Range<number> | undefined;
  for (const key of keys) {
    const bits = key % 64;
    const start = (key - bits) / 64;
    const end = start + 2 ** (32 - bits) - 1;
    if (last && start <= last.end + 1) {
      if (end > last.end) last.end = end;
    } else joined.push((last = { start, end }));
  }
  return joined;
}

const v4Text = (n: number) => `${Math.floor(n / 16777216)}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;

/** Largest aligned blocks first; block size from the alignment of start and what is left. */
function v4Split({ start, end }: Range<number>, out: string[]): void {
  while (start <= end) {
    const aligned = start === 0 ? 32 : 31 - Math.clz32((start & -start) >>> 0);
    const left = end - start + 1;
    const fits = left >= 2 ** 32 ? 32 : 31 - Math.clz32(left);
    const hostBits = Math.min(aligned, fits);
    out.push(`${v4Text(start)}/${32 - hostBits}`);
    start += 2 ** hostBits;
  }
}

// ---- IPv6: four 32-bit words, most significant first, each exact in a double. (BigInt was
// about ten times slower on a cold start, where refresh spends its life.)
type Words = [number, number, number, number];

/** The bits below a prefix of `bits` that fall in word `i`, as a uint32 mask. */
function hostMask(bits: number, i: number): number {
  const keep = Math.min(32, Math.max(0, bits - 32 * i));
  return keep === 32 ? 0 : 0xffffffff >>> keep;
}

function compareWords(a: Words, b: Words): number {
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

/** Whether `b` is the address right after `a`. */
function follows(a: Words, b: Words): boolean {
  let carry = 1;
  for (let i = 3; i >= 0; i--) {
    const sum = a[i]! + carry;
    carry = sum > 0xffffffff ? 1 : 0;
    if ((sum >>> 0) !== b[i]) return false;
  }
  return carry === 0;
}

function v6Range(text: string): Range<Words> {
  const fast = parseCidrFast(text);
  const bits = fast ? (fast.bits < 0 ? 128 : fast.bits) : splitCidr(text, 128)[1];
  const parts = fast?.parts ?? ipaddr.IPv6.parse(splitCidr(text, 128)[0]).parts;
  const start: Words = [0, 0, 0, 0];
  const end: Words = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    const mask = hostMask(bits, i);
    start[i] = ((parts[2 * i]! * 65536 + parts[2 * i + 1]!) & ~mask) >>> 0;
    end[i] = (start[i]! | mask) >>> 0;
  }
  const canonical = fast && fast.bits >= 0 && !hasHostBits(fast, bits);
  return canonical ? { start, end, text } : { start, end };
}

function joinV6(ranges: Range<Words>[]): Range<Words>[] {
  ranges.sort((a, b) => compareWords(a.start, b.start));
  const joined: Range<Words>[] = [];
  for (const range of ranges) {
    const last = joined[joined.length - 1];
    if (last && (compareWords(range.start, last.end) <= 0 || follows(last.end, range.start))) {
      if (compareWords(range.end, last.end) > 0) {
        last.end = range.end;
        last.text = undefined;
      }
    } else joined.push({ ...range });
  }
  return joined;
}

function v6Text(words: Words): string {
  const parts: number[] = [];
  for (const w of words) parts.push(Math.floor(w / 65536), w % 65536);
  return v6GroupsText(parts);
}

function trailingZeros(words: Words): number {
  for (let i = 3; i >= 0; i--) {
    const w = words[i]!;
    if (w !== 0) return 32 * (3 - i) + 31 - Math.clz32((w & -w) >>> 0);
  }
  return 128;
}

/** Whether start with its low `hostBits` bits set stays within end. */
function blockFits(start: Words, hostBits: number, end: Words): boolean {
  for (let i = 0; i < 4; i++) {
    const w = (start[i]! | hostMask(128 - hostBits, i)) >>> 0;
    if (w !== end[i]) return w < end[i]!;
  }
  return true;
}

function v6Split({ start, end, text }: Range<Words>, out: string[]): void {
  if (text) {
    out.push(text);
    return;
  }
  let at: Words | null = start;
  while (at && compareWords(at, end) <= 0) {
    // The largest block that fits: blockFits only turns false as hostBits grows, so halve.
    let low = 0;
    let high = trailingZeros(at);
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (blockFits(at, mid, end)) low = mid;
      else high = mid - 1;
    }
    const hostBits = low;
    out.push(`${v6Text(at)}/${128 - hostBits}`);
    at = nextBlock(at, hostBits);
  }
}

/** The address after a block of `hostBits` at `start`, or null past the last address. */
function nextBlock(start: Words, hostBits: number): Words | null {
  if (hostBits === 128) return null;
  const next = [...start] as Words;
  let i = 3 - Math.floor(hostBits / 32);
  let carry = 2 ** (hostBits % 32);
  for (; i >= 0 && carry; i--) {
    const sum = next[i]! + carry;
    next[i] = sum % 2 ** 32;
    carry = sum >= 2 ** 32 ? 1 : 0;
  }
  return carry ? null : next;
}

/**
 * Like Python's ipaddress.collapse_addresses per family: IPv4 first, then IPv6, ascending.
 * Entries come in canonical text (what strictCidr and canonicalCidr return; bare addresses and
 * host bits are handled too): an IPv6 entry that merges with no other is printed as given.
 */
export function mergeCidrs(cidrs: Iterable<string>): string[] {
  const v4: number[] = [];
  const v6: Range<Words>[] = [];
  for (const text of cidrs) {
    if (text.includes(':')) v6.push(v6Range(text));
    else v4.push(v4Key(text));
  }
  const out: string[] = [];
  for (const range of v4Ranges(Float64Array.from(v4))) v4Split(range, out);
  for (const range of joinV6(v6)) v6Split(range, out);
  return out;
}
