// A reader for the plain YAML subset proxygen configs are written in (block mappings and
// sequences, one-line flow collections, one-line plain and quoted scalars, comments). It returns
// exactly what `yaml` (core schema, strict, unique keys) would, or undefined for anything else,
// and then `yaml` reads the file. Why it exists: `yaml`'s generator-based lexer and the Document
// it retains were ~45% of a 5,000-route render, plus most of its garbage collection.

const GIVE_UP = Symbol('outside the subset');
type Value = unknown;

const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const SPECIAL_KEY = /^(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|__proto__)$/;
// Core schema resolution, in yaml's own order; the forms not listed here (octal, hex, .inf, .nan)
// make the reader give up.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT = /^[-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const OTHER_SPECIAL = /^(?:0o|0x|[-+]?\.(?:inf|Inf|INF)$|\.nan$|\.NaN$|\.NAN$)/;
const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t' };
const MAX_DEPTH = 64;

function giveUp(): never {
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

function setKey(map: Record<string, Value>, key: string, value: Value): void {
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

function skipSpaces(line: string, at: number): number {
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
function inlineValue(line: string, at: number, depth: number): Value {
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

class Reader {
  private row = 0;
  private readonly indents: number[];

  constructor(private readonly lines: string[]) {
    this.indents = lines.map((line) => {
      const indent = skipSpaces(line, 0);
      return indent === line.length || line[indent] === '#' ? -1 : indent;
    });
  }

  /** The next line with content at or after the cursor, or -1 at the end. */
  private nextContent(): number {
    while (this.row < this.lines.length && this.indents[this.row] === -1) this.row++;
    return this.row < this.lines.length ? this.indents[this.row]! : -1;
  }

  private isItem(line: string, at: number): boolean {
    return line[at] === '-' && (at + 1 === line.length || line[at + 1] === ' ');
  }

  /** A block node whose first line is `row`, starting at column `at`. */
  node(at: number, depth: number): Value {
    if (depth > MAX_DEPTH) giveUp();
    const line = this.lines[this.row]!;
    if (this.isItem(line, at)) return this.sequence(at, depth);
    const colon = line.indexOf(':', at);
    if (colon > at && (colon + 1 === line.length || line[colon + 1] === ' ') && KEY.test(line.slice(at, colon))) return this.mapping(at, depth);
    const value = inlineValue(line, at, depth);
    this.row++;
    return value;
  }

  /** After `key:` or `-` with nothing else on the line: the nested node, or null. */
  private nested(parentIndent: number, depth: number, sequenceMayAlign: boolean): Value {
    this.row++;
    const indent = this.nextContent();
    if (indent > parentIndent) return this.node(indent, depth + 1);
    if (indent === parentIndent && sequenceMayAlign && this.isItem(this.lines[this.row]!, indent)) return this.sequence(indent, depth + 1);
    return null;
  }

  private mapping(indent: number, depth: number): Value {
    const out: Record<string, Value> = {};
    let at = indent;
    for (;;) {
      const line = this.lines[this.row]!;
      const colon = line.indexOf(':', at);
      if (colon < 0 || (colon + 1 < line.length && line[colon + 1] !== ' ')) giveUp();
      const key = line.slice(at, colon);
      const valueAt = skipSpaces(line, colon + 1);
      if (valueAt === line.length || line[valueAt] === '#') setKey(out, key, this.nested(indent, depth, true));
      else {
        setKey(out, key, inlineValue(line, valueAt, depth));
        this.row++;
      }
      const next = this.nextContent();
      if (next < indent) return out;
      if (next > indent) giveUp();
      at = next;
    }
  }

  private sequence(indent: number, depth: number): Value {
    const out: Value[] = [];
    let at = indent;
    for (;;) {
      const line = this.lines[this.row]!;
      if (!this.isItem(line, at)) giveUp();
      const itemAt = skipSpaces(line, at + 1);
      if (itemAt === line.length || line[itemAt] === '#') out.push(this.nested(indent, depth, false));
      else out.push(this.node(itemAt, depth + 1));
      const next = this.nextContent();
      if (next < indent) return out;
      if (next > indent) giveUp();
      at = next;
      // A mapping that holds this sequence at its own indent ends at its next key.
      if (!this.isItem(this.lines[this.row]!, at)) return out;
    }
  }

  document(): Value {
    let indent = this.nextContent();
    if (indent === 0 && /^---[ ]*(?:#.*)?$/.test(this.lines[this.row]!)) {
      this.row++;
      indent = this.nextContent();
    }
    if (indent !== 0) giveUp();
    const line = this.lines[this.row]!;
    if (line.startsWith('---') || line.startsWith('...') || line.startsWith('%')) giveUp();
    const value = this.mapping(0, 0);
    if (this.nextContent() !== -1) giveUp();
    return value;
  }
}

/**
 * The config text as `yaml` would read it to JS (a top-level mapping), or undefined when the
 * text uses anything outside the subset: then the caller asks `yaml` itself.
 */
export function readYamlSubset(text: string): Record<string, unknown> | undefined {
  // Printable ASCII and newlines only: tabs, CR, BOMs and other characters go to `yaml`.
  if (!/^[\x20-\x7e\n]*$/.test(text)) return undefined;
  try {
    return new Reader(text.split('\n')).document() as Record<string, unknown>;
  } catch (error) {
    if (error === GIVE_UP) return undefined;
    throw error;
  }
}
