import { UserError } from '../../errors.js';
import { readIfExists } from '../../io/write.js';
import type { Finding } from '../../lint/finding.js';
import type { SiteInput, Verdict } from './types.js';

// A tunnel agent reads one file per host. Each site's rendered file is kept as its fragment and
// the shared file is cut together from them: the head once, every site's entries, one tail.

export const CATCH_ALL = '  - service: http_status:404\n';

/** `key: value` of a top-level line of a rendered tunnel file. */
export const topValue = (text: string, key: string) => new RegExp(`^${key}: (.*)$`, 'm').exec(text)?.[1] ?? '';

/** The lines after `key:\n` up to `end` (or the end of the text). */
export function entriesAfter(text: string, key: string, end?: string): string {
  const start = text.indexOf(`\n${key}:\n`);
  if (start < 0) return '';
  const body = text.slice(start + key.length + 3);
  const stop = end === undefined ? -1 : body.lastIndexOf(end);
  return stop < 0 ? body : body.slice(0, stop);
}

export function sameEverywhere(fragments: { domain: string; fragment: string }[], key: string, what: string): string {
  const first = fragments[0]!;
  const value = topValue(first.fragment, key);
  const other = fragments.find((f) => topValue(f.fragment, key) !== value);
  if (other) throw new UserError(`${what}: ${other.domain} has ${key} ${topValue(other.fragment, key)} but ${first.domain} has ${value}; one host runs one`, `give every site on this host the same ${key}`);
  return value;
}

export async function builtIn(path: string, validate: (file: string, text: string) => Finding[]): Promise<Verdict> {
  const text = await readIfExists(path);
  if (text === null) return { ok: true, missing: false, output: '' };
  const errors = validate(path, text).filter((f) => f.severity === 'error');
  return { ok: errors.length === 0, missing: false, output: errors.map((f) => `${f.file}:${f.line}: ${f.message}`).join('\n') };
}

export const own = (site: SiteInput, path: string) => site.files.find((f) => f.path === path)?.content ?? '';

