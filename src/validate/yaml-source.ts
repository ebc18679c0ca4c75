import { LineCounter, parseDocument, isMap, isPair, isScalar, type Document, type Node } from 'yaml';

export interface YamlSource {
  doc: Document;
  data: unknown;
  lineOf: (path: (string | number)[]) => number;
  syntaxError: { line: number; message: string } | null;
}

/** Parsed YAML plus the line of any key path, for validators that mirror Go's yaml.v3. */
export function readYaml(text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const error = doc.errors[0];
  const lineOf = (path: (string | number)[]): number => {
    let node: unknown = doc.contents;
    let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(key));
        if (!pair) break;
        offset = (pair.key as Node).range?.[0] ?? offset;
        node = pair.value;
      } else if (node && typeof node === 'object' && 'items' in node) {
        node = (node as { items: unknown[] }).items[Number(key)];
        offset = (node as Node | undefined)?.range?.[0] ?? offset;
      } else break;
    }
    return lines.linePos(offset).line;
  };
  return {
    doc,
    data: error ? undefined : doc.toJS(),
    lineOf,
    syntaxError: error ? { line: lines.linePos(error.pos[0]).line, message: error.message.split('\n')[0]! } : null,
  };
}

export const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
