import { printable } from '../errors.js';
import { isMap, isPair, isScalar, type Document, type LineCounter, type Node } from 'yaml';

export type KeyPath = readonly (string | number)[];

/** Where a key path sits in the YAML source, as 1-based line and column. */
export interface Position {
  line: number;
  col: number;
}

export function formatKeyPath(path: KeyPath): string {
  return path.length === 0 ? '(top level)' : path.map((segment) => printable(String(segment))).join('.');
}

/** The deepest node along `path` that exists (a missing key points at its parent). */
export function locate(doc: Document, lines: LineCounter, path: KeyPath, atKey = false): Position {
  let node: unknown = doc.contents;
  let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
  for (const segment of path) {
    if (!isMap(node) && !(node && typeof node === 'object' && 'items' in node)) break;
    const items = (node as { items: unknown[] }).items;
    const pair = isMap(node)
      ? items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment))
      : undefined;
    const next = isMap(node) ? (pair as { value?: unknown } | undefined)?.value : items[Number(segment)];
    const keyNode = isPair(pair) ? (pair.key as Node) : undefined;
    if (next === undefined && keyNode === undefined) break;
    offset = (atKey && segment === path[path.length - 1] && keyNode?.range ? keyNode.range[0] : (next as Node | undefined)?.range?.[0] ?? keyNode?.range?.[0]) ?? offset;
    node = next;
  }
  const { line, col } = lines.linePos(offset);
  return { line, col };
}
