import ipaddr from 'ipaddr.js';
import { addressText, parseAddress } from './ip-text.js';

// The one CIDR grammar and the one merge: config values, GitHub's meta entries, state files and
// allowlist files all go through parseCidr, and every list through mergeCidrs.

// Addresses a tunnel's traffic arrives from: the local agent, or a container bridge.
export const TUNNEL_SOURCES = ['127.0.0.1', '::1', '172.17.0.1', '172.18.0.1'];

export interface Network {
  v6: boolean;
  /** The first address as 32-bit words (one for IPv4, four for IPv6), host bits clear. */
  words: number[];
  bits: number;
}

/** Why a text is not a CIDR; `kind` lets callers word the message for their own input. */
export class CidrError extends Error {
  constructor(
    readonly kind: 'syntax' | 'prefix' | 'everyone' | 'host-bits',
    message: string,
  ) {
    super(message);
  }
}

const PREFIX = /^(?:0|[1-9][0-9]{0,2})$/;

const width = (v6: boolean) => (v6 ? 128 : 32);

/** The mask of a word's first `n` bits (none when n <= 0, all when n >= 32). */
const leading = (n: number) => (n <= 0 ? 0 : n >= 32 ? 0xffffffff : (0xffffffff << (32 - n)) >>> 0);

/** Whether two addresses of one family have the same first `bits` bits. */
function agree(a: number[], b: number[], bits: number): boolean {
  for (let i = 0; i * 32 < bits; i++) if (((a[i]! ^ b[i]!) & leading(bits - 32 * i)) !== 0) return false;
  return true;
}

const SYNTAX = 'expected an IPv4 or IPv6 CIDR such as 10.0.0.0/8 (no zone ids, no spaces, no leading zeros)';

/** A CIDR or a bare address, strictly: no leading zeros, no zone ids, no /0, no host bits. */
export function parseCidr(text: string): Network {
  const slash = text.indexOf('/');
  const address = parseAddress(slash < 0 ? text : text.slice(0, slash));
  if (!address) throw new CidrError('syntax', SYNTAX);
  const { v6, words } = address;
  const prefix = slash < 0 ? String(width(v6)) : text.slice(slash + 1);
  const bits = Number(prefix);
  if (!PREFIX.test(prefix)) throw new CidrError('syntax', SYNTAX);
  if (bits > width(v6)) throw new CidrError('prefix', `the prefix length must be 1 to ${width(v6)}`);
  if (bits === 0) throw new CidrError('everyone', 'a /0 range allows everyone');
  const network = { v6, words: words.map((word, i) => (word & leading(bits - 32 * i)) >>> 0), bits };
  if (!agree(network.words, words, width(v6))) throw new CidrError('host-bits', `host bits are set; did you mean ${cidrText(network)}?`);
  return network;
}

export function cidrText({ v6, words, bits }: Network): string {
  return `${addressText(v6, words)}/${bits}`;
}

/** `10.0.0.0/8` or a bare address, to its canonical text (`/32` or `/128` added). */
export function canonicalCidr(text: string): string {
  return cidrText(parseCidr(text));
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type RangeTable = Record<string, [Address, number] | [Address, number][]>;
let special: Record<'v4' | 'v6', (Network & { name: string })[]> | undefined;

/** ipaddr.js' named ranges (private, loopback, reserved, ...) per family, in its own order of matching. */
function specialRanges(): Record<'v4' | 'v6', (Network & { name: string })[]> {
  const table = (kind: typeof ipaddr.IPv4 | typeof ipaddr.IPv6) => (kind.prototype as unknown as { SpecialRanges: RangeTable }).SpecialRanges;
  const family = (ranges: RangeTable) =>
    Object.entries(ranges).flatMap(([name, value]) =>
      (Array.isArray(value[0]) ? (value as [Address, number][]) : [value as [Address, number]]).map(([address, bits]) => ({ name, ...parseCidr(`${address.toString()}/${bits}`) })),
    );
  special ??= { v4: family(table(ipaddr.IPv4)), v6: family(table(ipaddr.IPv6)) };
  return special;
}

/**
 * The name of a non-public range the network touches (`private`, `loopback`, ...), or null when
 * every address in it is public unicast: `64.0.0.0/2` starts public but holds 127.0.0.0/8.
 * For one address this is ipaddr.js' own range().
 */
export function nonPublicRange(network: Network): string | null {
  return specialRanges()[network.v6 ? 'v6' : 'v4'].find((range) => agree(range.words, network.words, Math.min(range.bits, network.bits)))?.name ?? null;
}

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

/** Same family, by first address, then the wider network first. */
function compare(a: Network, b: Network): number {
  for (let i = 0; i < a.words.length; i++) if (a.words[i] !== b.words[i]) return a.words[i]! - b.words[i]!;
  return a.bits - b.bits;
}

/**
 * Aligned networks sorted by compare, collapsed: a network inside the one before it goes, and two
 * halves of one network become that network, as often as they appear (a tiling of an aligned block
 * always holds two adjacent halves, so what is left has no block to merge).
 */
function collapse(sorted: Network[]): Network[] {
  const out: Network[] = [];
  for (const network of sorted) {
    const last = out[out.length - 1];
    if (last && last.bits <= network.bits && agree(last.words, network.words, last.bits)) continue;
    let merged = network;
    for (let low = out[out.length - 1]; low && low.bits === merged.bits && agree(low.words, merged.words, low.bits - 1); low = out[out.length - 1]) {
      out.pop();
      merged = { ...low, bits: low.bits - 1 };
    }
    out.push(merged);
  }
  return out;
}

/** Like Python's ipaddress.collapse_addresses per family: IPv4 first, then IPv6, ascending. */
export function mergeNetworks(networks: Iterable<Network>): string[] {
  const all = [...networks];
  return [false, true].flatMap((v6) => collapse(all.filter((network) => network.v6 === v6).sort(compare)).map(cidrText));
}

/** mergeNetworks for text entries (each as parseCidr reads it). */
export function mergeCidrs(cidrs: Iterable<string>): string[] {
  return mergeNetworks(Array.from(cidrs, parseCidr));
}
