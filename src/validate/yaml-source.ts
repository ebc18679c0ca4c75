import type { Document, LineCounter, Node } from 'yaml';
import { yamlLib } from '../config/yaml-lib.js';
import { readYamlSubset } from '../config/yaml-subset.js';

export interface YamlSource {
  data: unknown;
  lineOf: (path: (string | number)[]) => number;
  syntaxError: { line: number; message: string } | null;
}

/**
 * Parsed YAML plus the line of any key path, for validators that mirror Go's yaml.v3. Files in
 * the plain subset (every rendered one) are read by the subset reader, which returns what `yaml`
 * would; `yaml` builds its Document only for another file or when a line is asked for (a finding).
 */
export function readYaml(text: string): YamlSource {
  let parsed: { doc: Document; lines: LineCounter } | undefined;
  const load = () => {
    if (!parsed) {
      const yaml = yamlLib();
      const lines = new yaml.LineCounter();
      parsed = { doc: yaml.parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false }), lines };
    }
    return parsed;
  };
  const lineOf = (path: (string | number)[]): number => {
    const { doc, lines } = load();
    const { isMap, isPair, isScalar } = yamlLib();
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
  const fast = readYamlSubset(text);
  if (fast !== undefined) return { data: fast, lineOf, syntaxError: null };
  const { doc, lines } = load();
  const error = doc.errors[0];
  return {
    data: error ? undefined : doc.toJS(),
    lineOf,
    syntaxError: error ? { line: lines.linePos(error.pos[0]).line, message: error.message.split('\n')[0]! } : null,
  };
}

export const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
