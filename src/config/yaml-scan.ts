// One-line scanning for the YAML subset reader (yaml-subset.ts): plain and quoted scalars with
// the core schema's resolution, one-line flow collections, and what may follow a value. Anything
// outside the subset throws GIVE_UP.

export const GIVE_UP = Symbol('outside the subset');
export type Value = unknown;

// `$schema` is a key of the config schema, hence the optional leading `$`.
export const KEY = /^\$?[A-Za-z_][A-Za-z0-9_-]*$/;
const SPECIAL_KEY = /^(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|__proto__)$/;
// Core schema resolution, in yaml's own order; the forms not listed here (octal, hex, .inf, .nan)
// make the reader give up.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const OTHER_SPECIAL = /^(?:0o|0x|[-+]?\.(?:inf|Inf|INF)$|\.nan$|\.NaN$|\.NAN$)/;
const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t' };
export const MAX_DEPTH = 64;

export function giveUp(): never {
  throw GIVE_UP;
}

// Where the value scanned last ended. The scanners return the value and leave its end here rather
// than in a [value, end] pair: destructuring a pair goes through the iterator protocol, and this
// code runs once per process, mostly before V8 optimises it (a fifth of a 5,000-route read).
let scanEnd = 0;

function resolvePlain(text: string): Value {
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === 't' || text[0] === 'T';
  if (OTHER_SPECIAL.test(text)) giveUp();
  if (INT.test(text)) return parseInt(text, 10);
  if (FLOAT.test(text)) return parseFloat(text);
  return text;
}

export function setKey(map: Record<string, Value>, key: string, value: Value): void {
  // yaml refuses implicit keys over 1024 characters.
  if (key.length > 1000 || !KEY.test(key) || SPECIAL_KEY.test(key) || Object.prototype.hasOwnProperty.call(map, key)) giveUp();
  map[key] = value;
}

/** A quoted scalar starting at `at` (its end in scanEnd). */
function quoted(line: string, at: number): Value {
  const quote = line[at];
  let out = '';
  for (let i = at + 1; i < line.length; i++) {
    const c = line[i]!;
    if (c === quote) {
      if (quote === "'" && line[i + 1] === "'") {
        out += "'";
        i++;
        continue;
      }
      scanEnd = i + 1;
      return out;
    }
    if (c === '\\' && quote === '"') {
      const escaped = ESCAPES[line[i + 1] ?? ''];
      if (escaped === undefined) giveUp();
      out += escaped;
      i++;
      continue;
    }
    out += c;
  }
  return giveUp();
}

const FLOW_END = new Set([',', '[', ']', '{', '}']);
const NOT_PLAIN_START = new Set(['&', '*', '!', '|', '>', '%', '@', '`', '#', ',', '[', ']', '{', '}', "'", '"']);

function plainStartOk(line: string, at: number): void {
  const c = line[at];
  const next = line[at + 1];
  if (c === undefined || NOT_PLAIN_START.has(c)) giveUp();
  if ((c === '-' || c === '?' || c === ':') && (next === undefined || next === ' ' || FLOW_END.has(next))) giveUp();
}

/** A value inside a one-line flow collection (its end in scanEnd). */
function flowValue(line: string, at: number, depth: number): Value {
  const c = line[at];
  if (c === '{' || c === '[') return flowCollection(line, at, depth + 1);
  if (c === '"' || c === "'") return quoted(line, at);
  plainStartOk(line, at);
  let i = at;
  for (; i < line.length; i++) {
    const d = line[i]!;
    if (FLOW_END.has(d)) break;
    if (d === ':' && (i + 1 === line.length || line[i + 1] === ' ' || FLOW_END.has(line[i + 1]!))) break;
    if (d === '#' && line[i - 1] === ' ') giveUp();
  }
  scanEnd = i;
  return resolvePlain(line.slice(at, i).trimEnd());
}

export function skipSpaces(line: string, at: number): number {
  while (line[at] === ' ') at++;
  return at;
}

/** A one-line flow collection starting at `at` (its end in scanEnd). */
function flowCollection(line: string, at: number, depth: number): Value {
  if (depth > MAX_DEPTH) giveUp();
  const isMap = line[at] === '{';
  const close = isMap ? '}' : ']';
  const out: Record<string, Value> | Value[] = isMap ? {} : [];
  let i = skipSpaces(line, at + 1);
  if (line[i] === close) {
    scanEnd = i + 1;
    return out;
  }
  for (;;) {
    if (isMap) {
      const keyEnd = line.indexOf(':', i);
      if (keyEnd < 0) giveUp();
      const key = line.slice(i, keyEnd);
      const after = line[keyEnd + 1];
      if (after !== ' ' && after !== ',' && after !== '}') giveUp();
      i = skipSpaces(line, keyEnd + 1);
      let value: Value = null;
      if (line[i] !== ',' && line[i] !== '}') {
        value = flowValue(line, i, depth);
        i = scanEnd;
      }
      setKey(out as Record<string, Value>, key, value);
    } else {
      (out as Value[]).push(flowValue(line, i, depth));
      i = scanEnd;
    }
    i = skipSpaces(line, i);
    if (line[i] === close) {
      scanEnd = i + 1;
      return out;
    }
    if (line[i] !== ',') giveUp();
    i = skipSpaces(line, i + 1);
    if (line[i] === close || i >= line.length) giveUp();
  }
}

/** What is left of a line after a value: nothing, or a comment. */
function lineRestOk(line: string, at: number): void {
  const i = skipSpaces(line, at);
  if (i < line.length && !(line[i] === '#' && i > at)) giveUp();
}

/** A value that ends on its own line (after `key: ` or `- `). */
export function inlineValue(line: string, at: number, depth: number): Value {
  const c = line[at];
  let value: Value;
  if (c === '{' || c === '[') value = flowCollection(line, at, depth + 1);
  else if (c === '"' || c === "'") value = quoted(line, at);
  else {
    plainStartOk(line, at);
    const comment = line.indexOf(' #', at);
    const text = (comment < 0 ? line.slice(at) : line.slice(at, comment)).trimEnd();
    if (text.includes(': ') || text.endsWith(':')) giveUp();
    return resolvePlain(text);
  }
  lineRestOk(line, scanEnd);
  return value;
}
