import CIDR_WASM from './cidr-read.wat';

// The WebAssembly side of refresh's validation and merge (the why is in cidr-read.wat). It only
// ever says "these are the lists" or "ask the reference path": it has no messages of its own.

interface Exports {
  memory: WebAssembly.Memory;
  parse(from: number, to: number, records: number, flags: number): number;
  flagged(): number;
  merge(table: number, parts: number, a: number, b: number, stack: number, out: number): number;
}

const SPECIAL_V4 = 64;
const SPECIAL_V6 = 96;
const HEAP = 8288;
const RECORD = 24;
// The longest line merge writes: eight four-digit groups, seven colons, "/128" and a newline.
const LINE = 44;
const PAGE = 65536;

type FirstUnits = { v4: Iterable<number>; v6: Iterable<number> };

let wasm: Exports | null | undefined;
let filledWith: FirstUnits | undefined;

/**
 * The instance, its bitmaps of the first octets and hextets a special range may start with
 * filled from `special`; null where Node runs without WebAssembly (`node --jitless`), and the
 * JavaScript path then serves.
 */
function instance(special: FirstUnits): Exports | null {
  if (wasm === undefined) {
    wasm = typeof WebAssembly === 'undefined' ? null : (new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(CIDR_WASM, 'base64'))).exports as unknown as Exports);
  }
  if (wasm === null) return null;
  if (filledWith !== special) {
    const bytes = new Uint8Array(wasm.memory.buffer, SPECIAL_V4, HEAP - SPECIAL_V4).fill(0);
    for (const unit of special.v4) bytes[unit >> 3]! |= 1 << (unit & 7);
    for (const unit of special.v6) bytes[SPECIAL_V6 - SPECIAL_V4 + (unit >> 3)]! |= 1 << (unit & 7);
    filledWith = special;
  }
  return wasm;
}

const align = (n: number) => (n + 7) & ~7;

export interface FastMerge {
  /** Each list's merged CIDRs, IPv4 first, ascending. */
  lists: string[][];
  /** Per section, the entries whose first octet or hextet a special range may start with: the caller decides those. */
  flagged: number[][];
}

/**
 * Sections given as JSON.stringify of their entry lists, merged into the lists that name them
 * (by section index); null when any entry is outside the plain forms or would be refused.
 */
export function mergeSectionsFast(sections: { json: string; count: number }[], lists: number[][], special: FirstUnits): FastMerge | null {
  const exports = instance(special);
  if (exports === null) return null;
  let at = HEAP;
  const texts = sections.map(({ json }) => {
    const from = at;
    at = align(at + Buffer.byteLength(json));
    return from;
  });
  const records = sections.map(({ count }) => {
    const from = at;
    at = align(at + count * RECORD);
    return from;
  });
  const most = lists.reduce((max, list) => Math.max(max, list.reduce((n, index) => n + sections[index]!.count, 0)), 0);
  const flags = at;
  at = align(at + 4 * sections.reduce((max, { count }) => Math.max(max, count), 0));
  const table = at;
  at = align(at + 8 * sections.length);
  const a = at;
  const b = (at = align(a + 4 * most));
  const stack = (at = align(b + 4 * most));
  const out = (at = align(stack + RECORD * most));
  at += LINE * most;
  const pages = Math.ceil(at / PAGE) - exports.memory.buffer.byteLength / PAGE;
  if (pages > 0) exports.memory.grow(pages);
  const memory = Buffer.from(exports.memory.buffer);
  const words = new Int32Array(exports.memory.buffer);
  const flagged: number[][] = [];
  for (let i = 0; i < sections.length; i++) {
    const end = texts[i]! + memory.write(sections[i]!.json, texts[i]!, 'utf8');
    if (exports.parse(texts[i]!, end, records[i]!, flags) !== sections[i]!.count) return null;
    flagged.push(Array.from(words.subarray(flags >> 2, (flags >> 2) + exports.flagged())));
  }
  const merged = lists.map((list) => {
    for (let i = 0; i < list.length; i++) (words[(table >> 2) + 2 * i] = records[list[i]!]!), (words[(table >> 2) + 2 * i + 1] = sections[list[i]!]!.count);
    const length = exports.merge(table, list.length, a, b, stack, out);
    return length === 0 ? [] : memory.toString('latin1', out, out + length - 1).split('\n');
  });
  return { lists: merged, flagged };
}
