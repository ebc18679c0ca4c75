// The escapes and character classes of Go's regexp/syntax, with its error text (re2-syntax.ts).

export const fail = (code: string, expr: string) => `error parsing regexp: ${code}: \`${expr}\``;
const POSIX_CLASSES = new Set(['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit']);
const C_ESCAPES = new Set(['a', 'f', 'n', 'r', 't', 'v']);
const isAlnum = (c: string) => /^[A-Za-z0-9]$/.test(c);
const isHex = (c: string | undefined) => c !== undefined && /^[0-9A-Fa-f]$/.test(c);
const isOctal = (c: string | undefined) => c !== undefined && c >= '0' && c <= '7';

/** Length of the single-character escape at `at` (Go's parseEscape), or an error. */
function escapeLength(s: string, at: number): number | string {
  const c = s[at + 1];
  if (c === undefined) return fail('trailing backslash at end of expression', '');
  const bad = (end: number) => fail('invalid escape sequence', s.slice(at, end));
  if (c.charCodeAt(0) < 0x80 && !isAlnum(c)) return 2;
  if (C_ESCAPES.has(c)) return 2;
  if (c >= '0' && c <= '7') {
    // A single non-zero digit would be a backreference: not supported.
    if (c !== '0' && !isOctal(s[at + 2])) return bad(at + 2);
    let end = at + 2;
    while (end < at + 4 && isOctal(s[end])) end++;
    return end - at;
  }
  if (c === 'x') {
    if (s[at + 2] === '{') {
      // Go reads digit by digit and stops at the first that does not fit.
      let value = 0;
      for (let i = at + 3; i < s.length; i++) {
        if (s[i] === '}') return i > at + 3 ? i + 1 - at : bad(i + 1);
        value = value * 16 + parseInt(s[i]!, 16);
        if (!isHex(s[i]) || value > 0x10ffff) return bad(i + 1);
      }
      return bad(s.length);
    }
    return isHex(s[at + 2]) && isHex(s[at + 3]) ? 4 : bad(Math.min(s.length, at + 4));
  }
  return bad(at + 2);
}

// Go knows the short general categories, "Any", and the Unicode script names (as JavaScript does).
const CATEGORIES = new Set('C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs Any'.split(' '));
function unicodeClass(name: string): boolean {
  if (CATEGORIES.has(name)) return true;
  try {
    return /^[A-Z][A-Za-z_]*$/.test(name) && new RegExp(`\\p{Script=${name}}`, 'u') !== null;
  } catch {
    return false;
  }
}

/** Length of a class escape (\d, \pL, \p{Greek}) or a single-character one. */
export function classEscapeLength(s: string, at: number): number | string {
  const c = s[at + 1];
  if (c && 'dDsSwW'.includes(c)) return 2;
  if (c === 'p' || c === 'P') {
    if (s[at + 2] !== '{') return unicodeClass(s[at + 2] ?? '') ? 3 : fail('invalid character class range', s.slice(at, at + 3));
    const close = s.indexOf('}', at);
    return close > at + 3 && unicodeClass(s.slice(at + 3, close).replace(/^\^/, '')) ? close + 1 - at : fail('invalid character class range', s.slice(at, close < 0 ? s.length : close + 1));
  }
  return escapeLength(s, at);
}

/** Where the class opened at `at` ends (after `]`), or an error. */
export function classEnd(s: string, at: number): number | string {
  let i = at + 1;
  if (s[i] === '^') i++;
  let first = true;
  const missing = () => fail('missing closing ]', s.slice(at));
  const char = (): { code: number } | string => {
    if (i >= s.length) return missing();
    if (s[i] !== '\\') return { code: s.codePointAt(i++)! };
    const length = escapeLength(s, i);
    if (typeof length === 'string') return length;
    const text = s.slice(i, i + length);
    i += length;
    return { code: text.length === 2 ? (text[1] === 'n' ? 10 : text.charCodeAt(1)) : 0 };
  };
  while (first || s[i] !== ']') {
    if (i >= s.length) return missing();
    first = false;
    if (s.startsWith('[:', i)) {
      const close = s.indexOf(':]', i + 2);
      if (close >= 0) {
        const name = s.slice(i + 2, close).replace(/^\^/, '');
        if (!POSIX_CLASSES.has(name)) return fail('invalid character class range', s.slice(i, close + 2));
        i = close + 2;
        continue;
      }
    }
    if (s[i] === '\\' && s[i + 1] && 'dDsSwWpP'.includes(s[i + 1]!)) {
      const length = classEscapeLength(s, i);
      if (typeof length === 'string') return length;
      i += length;
      continue;
    }
    const start = i;
    const lo = char();
    if (typeof lo === 'string') return lo;
    if (s[i] === '-' && s[i + 1] !== undefined && s[i + 1] !== ']') {
      i++;
      const hi = char();
      if (typeof hi === 'string') return hi;
      if (hi.code < lo.code) return fail('invalid character class range', s.slice(start, i));
    }
  }
  return i + 1;
}
