import type { Document, LineCounter } from 'yaml';
import type * as z from 'zod/mini';
import { printable, UserError } from '../errors.js';
import { formatKeyPath, locate, type KeyPath } from './locate.js';
import { configFileSchema, type ConfigFile } from './schema.js';
import { firstProblem, toData, yamlDocument, type YamlProblem } from './yaml-lib.js';

export interface ConfigSource {
  file: string;
  text: string;
  doc: Document;
  lines: LineCounter;
}

export interface ConfigIssue {
  path: KeyPath;
  message: string;
  atKey?: boolean;
}

const MAX_SHOWN = 20;

/** One line per problem: `file:line:col key.path: message`. */
export function configError(source: ConfigSource, issues: ConfigIssue[]): UserError {
  const lines = issues.slice(0, MAX_SHOWN).map(({ path, message, atKey }) => {
    const { line, col } = locate(source.doc, source.lines, path, atKey);
    return `${source.file}:${line}:${col} ${formatKeyPath(path)}: ${message}`;
  });
  if (issues.length > MAX_SHOWN) lines.push(`... and ${issues.length - MAX_SHOWN} more`);
  return new UserError(lines.join('\n'), 'fix the file, then run `proxygen render` again (`proxygen schema` prints every key)');
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined), root);
}

function zodIssues(issues: z.core.$ZodIssue[], raw: unknown): ConfigIssue[] {
  return issues.flatMap((issue): ConfigIssue[] => {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...path, key], message: 'unknown key (check the spelling; `proxygen schema` lists every key)', atKey: true }));
    }
    if (issue.code === 'invalid_type' && valueAt(raw, issue.path) === undefined) return [{ path, message: `missing required key (${issue.expected} expected)` }];
    if (issue.code === 'invalid_value' && 'values' in issue) {
      return [{ path, message: `expected one of ${issue.values.map((x) => JSON.stringify(x)).join(', ')}` }];
    }
    return [{ path, message: issue.message }];
  });
}

/**
 * Keys `__proto__` anywhere in the file: zod's records skip them without a word, so a network
 * so named would vanish. Refused like any other bad name.
 */
function prototypeKeys(node: unknown, path: KeyPath = []): ConfigIssue[] {
  if (node === null || typeof node !== 'object') return [];
  return Object.keys(node).flatMap((key) => {
    const at = [...path, Array.isArray(node) ? Number(key) : key];
    return key === '__proto__' ? [{ path: at, message: '"__proto__" is not allowed as a key', atKey: true }] : prototypeKeys((node as Record<string, unknown>)[key], at);
  });
}

const YAML_HINT = 'fix the YAML syntax (indent with spaces, quote values with ":" or "#")';

function yamlError(source: ConfigSource, problem: YamlProblem): UserError {
  const { line, col } = source.lines.linePos(problem.offset);
  return new UserError(`${source.file}:${line}:${col} (yaml): ${printable(problem.message)}`, YAML_HINT);
}

export function parseConfigText(file: string, text: string): { source: ConfigSource; config: ConfigFile } {
  if (text.includes('\0')) {
    throw new UserError(`${file}:1:1 (file): contains a NUL byte; save it as plain UTF-8 text`);
  }
  const { doc, lines } = yamlDocument(text);
  const source: ConfigSource = { file, text, doc, lines };
  const problem = firstProblem(doc);
  if (problem) throw yamlError(source, problem);
  const read = toData(doc);
  if (!('data' in read)) throw yamlError(source, read);
  const raw = read.data;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UserError(`${file}:1:1 (top level): expected a mapping of keys such as "preset:" and "domain:"`, 'start from `proxygen init` or the README example');
  }
  const hostileKeys = prototypeKeys(raw);
  if (hostileKeys.length > 0) throw configError(source, hostileKeys);
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) throw configError(source, zodIssues(parsed.error.issues, raw));
  return { source, config: parsed.data };
}
