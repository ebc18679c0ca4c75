import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, posix } from 'node:path';
import type { SandboxFile } from '../io/sandbox.js';

/** An imported file as laid out in the validation sandbox, with where it really lives. */
export interface ImportedFile extends SandboxFile {
  file: string;
  /** The file's own text, for linting (`content` has its import paths rewritten). */
  text: string;
}

export interface ResolvedImports {
  /** The Caddyfile with every file import pointing into the sandbox (same lines). */
  text: string;
  files: ImportedFile[];
  /** Imports that cannot be followed here: the file was not validated. */
  unresolved: { file: string; line: number; pattern: string; why: string }[];
}

const IMPORT = /^(\s*import\s+)(\S+)/;
const SNIPPET = /^\s*\((\S+)\)\s*\{?\s*$/;
const GLOB = /[*?[]/;

const globPattern = (glob: string) => new RegExp(`^${glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);

/** The files a Caddy import pattern names, as Caddy reads it: relative to the importing file. */
function expand(pattern: string, from: string): { paths: string[]; dir: string; name: string } | { why: string } {
  if (pattern.includes('{')) return { why: 'it holds a placeholder' };
  const path = isAbsolute(pattern) ? pattern : join(dirname(from), pattern);
  const dir = dirname(path);
  const name = basename(path);
  if (GLOB.test(dir)) return { why: 'a wildcard outside the last path segment is not followed' };
  if (!GLOB.test(name)) {
    try {
      return statSync(path).isFile() ? { paths: [path], dir, name } : { why: 'it is not a file here' };
    } catch {
      return { why: 'the file does not exist here' };
    }
  }
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    // Caddy treats a glob without matches as empty, so a missing directory is no error either.
  }
  const match = globPattern(name);
  return { paths: names.filter((n) => match.test(n) && !n.startsWith('.')).sort().map((n) => join(dir, n)), dir, name };
}

/**
 * Every file a Caddyfile imports, followed recursively, copied under `imports/<n>/` (one folder
 * per source directory, so globs and nested relative imports keep working) with the import
 * lines rewritten in place; snippet imports stay as they are.
 */
export function resolveCaddyImports(file: string, text: string): ResolvedImports {
  const folders = new Map<string, string>();
  const folderOf = (dir: string) => folders.get(dir) ?? (folders.set(dir, `imports/${folders.size}`), folders.get(dir)!);
  const files = new Map<string, ImportedFile>();
  const unresolved: ResolvedImports['unresolved'] = [];
  const snippets = new Set<string>();
  const scanSnippets = (source: string) => source.split('\n').forEach((line) => SNIPPET.test(line) && snippets.add(SNIPPET.exec(line)![1]!));
  scanSnippets(text);

  const rewrite = (source: string, path: string, at: string): string =>
    source
      .split('\n')
      .map((line, index) => {
        const match = IMPORT.exec(line);
        if (!match || snippets.has(match[2]!)) return line;
        const found = expand(match[2]!, path);
        if ('why' in found) {
          unresolved.push({ file: path, line: index + 1, pattern: match[2]!, why: found.why });
          return line;
        }
        const folder = folderOf(found.dir);
        for (const target of found.paths) visit(target, folder);
        return `${match[1]}${posix.relative(at, folder) || '.'}/${found.name}${line.slice(match[0].length)}`;
      })
      .join('\n');

  function visit(path: string, folder: string): void {
    if (files.has(path)) return;
    let own: string;
    try {
      own = readFileSync(path, 'utf8');
    } catch (error) {
      unresolved.push({ file: path, line: 1, pattern: path, why: `it cannot be read (${(error as NodeJS.ErrnoException).code})` });
      return;
    }
    scanSnippets(own);
    const entry: ImportedFile = { file: path, path: `${folder}/${basename(path)}`, text: own, content: own };
    files.set(path, entry);
    entry.content = rewrite(own, path, folder);
  }

  const rewritten = rewrite(text, file, '.');
  return { text: rewritten, files: [...files.values()], unresolved };
}
