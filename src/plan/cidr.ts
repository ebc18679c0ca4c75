import ipaddr from 'ipaddr.js';
import { cidrText, parseCidrFast, v6GroupsText } from './ip-fast.js';

// Merging runs on every refresh over thousands of ranges, so it avoids ipaddr.js' general parser
// on the hot path: IPv4 as plain numbers, IPv6 as BigInt. Inputs were validated before.

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

function v4Split({ start, end }: Range<number>, out: string[]): void {
  while (start <= end) {
    let hostBits = 0;
    while (hostBits < 32 && start % 2 ** (hostBits + 1) === 0 && start + 2 ** (hostBits + 1) - 1 <= end) hostBits++;
    out.push(`${v4Text(start)}/${32 - hostBits}`);
    start += 2 ** hostBits;
  }
}

// ---- IPv6
function v6Value(addr: string): bigint {
  let text = addr;
  const dotted = text.lastIndexOf('.') > 0 ? text.slice(text.lastIndexOf(':') + 1) : null;
  if (dotted) {
    const n = dotted.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
    text = `${text.slice(0, text.lastIndexOf(':') + 1)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}

function v6Range(text: string): Range<bigint> {
  const [addr, bits] = splitCidr(text, 128);
  const hostBits = BigInt(128 - bits);
  const start = (v6Value(addr) >> hostBits) << hostBits;
  return { start, end: start + (1n << hostBits) - 1n };
}

const v6Text = (value: bigint) => v6GroupsText(Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn)));

const bitLength = (n: bigint) => (n === 0n ? 0 : n.toString(2).length);

function v6Split({ start, end }: Range<bigint>, out: string[]): void {
  while (start <= end) {
    // The block is limited by the alignment of start and by what is left of the range.
    const aligned = start === 0n ? 128 : bitLength(start & -start) - 1;
    const hostBits = Math.min(aligned, bitLength(end - start + 1n) - 1);
    out.push(`${v6Text(start)}/${128 - hostBits}`);
    start += 1n << BigInt(hostBits);
  }
}

function joinRanges<T extends number | bigint>(ranges: Range<T>[], one: T): Range<T>[] {
  ranges.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const joined: Range<T>[] = [];
  for (const range of ranges) {
    const last = joined[joined.length - 1];
    if (last && range.start <= (last.end as number) + (one as number)) {
      if (range.end > last.end) last.end = range.end;
    } else joined.push({ ...range });
  }
  return joined;
}

/** Like Python's ipaddress.collapse_addresses per family: IPv4 first, then IPv6, ascending. */
export function mergeCidrs(cidrs: Iterable<string>): string[] {
  const v4: number[] = [];
  const v6: Range<bigint>[] = [];
  for (const text of cidrs) {
    if (text.includes(':')) v6.push(v6Range(text));
    else v4.push(v4Key(text));
  }
  const out: string[] = [];
  for (const range of v4Ranges(Float64Array.from(v4))) v4Split(range, out);
  for (const range of joinRanges(v6, 1n)) v6Split(range, out);
  return out;
}
