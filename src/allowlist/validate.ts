import ipaddr from 'ipaddr.js';
import { addCidr, collapseParsed, v6BlockOf, type ParsedCidrs } from '../plan/cidr.js';
import { mergeSectionsFast } from '../plan/cidr-wasm.js';
import { hextetsOf, packedV4, parseV6Fast, POW2, v4Octets, v6GroupsText, wordsHaveHostBits } from '../plan/ip-fast.js';

/** Why a meta response was refused: one line for the operator. */
export class MetaRejected extends Error {}

const USABLE_RANGES = new Set(['unicast', 'global']);

type SpecialRanges = Record<string, [{ octets?: number[]; parts?: number[] }, number] | [{ octets?: number[]; parts?: number[] }, number][]>;

/**
 * The first octet (IPv4) or hextet (IPv6) of every range ipaddr.js gives a special name, read
 * from its own table: an address outside them is plain unicast, so most of thousands of entries
 * skip walking that table one by one.
 */
function leadingUnits(ranges: SpecialRanges, unitBits: number): Set<number> {
  const units = new Set<number>();
  for (const value of Object.values(ranges)) {
    const list = (Array.isArray(value[0]) ? value : [value]) as [{ octets?: number[]; parts?: number[] }, number][];
    for (const [addr, bits] of list) {
      const first = (addr.octets ?? addr.parts)![0]!;
      const span = bits >= unitBits ? 1 : 2 ** (unitBits - bits);
      for (let unit = first; unit < first + span; unit++) units.add(unit);
    }
  }
  return units;
}

let special: { v4: Set<number>; v6: Set<number> } | undefined;

function specialUnits(): { v4: Set<number>; v6: Set<number> } {
  special ??= {
    v4: leadingUnits((ipaddr.IPv4.prototype as unknown as { SpecialRanges: SpecialRanges }).SpecialRanges, 8),
    v6: leadingUnits((ipaddr.IPv6.prototype as unknown as { SpecialRanges: SpecialRanges }).SpecialRanges, 16),
  };
  return special;
}

/** Whether an address starting with this octet (IPv4) or hextet (IPv6) can be special at all. */
function maybeSpecial(v6: boolean, first: number): boolean {
  const units = specialUnits();
  return (v6 ? units.v6 : units.v4).has(first);
}

/** The special range an address falls in, or null for plain unicast. */
function specialRange(v6: boolean, parts: number[]): string | null {
  if (!maybeSpecial(v6, parts[0]!)) return null;
  const range = (v6 ? new ipaddr.IPv6(parts) : new ipaddr.IPv4(parts)).range();
  return USABLE_RANGES.has(range) ? null : range;
}

/** One entry to canonical CIDR text, or a reason it is refused. */
export function strictCidr(entry: unknown): string {
  return checkEntry(entry);
}

/**
 * strictCidr that also adds the entry, parsed, to `into`: validating a response parses every
 * entry once, and the merge starts from those numbers instead of parsing the text again.
 */
function checkEntry(entry: unknown, into?: ParsedCidrs): string {
  if (typeof entry !== 'string') throw new MetaRejected(`entry ${JSON.stringify(entry)} is not a string`);
  // Strict dotted IPv4 (most of every list) is read as one number.
  const packed = packedV4(entry);
  if (packed >= 0) {
    const len = packed % 64;
    const value = (packed - len) / 64;
    if (len === 0) throw new MetaRejected(`entry ${entry} would allow every address`);
    if (value % POW2[32 - len]! !== 0) throw new MetaRejected(`entry ${entry} has host bits set`);
    const range = maybeSpecial(false, (value / 16777216) | 0) ? specialRange(false, v4Octets(value)) : null;
    if (range) throw new MetaRejected(`entry ${entry} is not a public unicast range (${range})`);
    // No leading zeros in the grammar: the entry is its own canonical text.
    const text = entry.includes('/') ? entry : `${entry}/32`;
    if (into) into.v4.push(packed), into.v4Text?.set(packed, text);
    return text;
  }
  // Plain hex IPv6, read straight into the four words the merge works on.
  const v6 = parseV6Fast(entry);
  if (v6) {
    const len = v6.bits < 0 ? 128 : v6.bits;
    if (len === 0) throw new MetaRejected(`entry ${entry} would allow every address`);
    if (wordsHaveHostBits(v6.words, len)) throw new MetaRejected(`entry ${entry} has host bits set`);
    const range = maybeSpecial(true, v6.words[0]! >>> 16) ? specialRange(true, hextetsOf(v6.words)) : null;
    if (range) throw new MetaRejected(`entry ${entry} is not a public unicast range (${range})`);
    const text = v6.canonical && v6.bits >= 0 ? entry : `${v6GroupsText(hextetsOf(v6.words))}/${len}`;
    into?.v6.push(v6BlockOf(v6.words, len, text));
    return text;
  }
  if (!/^[0-9a-fA-F.:]+(\/[0-9]{1,3})?$/.test(entry)) throw new MetaRejected(`entry ${JSON.stringify(entry.slice(0, 60))} is not a CIDR`);
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
  const text = `${addr.toString()}/${len}`;
  if (into) addCidr(text, into);
  return text;
}

