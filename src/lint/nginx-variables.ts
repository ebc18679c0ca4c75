import type { Context, Placed } from './nginx-context.js';
import type { Directive } from './nginx-parse.js';
import { canMatch, captureGroups } from './nginx-regex.js';

// Where a variable's value comes from, as the injection rules need it. nginx variable names are
// case-insensitive ($HTTP_HOST is $http_host), so every name is lower-cased first.

export interface Traits {
  /** The client picks it freely enough to steer a host or scheme (SSRF). */
  steers: boolean;
  /** It can hold a CR/LF (decoded URI parts, captures from them). */
  newline: boolean;
  /** It always starts with "/", so it ends a URL's host part. */
  slashFirst: boolean;
}

const REFERENCE = /\$(?:\{(\w+)\}|(\w+))/g;
const CLIENT = /^(arg_|http_|cookie_)|^(args|query_string|host|request|request_body|request_line)$/;
/** Request headers, arguments and cookies: what a client sends verbatim. */
export const CLIENT_HEADER_LIKE = /^(arg_|http_|cookie_)|^(args|query_string)$/;
const SLASH_FIRST = new Set(['uri', 'document_uri', 'request_uri', 'fastcgi_script_name']);
const DECODED = new Set(['uri', 'document_uri', 'fastcgi_path_info', 'request_body']);

export const referencesIn = (text: string) => [...text.matchAll(REFERENCE)].map((m) => ({ name: (m[1] ?? m[2])!.toLowerCase(), index: m.index, text: m[0] }));

interface Definitions {
  /** `set`s by variable, then by the block holding them (null: the top level). */
  sets: Map<string, Map<Directive | null, Placed[]>>;
  maps: Map<string, string[]>;
}

// Built once per file: a rendered config can hold thousands of `set`s and references.
const indexes = new WeakMap<Context, Definitions>();

function definitionsIndex(ctx: Context): Definitions {
  let index = indexes.get(ctx);
  if (index) return index;
  index = { sets: new Map(), maps: new Map() };
  for (const set of ctx.placed('set')) {
    const name = set.node.args[0]?.toLowerCase().slice(1) ?? '';
    const byBlock = index.sets.get(name) ?? index.sets.set(name, new Map()).get(name)!;
    const block = set.parents[set.parents.length - 1] ?? null;
    const list = byBlock.get(block);
    if (list) list.push(set);
    else byBlock.set(block, [set]);
  }
  for (const map of ctx.named('map')) {
    const name = map.args[1]?.toLowerCase().slice(1) ?? '';
    const values = (map.block ?? []).filter((d) => !['hostnames', 'volatile', 'include'].includes(d.name)).map((d) => d.args[0] ?? '');
    index.maps.set(name, [...(index.maps.get(name) ?? []), ...values]);
  }
  indexes.set(ctx, index);
  return index;
}

/** The values `set` and `map` give a variable: `set`s in the directive's own blocks first. */
function definitions(ctx: Context, at: Placed, name: string): string[] | null {
  const { sets, maps } = definitionsIndex(ctx);
  const byBlock = sets.get(name);
  const visible = byBlock ? [null, ...at.parents].flatMap((block) => byBlock.get(block) ?? []) : [];
  const chosen = visible.length || !byBlock ? visible : [...byBlock.values()].flat();
  const values = [...new Set([...chosen.map((p) => p.node.args[1] ?? ''), ...(maps.get(name) ?? [])])];
  return values.length ? values : null;
}

/** The value with `set`/`map` variables replaced by what they hold (a few alternatives at most). */
export function expand(ctx: Context, at: Placed, text: string, depth = 0): string[] {
  if (depth > 4 || !text.includes('$')) return [text];
  let results = [''];
  let last = 0;
  for (const ref of referencesIn(text)) {
    const values = /^\d$/.test(ref.name) ? null : definitions(ctx, at, ref.name);
    const parts = values ? values.flatMap((v) => expand(ctx, at, v, depth + 1)) : [ref.text];
    const literal = text.slice(last, ref.index);
    results = results.flatMap((r) => parts.map((p) => r + literal + p)).slice(0, 16);
    last = ref.index + ref.text.length;
  }
  return results.map((r) => r + text.slice(last));
}

interface Regex {
  pattern: string;
  /** Matched against the decoded URI, so a group may hold a decoded %0A. */
  decoded: boolean;
  own?: boolean;
}

const unquote = (s: string) => s.replace(/^(["'])(.*)\1$/, '$2');

/** The regexes whose captures a directive sees, innermost first. */
function regexesFor(at: Placed): Regex[] {
  const found: Regex[] = [];
  if (at.node.name === 'rewrite' && at.node.args[0]) found.push({ pattern: at.node.args[0], decoded: true, own: true });
  for (const block of [...at.parents].reverse()) {
    if (block.name === 'location' && /^~\*?$/.test(block.args[0] ?? '')) found.push({ pattern: unquote(block.args[1] ?? ''), decoded: true });
    const test = block.name === 'if' ? /^\(\s*\$(\w+)\s+(~\*?)\s+(.*?)\s*\)$/.exec(block.args.join(' ')) : null;
    if (test) found.push({ pattern: unquote(test[3]!), decoded: DECODED.has(test[1]!.toLowerCase()) });
  }
  return found;
}

function captureTraits(at: Placed, name: string): Traits | null {
  for (const regex of regexesFor(at)) {
    const { numbered, named } = captureGroups(regex.pattern);
    const body = /^\d$/.test(name) ? (name === '0' ? regex.pattern : numbered[Number(name) - 1]) : named.get(name);
    if (body === undefined) {
      if (/^\d$/.test(name)) return null;
      continue;
    }
    // nginx escapes captures it copies into a rewrite's replacement.
    const newline = regex.decoded && !regex.own && canMatch(body, '\n');
    return { steers: canMatch(body, '.') || canMatch(body, '/'), newline, slashFirst: false };
  }
  return null;
}

/** What a variable (as it appears at `at`, after expansion) can carry; unknown ones count as safe. */
export function traitsOf(at: Placed, name: string): Traits {
  const capture = captureTraits(at, name);
  if (capture) return capture;
  return { steers: CLIENT.test(name), newline: DECODED.has(name), slashFirst: SLASH_FIRST.has(name) };
}

export interface Use {
  name: string;
  /** In the scheme or host of a URL (or the whole address), rather than its path or query. */
  inTarget: boolean;
  traits: Traits;
}

/** Every variable a value uses after expansion, and whether it sits in the URL's scheme/host. */
export function usesIn(ctx: Context, at: Placed, value: string): Use[] {
  const uses: Use[] = [];
  for (const text of expand(ctx, at, value)) {
    const scheme = text.indexOf('://');
    const start = scheme >= 0 ? scheme + 3 : 0;
    const slash = text.slice(start).search(/[/?#]/);
    let targetEnd = slash >= 0 ? start + slash : text.length;
    for (const ref of referencesIn(text)) {
      const traits = traitsOf(at, ref.name);
      if (ref.index < targetEnd && traits.slashFirst) targetEnd = ref.index;
      uses.push({ name: ref.name, inTarget: ref.index < targetEnd, traits });
    }
  }
  return uses;
}

/**
 * The location a directive sits in is marked `internal;`: only a redirect nginx or the upstream
 * makes reaches it. A named location is not exempt: try_files and error_page reach it with the
 * client's own arguments and headers.
 */
export const inInternalLocation = (at: Placed): boolean => {
  const location = [...at.parents].reverse().find((b: Directive) => b.name === 'location');
  return !!location && (location.block ?? []).some((d) => d.name === 'internal');
};
