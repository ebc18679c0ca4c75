import { locate } from '../config/locate.js';
import { lazyDocument } from '../config/yaml-lib.js';
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
  const parsed = lazyDocument(text);
  const lineOf = (path: (string | number)[]): number => locate(parsed.doc, parsed.lines, path, true).line;
  const fast = readYamlSubset(text);
  if (fast !== undefined) return { data: fast, lineOf, syntaxError: null };
  const { doc, lines } = parsed;
  const error = doc.errors[0];
  return {
    data: error ? undefined : doc.toJS(),
    lineOf,
    syntaxError: error ? { line: lines.linePos(error.pos[0]).line, message: error.message.split('\n')[0]! } : null,
  };
}

export const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
