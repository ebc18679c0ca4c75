import { CidrError, cidrText, mergeNetworks, nonPublicRange, parseCidr, type Network } from '../plan/cidr.js';

/** Why a meta response (or an allowlist file) was refused: one line for the operator. */
export class MetaRejected extends Error {}

const ENTRY_MESSAGES: Record<CidrError['kind'], (entry: string) => string> = {
  syntax: (entry) => `entry ${JSON.stringify(entry.slice(0, 60))} is not a CIDR`,
  prefix: (entry) => `entry ${JSON.stringify(entry.slice(0, 60))} is not a CIDR`,
  everyone: (entry) => `entry ${entry} would allow every address`,
  'host-bits': (entry) => `entry ${entry} has host bits set`,
};

/** One published entry, parsed: a CIDR whose every address is public unicast. */
function publicNetwork(entry: unknown): Network {
  if (typeof entry !== 'string') throw new MetaRejected(`entry ${JSON.stringify(entry)} is not a string`);
  let network: Network;
  try {
    network = parseCidr(entry);
  } catch (error) {
    if (error instanceof CidrError) throw new MetaRejected(ENTRY_MESSAGES[error.kind](entry));
    throw error;
  }
  const range = nonPublicRange(network);
  if (range) throw new MetaRejected(`entry ${entry} is not a public unicast range (${range})`);
  return network;
}

/** One entry to canonical CIDR text, or MetaRejected saying why not. */
export function strictCidr(entry: unknown): string {
  return cidrText(publicNetwork(entry));
}

export function parseBody(body: string): Record<string, unknown> {
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
 * The sections asked for, each present and a non-empty list of public unicast CIDRs. Anything
 * else refuses the whole response: a partial list must never reach a proxy.
 */
export function validateMeta(body: string, sections: string[]): Record<string, Network[]> {
  return validateSections(parseBody(body), sections);
}

function validateSections(data: Record<string, unknown>, sections: string[]): Record<string, Network[]> {
  const out: Record<string, Network[]> = {};
  for (const section of sections) {
    const list = Object.hasOwn(data, section) ? data[section] : undefined;
    if (list === undefined) throw new MetaRejected(`section "${section}" is missing`);
    if (!Array.isArray(list)) throw new MetaRejected(`section "${section}" is not a list`);
    if (list.length === 0) throw new MetaRejected(`section "${section}" is empty`);
    try {
      out[section] = list.map(publicNetwork);
    } catch (error) {
      throw new MetaRejected(`section "${section}": ${(error as Error).message}`);
    }
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

/** Each list's merged CIDRs, every section the lists name validated first. */
export function allowlistsFromMeta(body: string, lists: ListSections[]): Record<string, string[]> {
  return allowlistsFromData(parseBody(body), lists);
}

/** allowlistsFromMeta for a document already parsed (sections of several sources side by side). */
export function allowlistsFromData(data: Record<string, unknown>, lists: ListSections[]): Record<string, string[]> {
  const parsed = validateSections(data, sectionsOf(lists));
  return Object.fromEntries(lists.map((list) => [list.name, mergeNetworks(list.sections.flatMap((section) => parsed[section]!))]));
}
