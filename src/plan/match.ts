/**
 * How a route path matches, the same on every target:
 * - exact:   `exact: true`; only that path.
 * - glob:    contains `*`; each `*` is one path segment (no "/"), anchored at both ends.
 * - prefix:  ends with "/" (or "/*"); that path and everything below it.
 * - segment: anything else; the path itself and everything below "path/" (`/ws` matches
 *            `/ws` and `/ws/x`, not `/wsx`).
 * Most specific wins: exact, then glob (more literal characters first), then the longest prefix.
 */
export type MatchKind = 'exact' | 'glob' | 'prefix' | 'segment';

export interface Match {
  kind: MatchKind;
  path: string;
}

export function classify(path: string, exact = false): Match {
  if (exact) return { kind: 'exact', path };
  if (path.endsWith('/*')) return classify(path.slice(0, -1));
  if (path.includes('*')) return { kind: 'glob', path };
  if (path.endsWith('/')) return { kind: 'prefix', path };
  return { kind: 'segment', path };
}

/** Keys that would collide in an nginx server block (and so mean a duplicate route). */
export function matchKeys(match: Match): string[] {
  switch (match.kind) {
    case 'exact':
      return [`=${match.path}`];
    case 'glob':
      return [`~${match.path}`];
    case 'prefix':
      return [match.path];
    case 'segment':
      return [`=${match.path}`, `${match.path}/`];
  }
}

const RANK: Record<MatchKind, number> = { exact: 0, glob: 1, segment: 2, prefix: 2 };

const prefixLength = (m: Match) => (m.kind === 'segment' ? m.path.length + 1 : m.path.length);
const literalLength = (m: Match) => m.path.replaceAll('*', '').length;

export function compareSpecificity(a: Match, b: Match): number {
  return (
    RANK[a.kind] - RANK[b.kind] ||
    (a.kind === 'glob' ? literalLength(b) - literalLength(a) : 0) ||
    prefixLength(b) - prefixLength(a) ||
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
  );
}

// Paths hold only A-Z a-z 0-9 . _ ~ - / *, so "." is the one metacharacter. A class instead of a
// backslash keeps the regex free of escapes in YAML, CEL and nginx strings alike.
const escapeRegex = (text: string) => text.replaceAll('.', '[.]');

/**
 * Spellings that a server or an app may read as the exact path: any case, and the path followed
 * by anything that is not a path-name character (`/`, `.`, `;x=1`, a decoded `%2F` or `%20`).
 * PCRE and RE2 alike; the servers apply it to the decoded, normalised path.
 */
export function exactVariantsRegex(match: Match): string {
  return `^${escapeRegex(match.path)}([^A-Za-z0-9_~-]|$)`;
}

/** An anchored regular expression (PCRE and RE2 alike) equivalent to the match. */
export function matchRegex(match: Match): string {
  const body = escapeRegex(match.path).replaceAll('*', '[^/]*');
  switch (match.kind) {
    case 'exact':
    case 'glob':
      return `^${body}$`;
    case 'prefix':
      return `^${body}`;
    case 'segment':
      return `^${body}(/|$)`;
  }
}
