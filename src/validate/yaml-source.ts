import { locate } from '../config/locate.js';
import { yamlDocument } from '../config/yaml-lib.js';

export interface YamlSource {
  data: unknown;
  lineOf: (path: (string | number)[]) => number;
  syntaxError: { line: number; message: string } | null;
}

/** Parsed YAML plus the line of any key path, for validators that mirror Go's yaml.v3. */
export function readYaml(text: string): YamlSource {
  const { doc, lines } = yamlDocument(text);
  const lineOf = (path: (string | number)[]): number => locate(doc, lines, path, true).line;
  const error = doc.errors[0];
  return {
    data: error ? undefined : doc.toJS(),
    lineOf,
    syntaxError: error ? { line: lines.linePos(error.pos[0]).line, message: error.message.split('\n')[0]! } : null,
  };
}

export const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
