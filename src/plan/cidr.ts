import ipaddr from 'ipaddr.js';

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

// Dotted decimal without leading zeros: `010.0.0.0` is octal to some readers and decimal to others.
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const V4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);
const V6 = /^[0-9a-fA-F:]*(?::[0-9.]+)?$/;
const PREFIX = /^(?:0|[1-9][0-9]{0,2})$/;

const width = (v6: boolean) => (v6 ? 128 : 32);

/** An address's value, or null when it is not written strictly. */
function parseAddress(text: string): { v6: boolean; value: bigint } | null {
  const v4 = V4.exec(text);
  if (v4) return { v6: false, value: BigInt(((+v4[1]! * 256 + +v4[2]!) * 256 + +v4[3]!) * 256 + +v4[4]!) };
  if (!text.includes(':') || !V6.test(text)) return null;
  const tail = text.slice(text.lastIndexOf(':') + 1);
  if (tail.includes('.') && !V4.test(tail)) return null;
  let parts: number[];
  try {
    parts = ipaddr.IPv6.parse(text).parts;
  } catch {
    return null;
  }
  return { v6: true, value: parts.reduce((value, part) => (value << 16n) | BigInt(part), 0n) };
}

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

/** RFC 5952 text: lowercase, no leading zeros, the longest run of two or more zero groups as `::`. */
function v6Text(value: bigint): string {
  const groups = (value.toString(16).padStart(32, '0').match(/.{4}/g) ?? []).map((group) => group.replace(/^0{1,3}/, ''));
  let best = { at: -1, length: 1 };
  for (let at = 0; at < 8; ) {
    let length = 0;
    while (groups[at + length] === '0') length++;
    if (length > best.length) best = { at, length };
    at += length || 1;
  }
  if (best.at < 0) return groups.join(':');
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.length).join(':')}`;
}

function addressText(v6: boolean, value: bigint): string {
  if (v6) return v6Text(value);
  const n = Number(value);
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
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
let special: (Network & { name: string })[] | undefined;

/** ipaddr.js' named ranges (private, loopback, reserved, ...), in its own order of matching. */
function specialRanges() {
  const table = (kind: typeof ipaddr.IPv4 | typeof ipaddr.IPv6) => (kind.prototype as unknown as { SpecialRanges: RangeTable }).SpecialRanges;
  special ??= [table(ipaddr.IPv4), table(ipaddr.IPv6)].flatMap((ranges) =>
    Object.entries(ranges).flatMap(([name, value]) =>
      (Array.isArray(value[0]) ? (value as [Address, number][]) : [value as [Address, number]]).map(([address, bits]) => {
        const network = parseCidr(`${address.toString()}/${bits}`);
        return { name, ...network };
      }),
    ),
  );
  return special;
}

/**
 * The name of a non-public range the network touches (`private`, `loopback`, ...), or null when
 * every address in it is public unicast: `64.0.0.0/2` starts public but holds 127.0.0.0/8.
 * For one address this is ipaddr.js' own range().
 */
export function nonPublicRange(network: Network): string | null {
  const { v6, start, end } = network;
  return specialRanges().find((range) => range.v6 === v6 && range.start <= end && start <= range.end)?.name ?? null;
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
  const byStart = (a: Network, b: Network) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0);
  const all = [...networks];
  const out: string[] = [];
  for (const v6 of [false, true]) {
    let run: { start: bigint; end: bigint } | undefined;
    const flush = () => {
      if (run) for (const block of blocks(v6, run.start, run.end)) out.push(cidrText(block));
    };
    for (const { start, end } of all.filter((network) => network.v6 === v6).sort(byStart)) {
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
