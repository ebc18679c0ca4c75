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

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '{' || c === '}' || c === ';') {
      tokens.push({ text: c, line, quoted: false });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const start = line;
      let value = '';
      i++;
      while (i < text.length && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < text.length) value += text[i++];
        if (text[i] === '\n') line++;
        value += text[i++];
      }
      if (i >= text.length) throw new NginxSyntaxError('unterminated quoted string', start);
      i++;
      tokens.push({ text: value, line: start, quoted: true });
      continue;
    }
    let value = '';
    while (i < text.length && !/[\s;{}]/.test(text[i]!)) {
      // `${var}` keeps its braces inside the word.
      if (text[i] === '$' && text[i + 1] === '{') {
        const close = text.indexOf('}', i);
        if (close < 0) throw new NginxSyntaxError('unterminated ${ variable', line);
        value += text.slice(i, close + 1);
        i = close + 1;
        continue;
      }
      value += text[i++];
    }
    tokens.push({ text: value, line, quoted: false });
  }
  return tokens;
}

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
export function findBlocks(tree: Directive[], name: string, parents: Directive[] = []): { node: Directive; parents: Directive[] }[] {
  return tree.flatMap((d) => [...(d.name === name && d.block ? [{ node: d, parents }] : []), ...(d.block ? findBlocks(d.block, name, [...parents, d]) : [])]);
}

export const directives = (block: Directive[] | undefined, name: string) => (block ?? []).filter((d) => d.name === name);
