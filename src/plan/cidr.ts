import ipaddr from 'ipaddr.js';
import { addressText, parseAddress } from './ip-text.js';

// The one CIDR grammar and the one merge: config values, GitHub's meta entries, state files and
// allowlist files all go through parseCidr, and every list through mergeCidrs.

// Addresses a tunnel's traffic arrives from: the local agent, or a container bridge.
export const TUNNEL_SOURCES = ['127.0.0.1', '::1', '172.17.0.1', '172.18.0.1'];

export interface Network {
  v6: boolean;
  /** First address, host bits clear. */
  start: bigint;
  /** Last address. */
  end: bigint;
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

const SYNTAX = 'expected an IPv4 or IPv6 CIDR such as 10.0.0.0/8 (no zone ids, no spaces, no leading zeros)';

/** A CIDR or a bare address, strictly: no leading zeros, no zone ids, no /0, no host bits. */
export function parseCidr(text: string): Network {
  const slash = text.indexOf('/');
  const address = parseAddress(slash < 0 ? text : text.slice(0, slash));
  if (!address) throw new CidrError('syntax', SYNTAX);
  const { v6, value } = address;
  const prefix = slash < 0 ? String(width(v6)) : text.slice(slash + 1);
  const bits = Number(prefix);
  if (!PREFIX.test(prefix)) throw new CidrError('syntax', SYNTAX);
  if (bits > width(v6)) throw new CidrError('prefix', `the prefix length must be 1 to ${width(v6)}`);
  if (bits === 0) throw new CidrError('everyone', 'a /0 range allows everyone');
  const host = BigInt(width(v6) - bits);
  const start = (value >> host) << host;
  const network = { v6, start, end: start + (1n << host) - 1n, bits };
  if (network.start !== value) throw new CidrError('host-bits', `host bits are set; did you mean ${cidrText(network)}?`);
  return network;
}

export function cidrText({ v6, start, bits }: Network): string {
  return `${addressText(v6, start)}/${bits}`;
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
  const { v6, start, end } = network;
  return specialRanges()[v6 ? 'v6' : 'v4'].find((range) => range.start <= end && start <= range.end)?.name ?? null;
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

const bitLength = (value: bigint): number => (value === 0n ? 0 : value.toString(2).length);

/** Largest aligned blocks covering start..end. */
function* blocks(v6: boolean, start: bigint, end: bigint): Generator<Network> {
  while (start <= end) {
    const aligned = start === 0n ? width(v6) : bitLength(start & -start) - 1;
    const host = Math.min(aligned, bitLength(end - start + 1n) - 1);
    const size = 1n << BigInt(host);
    yield { v6, start, end: start + size - 1n, bits: width(v6) - host };
    start += size;
  }
}

/** Like Python's ipaddress.collapse_addresses per family: IPv4 first, then IPv6, ascending. */
export function mergeNetworks(networks: Iterable<Network>): string[] {
  const all = [...networks];
  const out: string[] = [];
  for (const v6 of [false, true]) {
    let run: { start: bigint; end: bigint } | undefined;
    const flush = () => {
      if (run) for (const block of blocks(v6, run.start, run.end)) out.push(cidrText(block));
    };
    // Sorted by a key compared natively (a number, or fixed-width hex text): thousands of BigInt
    // comparisons in a sort cost more than the rest of the merge.
    const keyed = all.filter((network) => network.v6 === v6).map((network) => ({ key: v6 ? network.start.toString(16).padStart(32, '0') : Number(network.start), network }));
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const { start, end } of keyed.map(({ network }) => network)) {
      if (run && start <= run.end + 1n) {
        if (end > run.end) run.end = end;
        continue;
      }
      flush();
      run = { start, end };
    }
    flush();
  }
  return out;
}

/** mergeNetworks for text entries (each as parseCidr reads it). */
export function mergeCidrs(cidrs: Iterable<string>): string[] {
  return mergeNetworks(Array.from(cidrs, parseCidr));
}
