// Go's regexp/syntax parser (RE2, Perl flags), as far as it accepts or rejects a pattern, with
// its error text: cloudflared compiles ingress `path` with it. JavaScript's RegExp differs both
// ways: it rejects (?i) and (?P<n>), and accepts \Z, backreferences, lookarounds and a{1001}.

const fail = (code: string, expr: string) => `error parsing regexp: ${code}: \`${expr}\``;
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
      const close = s.indexOf('}', at + 3);
      const digits = close < 0 ? '' : s.slice(at + 3, close);
      return /^[0-9A-Fa-f]+$/.test(digits) && parseInt(digits, 16) <= 0x10ffff ? close + 1 - at : bad(close < 0 ? s.length : close + 1);
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
function classEscapeLength(s: string, at: number): number | string {
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
function classEnd(s: string, at: number): number | string {
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

/** Go's error for a pattern cloudflared would reject, or null when RE2 accepts it. */
export function re2Error(s: string): string | null {
  // Per open group: the largest repeat weight inside; `weight` is that of the last atom.
  const groups: number[] = [0];
  let canRepeat = false;
  let lastRepeat = -1;
  let weight = 1;
  const atom = (w = 1) => {
    canRepeat = true;
    lastRepeat = -1;
    weight = w;
    groups[groups.length - 1] = Math.max(groups[groups.length - 1]!, w);
  };
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    const repeat = c === '{' ? /^\{(0|[1-9][0-9]*)(,(0|[1-9][0-9]*)?)?\}/.exec(s.slice(i)) : null;
    if ('*+?'.includes(c) || repeat) {
      let end = i + (repeat ? repeat[0].length : 1);
      if (s[end] === '?') end++;
      if (lastRepeat >= 0) return fail('invalid nested repetition operator', s.slice(lastRepeat, end));
      if (!canRepeat) return fail('missing argument to repetition operator', s.slice(i, end));
      if (repeat) {
        const big = (digits: string | undefined) => (digits === undefined ? -1 : digits.length > 8 ? Infinity : Number(digits));
        const min = big(repeat[1]);
        const max = repeat[2] === undefined ? min : big(repeat[3]);
        const count = max === 0 ? 0 : max < 0 ? min : max;
        if (min > 1000 || max > 1000 || (max >= 0 && min > max) || (count >= 2 && count * weight > 1000)) return fail('invalid repeat count', s.slice(i, end));
        if (count > 0) groups[groups.length - 1] = Math.max(groups[groups.length - 1]!, count * weight);
      }
      lastRepeat = i;
      i = end;
      continue;
    }
    if (c === '(') {
      if (s[i + 1] === '?') {
        const named = /^\(\?P?<([^>]*)>/.exec(s.slice(i));
        if (named || /^\(\?P?</.test(s.slice(i))) {
          if (!named) return fail('invalid named capture', s.slice(i));
          if (!/^[A-Za-z0-9_]+$/.test(named[1]!)) return fail('invalid named capture', named[0]);
          i += named[0].length;
        } else {
          const flags = /^\(\?(-?[imsU]+|[imsU]*-[imsU]+|[imsU]*)([:)])/.exec(s.slice(i));
          if (!flags) {
            const bad = /^\(\?[imsU]*-?[imsU]*/.exec(s.slice(i))![0].length;
            return fail('invalid or unsupported Perl syntax', s.slice(i, Math.min(s.length, i + bad + 1)));
          }
          i += flags[0].length;
          // Flags alone change no structure: a repeat after them applies to what came before.
          if (flags[2] === ')') {
            lastRepeat = -1;
            continue;
          }
        }
      } else i++;
      groups.push(0);
      canRepeat = false;
      lastRepeat = -1;
      continue;
    }
    if (c === ')') {
      if (groups.length === 1) return fail('unexpected )', s);
      const inner = groups.pop()!;
      i++;
      atom(Math.max(1, inner));
      continue;
    }
    if (c === '|') {
      canRepeat = false;
      lastRepeat = -1;
      i++;
      continue;
    }
    if (c === '[') {
      const end = classEnd(s, i);
      if (typeof end === 'string') return end;
      i = end;
    } else if (c === '\\') {
      const next = s[i + 1];
      if (next === 'C') return fail('invalid escape sequence', '\\C');
      if (next === 'Q') {
        const close = s.indexOf('\\E', i + 2);
        i = close < 0 ? s.length : close + 2;
      } else if (next && 'AbBz'.includes(next)) i += 2;
      else {
        const length = classEscapeLength(s, i);
        if (typeof length === 'string') return length;
        i += length;
      }
    } else i += s.codePointAt(i)! > 0xffff ? 2 : 1;
    atom();
  }
  return groups.length > 1 ? fail('missing closing )', s) : null;
}
