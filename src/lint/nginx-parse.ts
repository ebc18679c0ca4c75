/** A directive with its arguments and, for blocks, its children; `line` is 1-based. */
export interface Directive {
  name: string;
  args: string[];
  line: number;
  block?: Directive[];
}

interface Token {
  text: string;
  line: number;
  quoted: boolean;
}

export class NginxSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

// Sticky patterns, one per token kind: a check reads every committed file once, so this code
// runs in V8's interpreter, where a regex per token costs far less than a test per character.
const SPACE = /\s+/y;
const COMMENT = /[^\n]*/y;
// A backslash keeps itself and the character after it, as nginx reads it.
const QUOTED = { '"': /((?:[^"\\]|\\[^])*)"/y, "'": /((?:[^'\\]|\\[^])*)'/y } as const;
// `${var}` keeps its braces (and anything up to the closing brace) inside the word.
const WORD = /(?:[^\s;{}$]+|\$\{[^}]*\}|\$(?!\{))+/y;

const newlines = (text: string, from: number, to: number): number => {
  let count = 0;
  for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1)) count++;
  return count;
};

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const match = (pattern: RegExp): RegExpExecArray | null => {
    pattern.lastIndex = i;
    return pattern.exec(text);
  };
  while (i < text.length) {
    const c = text[i]!;
    const space = match(SPACE);
    if (space) {
      line += newlines(text, i, SPACE.lastIndex);
      i = SPACE.lastIndex;
    } else if (c === '#') {
      i++;
      match(COMMENT);
      i = COMMENT.lastIndex;
    } else if (c === '{' || c === '}' || c === ';') {
      tokens.push({ text: c, line, quoted: false });
      i++;
    } else if (c === '"' || c === "'") {
      i++;
      const pattern = QUOTED[c];
      const quoted = match(pattern);
      if (!quoted) throw new NginxSyntaxError('unterminated quoted string', line);
      tokens.push({ text: quoted[1]!, line, quoted: true });
      line += newlines(text, i, pattern.lastIndex);
      i = pattern.lastIndex;
    } else {
      const word = match(WORD);
      const end = word ? WORD.lastIndex : i;
      if (text.startsWith('${', end)) throw new NginxSyntaxError('unterminated ${ variable', line);
      tokens.push({ text: text.slice(i, end), line, quoted: false });
      i = end;
    }
  }
  return tokens;
}

// Far deeper than any real configuration; bounds the recursion of the parser and of every rule.
const MAX_DEPTH = 100;

/** nginx configuration text to a directive tree that keeps line numbers. */
export function parseNginx(text: string): Directive[] {
  const tokens = tokenize(text);
  let position = 0;
  const parseBlock = (depth: number): Directive[] => {
    const out: Directive[] = [];
    while (position < tokens.length) {
      const token = tokens[position]!;
      if (token.text === '}' && !token.quoted) {
        if (depth === 0) throw new NginxSyntaxError('unexpected "}"', token.line);
        position++;
        return out;
      }
      if ((token.text === ';' || token.text === '{') && !token.quoted) throw new NginxSyntaxError(`unexpected "${token.text}"`, token.line);
      const directive: Directive = { name: token.text, args: [], line: token.line };
      position++;
      for (;;) {
        const next = tokens[position];
        if (!next) throw new NginxSyntaxError(`unexpected end of file, expecting ";" or "}" after "${directive.name}"`, directive.line);
        position++;
        if (!next.quoted && next.text === ';') break;
        if (!next.quoted && next.text === '{') {
          if (depth + 1 > MAX_DEPTH) throw new NginxSyntaxError(`blocks nested more than ${MAX_DEPTH} deep`, next.line);
          directive.block = parseBlock(depth + 1);
          break;
        }
        if (!next.quoted && next.text === '}') throw new NginxSyntaxError(`unexpected "}" after "${directive.name}" (missing ";"?)`, next.line);
        directive.args.push(next.text);
      }
      out.push(directive);
    }
    if (depth > 0) throw new NginxSyntaxError('unexpected end of file, expecting "}"', tokens[tokens.length - 1]?.line ?? 1);
    return out;
  };
  return parseBlock(0);
}

/** Every block of a name at any depth, with the chain of blocks around it (outermost first). */
export function findBlocks(tree: Directive[], name: string): { node: Directive; parents: Directive[] }[] {
  const found: { node: Directive; parents: Directive[] }[] = [];
  const walk = (block: Directive[], parents: Directive[]) => {
    for (const d of block) {
      if (!d.block) continue;
      if (d.name === name) found.push({ node: d, parents });
      walk(d.block, [...parents, d]);
    }
  };
  walk(tree, []);
  return found;
}

// Each block's directives by name, made on the first question about it: rules ask about the
// blocks around every location, and a scan of a server's 20,000 locations for each one was quadratic.
const byName = new WeakMap<Directive[], Map<string, Directive[]>>();

/** The directives of a name directly in `block`, in file order. */
export function directives(block: Directive[] | undefined, name: string): Directive[] {
  if (!block) return [];
  let index = byName.get(block);
  if (!index) {
    index = new Map();
    for (const directive of block) {
      const list = index.get(directive.name);
      if (list) list.push(directive);
      else index.set(directive.name, [directive]);
    }
    byName.set(block, index);
  }
  return index.get(name) ?? [];
}
