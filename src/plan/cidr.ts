import ipaddr from 'ipaddr.js';
import { cidrText, hextetsOf, hostMask, packedV4, parseCidrFast, parseV6Fast, POW2, v4Octets, v6GroupsText, wordsHaveHostBits } from './ip-fast.js';

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
  let packed = packedV4(text);
  if (packed < 0) packed = packedV4(canonicalCidr(text));
  const bits = packed % 64;
  const value = (packed - bits) / 64;
  return (value - (value % POW2[32 - bits]!)) * 64 + bits;
}

/**
 * Sorted keys joined into ranges, each split into blocks as soon as it ends (no range objects).
 * A range that is one input block unchanged is printed as that entry's text when it is known:
 * most entries join nothing, and building thousands of strings costs more than the merge.
 */
function collapseV4(keys: Float64Array, texts: Map<number, string> | undefined, out: string[]): void {
  keys.sort();
  let start = -1;
  let end = -2;
  let single = -1;
  // One pass with a sentinel step at i === keys.length that ends the last range.
  for (let i = 0; i <= keys.length; i++) {
    let from = Infinity;
    let to = Infinity;
    let key = -1;
    if (i < keys.length) {
      key = keys[i]!;
      const bits = key % 64;
      from = (key - bits) / 64;
      to = from + POW2[32 - bits]! - 1;
      if (from <= end + 1) {
        if (to > end) (end = to), (single = -1);
        continue;
      }
    }
    if (start >= 0) {
      const text = single >= 0 && texts !== undefined ? texts.get(single) : undefined;
      if (text !== undefined) out.push(text);
      else v4Split(start, end, out);
    }
    start = from;
    end = to;
    single = key;
  }
}

/** Largest aligned blocks first; block size from the alignment of start and what is left. */
function v4Split(start: number, end: number, out: string[]): void {
  while (start <= end) {
    const aligned = start === 0 ? 32 : 31 - Math.clz32((start & -start) >>> 0);
    const left = end - start + 1;
    const fits = left >= 4294967296 ? 32 : 31 - Math.clz32(left);
    const hostBits = aligned < fits ? aligned : fits;
    out.push(`${v4Octets(start).join('.')}/${32 - hostBits}`);
    start += POW2[hostBits]!;
  }
}

// ---- IPv6: four 32-bit words, most significant first, each exact in a double. (BigInt was
// about ten times slower on a cold start, where refresh spends its life.) Blocks are sorted and
// collapsed on a stack: one inside the block before it is dropped, two halves of one block are
// joined into it. No range is ever split, so an entry that joins nothing keeps its own text.
type Words = [number, number, number, number];

export interface Block {
  start: Words;
  bits: number;
  /** The input entry this block still is, when written canonically: printed as it came. */
  text?: string;
}

/** A block from four 32-bit words (host bits cleared) and a prefix length; `text` when it is the block's canonical text. */
export function v6BlockOf(words: number[], bits: number, text?: string): Block {
  const start: Words = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) start[i] = (words[i]! & ~hostMask(bits, i)) >>> 0;
  return text === undefined ? { start, bits } : { start, bits, text };
}

function v6Block(text: string): Block {
  const fast = parseV6Fast(text);
  if (!fast) {
    const [addr, bits] = splitCidr(text, 128);
    const parts = ipaddr.IPv6.parse(addr).parts;
    return v6BlockOf([0, 1, 2, 3].map((i) => parts[2 * i]! * 65536 + parts[2 * i + 1]!), bits);
  }
  const bits = fast.bits < 0 ? 128 : fast.bits;
  return v6BlockOf(fast.words, bits, fast.canonical && fast.bits >= 0 && !wordsHaveHostBits(fast.words, bits) ? text : undefined);
}

/** By start, then the larger block (shorter prefix) first. */
function compareBlocks(a: Block, b: Block): number {
  for (let i = 0; i < 4; i++) if (a.start[i] !== b.start[i]) return a.start[i]! < b.start[i]! ? -1 : 1;
  return a.bits - b.bits;
}

/** Whether `inner` (starting at or after `outer`) lies inside `outer`. */
function inside(outer: Block, inner: Block): boolean {
  if (inner.bits < outer.bits) return false;
  for (let i = 0; i < 4; i++) if (((inner.start[i]! & ~hostMask(outer.bits, i)) >>> 0) !== outer.start[i]) return false;
  return true;
}

/** Whether `a` and `b` are the lower and upper half of one block of `a.bits - 1`. */
function halves(a: Block, b: Block): boolean {
  if (a.bits !== b.bits || a.bits === 0) return false;
  const word = (a.bits - 1) >> 5;
  const bit = POW2[31 - ((a.bits - 1) & 31)]!;
  for (let i = 0; i < 4; i++) {
    if (i === word) {
      if (a.start[i]! & bit || b.start[i] !== a.start[i]! + bit) return false;
    } else if (a.start[i] !== b.start[i]) return false;
  }
  return true;
}

function collapseV6(blocks: Block[], out: string[]): void {
  blocks.sort(compareBlocks);
  const stack: Block[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]!;
    const top = stack[stack.length - 1];
    if (top && inside(top, block)) continue;
    stack.push(block);
    while (stack.length >= 2 && halves(stack[stack.length - 2]!, stack[stack.length - 1]!)) {
      const upper = stack.pop()!;
      const lower = stack.pop()!;
      stack.push({ start: lower.start, bits: upper.bits - 1 });
    }
  }
  for (const block of stack) out.push(block.text ?? `${v6Text(block.start)}/${block.bits}`);
}

function v6Text(words: Words): string {
  return v6GroupsText(hextetsOf(words));
}

/** Entries parsed for merging: IPv4 as start * 64 + prefix length, IPv6 as blocks. */
export interface ParsedCidrs {
  v4: number[];
  v6: Block[];
  /** Canonical text of IPv4 keys that have no host bits, where the caller knows it. */
  v4Text?: Map<number, string>;
}

/** One entry into `into` (see mergeCidrs for what entries may look like). */
export function addCidr(text: string, into: ParsedCidrs): void {
  if (text.includes(':')) into.v6.push(v6Block(text));
  else into.v4.push(v4Key(text));
}

/** The IPv4 texts when every part carries the one map validation shares between sections; otherwise none (ranges are printed). */
function knownTexts(parts: ParsedCidrs[]): Map<number, string> | undefined {
  const texts = parts[0]?.v4Text;
  return parts.every((part) => part.v4Text === texts) ? texts : undefined;
}

/** Like Python's ipaddress.collapse_addresses per family: IPv4 first, then IPv6, ascending. */
export function collapseParsed(...parts: ParsedCidrs[]): string[] {
  const keys = new Float64Array(parts.reduce((n, part) => n + part.v4.length, 0));
  let at = 0;
  for (const part of parts) keys.set(part.v4, at), (at += part.v4.length);
  const texts = knownTexts(parts);
  const out: string[] = [];
  collapseV4(keys, texts, out);
  collapseV6(([] as Block[]).concat(...parts.map((part) => part.v6)), out);
  return out;
}

/** collapseParsed for text entries, in any form ipaddr.js reads. */
export function mergeCidrs(cidrs: Iterable<string>): string[] {
  const parsed: ParsedCidrs = { v4: [], v6: [] };
  for (const text of cidrs) addCidr(text, parsed);
  return collapseParsed(parsed);
}
