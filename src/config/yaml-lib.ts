import { isScalar, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';

export interface YamlDocument {
  doc: Document;
  lines: LineCounter;
}

/** A problem found in a YAML text, at an offset of it. */
export interface YamlProblem {
  offset: number;
  message: string;
}

/** yaml's Document of a text and its line index. */
export function yamlDocument(text: string): YamlDocument {
  const lines = new LineCounter();
  // yaml's own uniqueKeys compares every key with every other (64,000 keys: a minute); the
  // check below is linear.
  return { doc: parseDocument(text, { prettyErrors: false, uniqueKeys: false, strict: true, lineCounter: lines }), lines };
}

/** The first key that appears twice in one mapping, if any. */
function duplicateKey(doc: Document): YamlProblem | null {
  let found: YamlProblem | null = null;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          found = { offset: (pair.key as Node | null)?.range?.[0] ?? 0, message: `Map keys must be unique ("${String(key).slice(0, 40)}" appears twice)` };
          return visit.BREAK;
        }
        seen.add(key);
      }
      return undefined;
    },
  });
  return found;
}

/** yaml's first error (or warning, unless `warnings` is false), else a duplicate key, else null. */
export function firstProblem(doc: Document, warnings = true): YamlProblem | null {
  const problem = [...doc.errors, ...(warnings ? doc.warnings : [])][0];
  if (problem) return { offset: problem.pos[0], message: problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') };
  return duplicateKey(doc);
}

/**
 * The document as plain data, aliases resolved; an alias without its anchor, or one that expands
 * past `maxAliasCount`, is a problem at the first alias rather than an exception.
 */
export function toData(doc: Document, maxAliasCount = 50): { data: unknown } | YamlProblem {
  try {
    return { data: doc.toJS({ maxAliasCount }) as unknown };
  } catch (error) {
    let offset = 0;
    visit(doc, {
      Alias(_, alias) {
        offset = alias.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    return { offset, message: (error as Error).message.split('\n')[0]! };
  }
}
