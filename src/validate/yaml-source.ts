import { locate } from '../config/locate.js';
import { firstProblem, toData, yamlDocument } from '../config/yaml-lib.js';

export interface YamlSource {
  data: unknown;
  lineOf: (path: (string | number)[]) => number;
  syntaxError: { line: number; message: string } | null;
}

/** Parsed YAML plus the line of any key path, for validators that mirror Go's yaml.v3. */
export function readYaml(text: string): YamlSource {
  const { doc, lines } = yamlDocument(text);
  const lineOf = (path: (string | number)[]): number => locate(doc, lines, path, true).line;
  const read = firstProblem(doc, false) ?? toData(doc);
  if ('data' in read) return { data: read.data, lineOf, syntaxError: null };
  return { data: undefined, lineOf, syntaxError: { line: lines.linePos(read.offset).line, message: read.message } };
}

export const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
