import ipaddr from 'ipaddr.js';
import { cidrText, hasHostBits, parseCidrFast } from '../plan/ip-fast.js';

/** Why a meta response was refused: one line for the operator. */
export class MetaRejected extends Error {}

const USABLE_RANGES = new Set(['unicast', 'global']);

/** One entry to canonical CIDR text, or a reason it is refused. */
export function strictCidr(entry: unknown): string {
  if (typeof entry !== 'string') throw new MetaRejected(`entry ${JSON.stringify(entry)} is not a string`);
  if (!/^[0-9a-fA-F.:]+(\/[0-9]{1,3})?$/.test(entry)) throw new MetaRejected(`entry ${JSON.stringify(entry.slice(0, 60))} is not a CIDR`);
  const fast = parseCidrFast(entry);
  if (fast) {
    const len = fast.bits < 0 ? (fast.v6 ? 128 : 32) : fast.bits;
    if (len === 0) throw new MetaRejected(`entry ${entry} would allow every address`);
    if (hasHostBits(fast, len)) throw new MetaRejected(`entry ${entry} has host bits set`);
    const range = (fast.v6 ? new ipaddr.IPv6(fast.parts) : new ipaddr.IPv4(fast.parts)).range();
    if (!USABLE_RANGES.has(range)) throw new MetaRejected(`entry ${entry} is not a public unicast range (${range})`);
    return cidrText(fast, len);
  }
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  let bits: number;
  try {
    [addr, bits] = entry.includes('/') ? ipaddr.parseCIDR(entry) : [ipaddr.parse(entry), -1];
  } catch {
    throw new MetaRejected(`entry ${JSON.stringify(entry)} is not a valid address`);
  }
  const width = addr.kind() === 'ipv4' ? 32 : 128;
  const len = bits < 0 ? width : bits;
  if (len === 0) throw new MetaRejected(`entry ${entry} would allow every address`);
  const network = addr.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(`${addr}/${len}`) : ipaddr.IPv6.networkAddressFromCIDR(`${addr}/${len}`);
  if (network.toString() !== addr.toString()) throw new MetaRejected(`entry ${entry} has host bits set`);
  if (!USABLE_RANGES.has(addr.range())) throw new MetaRejected(`entry ${entry} is not a public unicast range (${addr.range()})`);
  return `${addr.toString()}/${len}`;
}

/**
 * The sections asked for, each present, a non-empty array of canonical unicast CIDRs. Anything
 * else refuses the whole response: a partial list must never reach a proxy.
 */
export function validateMeta(body: string, sections: string[]): Record<string, string[]> {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    const start = body.trimStart().slice(0, 20).replace(/\s+/g, ' ');
    throw new MetaRejected(`response is not JSON (it starts with ${JSON.stringify(start)})`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new MetaRejected('response is not a JSON object');
  const out: Record<string, string[]> = {};
  for (const section of sections) {
    const list = (data as Record<string, unknown>)[section];
    if (list === undefined) throw new MetaRejected(`section "${section}" is missing`);
    if (!Array.isArray(list)) throw new MetaRejected(`section "${section}" is not a list`);
    if (list.length === 0) throw new MetaRejected(`section "${section}" is empty`);
    out[section] = list.map((entry) => {
      try {
        return strictCidr(entry);
      } catch (error) {
        throw new MetaRejected(`section "${section}": ${(error as Error).message}`);
      }
    });
  }
  return out;
}