function parseBody(body: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    const start = body.trimStart().slice(0, 20).replace(/\s+/g, ' ');
    throw new MetaRejected(`response is not JSON (it starts with ${JSON.stringify(start)})`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new MetaRejected('response is not a JSON object');
  return data as Record<string, unknown>;
}

/**
 * The sections asked for, each present, a non-empty array of canonical unicast CIDRs, returned
 * parsed for collapseParsed. Anything else refuses the whole response: a partial list must
 * never reach a proxy.
 */
export function validateMeta(body: string, sections: string[]): Record<string, ParsedCidrs> {
  return validateSections(parseBody(body), sections);
}

function validateSections(data: Record<string, unknown>, sections: string[]): Record<string, ParsedCidrs> {
  const out: Record<string, ParsedCidrs> = {};
  // One map for every section: a key's canonical text is the same wherever it appears.
  const v4Text = new Map<number, string>();
  for (const section of sections) {
    const list = data[section];
    if (list === undefined) throw new MetaRejected(`section "${section}" is missing`);
    if (!Array.isArray(list)) throw new MetaRejected(`section "${section}" is not a list`);
    if (list.length === 0) throw new MetaRejected(`section "${section}" is empty`);
    const parsed: ParsedCidrs = { v4: [], v6: [], v4Text };
    try {
      for (let i = 0; i < list.length; i++) checkEntry(list[i], parsed);
    } catch (error) {
      throw new MetaRejected(`section "${section}": ${(error as Error).message}`);
    }
    out[section] = parsed;
  }
  return out;
}

export interface ListSections {
  name: string;
  sections: string[];
}

/** Every section the lists name, once, in the order they are validated (and recorded in state). */
export function sectionsOf(lists: ListSections[]): string[] {
  return [...new Set(lists.flatMap((list) => list.sections))].sort();
}

/**
 * Each list's merged CIDRs, every section the lists name validated as validateMeta does. The
 * WebAssembly path answers for plain valid entries; anything else, and every refusal with its
 * message, comes from the reference path.
 */
export function allowlistsFromMeta(body: string, lists: ListSections[]): Record<string, string[]> {
  const sections = sectionsOf(lists);
  const data = parseBody(body);
  const fast = fastLists(data, sections, lists);
  if (fast) return fast;
  const parsed = validateSections(data, sections);
  return Object.fromEntries(lists.map((list) => [list.name, collapseParsed(...list.sections.map((section) => parsed[section]!))]));
}

function fastLists(data: Record<string, unknown>, sections: string[], lists: ListSections[]): Record<string, string[]> | null {
  const entries: unknown[][] = [];
  for (const section of sections) {
    const list = data[section];
    if (!Array.isArray(list) || list.length === 0) return null;
    entries.push(list);
  }
  const input = entries.map((list) => ({ json: JSON.stringify(list), count: list.length }));
  const merged = mergeSectionsFast(input, lists.map((list) => list.sections.map((section) => sections.indexOf(section))), specialUnits());
  if (merged === null) return null;
  // The few entries a special range may hold are judged by the reference check.
  for (let i = 0; i < entries.length; i++) {
    for (const index of merged.flagged[i]!) {
      try {
        checkEntry(entries[i]![index]);
      } catch {
        return null;
      }
    }
  }
  return Object.fromEntries(lists.map((list, i) => [list.name, merged.lists[i]!]));
}
