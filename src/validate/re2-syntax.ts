// Go's regexp/syntax parser (RE2, Perl flags), as far as it accepts or rejects a pattern, with
// its error text: cloudflared compiles ingress `path` with it. JavaScript's RegExp differs both
// ways: it rejects (?i) and (?P<n>), and accepts \Z, backreferences, lookarounds and a{1001}.

import { classEnd, classEscapeLength, fail } from './re2-classes.js';

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
