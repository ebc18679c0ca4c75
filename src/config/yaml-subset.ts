// A reader for the plain YAML subset proxygen configs are written in (block mappings and
// sequences, one-line flow collections, one-line plain and quoted scalars, comments). It returns
// exactly what `yaml` (core schema, strict, unique keys) would, or undefined for anything else,
// and then `yaml` reads the file. Why it exists: `yaml`'s generator-based lexer and the Document
// it retains were ~45% of a 5,000-route render, plus most of its garbage collection.

import { giveUp, GIVE_UP, inlineValue, KEY, MAX_DEPTH, setKey, skipSpaces, type Value } from './yaml-scan.js';

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
