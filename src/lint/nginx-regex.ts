// Just enough of PCRE for the lint rules: the capture groups of a location/rewrite/if regex and
// whether a group can match a given character. Over-approximates (a group is read as the set of
// characters it could match anywhere), which is the safe side for "can this carry \n".

/** Group bodies by number (index 0 is $1) and by lower-cased name; $0 is the whole pattern. */
export function captureGroups(pattern: string): { numbered: string[]; named: Map<string, string> } {
  const numbered: string[] = [];
  const named = new Map<string, string>();
  const open: { start: number; index: number | null; name?: string }[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (c === '[') i = classEnd(pattern, i);
    else if (c === '(') {
      const name = /^\(\?(?:P?<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(pattern.slice(i));
      if (pattern[i + 1] !== '?' || name) {
        open.push({ start: i + (name ? name[0].length : 1), index: numbered.length, name: name?.[1] ?? name?.[2] });
        numbered.push('');
      } else open.push({ start: i, index: null });
    } else if (c === ')') {
      const group = open.pop();
      if (group?.index == null) continue;
      numbered[group.index] = pattern.slice(group.start, i);
      if (group.name) named.set(group.name.toLowerCase(), numbered[group.index]!);
    }
  }
  return { numbered, named };
}

/** Index of the `]` closing the class opened at `start`. */
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern.startsWith('[:', i)) i = Math.max(i, pattern.indexOf(':]', i + 2) + 1);
    else if (pattern[i] === ']') return i;
  }
  return pattern.length;
}

type Probe = '\n' | '.' | '/';

// What each escape matches of the probed characters (PCRE).
const ESCAPES: Record<string, Probe[]> = { W: ['\n', '.', '/'], D: ['\n', '.', '/'], S: ['.', '/'], s: ['\n'], n: ['\n'], v: ['\n'], R: ['\n'], N: ['.', '/'], C: ['\n', '.', '/'], H: ['\n', '.', '/'], V: ['.', '/'], h: [] };
const POSIX: Record<string, Probe[]> = { space: ['\n'], cntrl: ['\n'], punct: ['.', '/'], graph: ['.', '/'], print: ['.', '/'] };
const escapeMatches = (letter: string, probe: Probe) => (ESCAPES[letter] ? ESCAPES[letter]!.includes(probe) : letter === probe);

function classMatches(inner: string, probe: Probe): boolean {
  const negated = inner.startsWith('^');
  let listed = false;
  for (let i = negated ? 1 : 0; i < inner.length && !listed; i++) {
    const c = inner[i]!;
    const posixEnd = inner.startsWith('[:', i) ? inner.indexOf(':]', i) : -1;
    if (posixEnd >= 0) {
      listed = (POSIX[inner.slice(i + 2, posixEnd)] ?? []).includes(probe);
      i = posixEnd + 1;
    } else if (c === '\\') listed = escapeMatches(inner[++i] ?? '', probe);
    else if (inner[i + 1] === '-' && i + 2 < inner.length) {
      listed = c <= probe && probe <= inner[i + 2]!;
      i += 2;
    } else listed = c === probe;
  }
  return negated ? !listed : listed;
}

/** Whether a group body can match `probe` somewhere; PCRE's `.` stops at a newline unless (?s). */
export function canMatch(body: string, probe: Probe): boolean {
  const dotAll = /\(\?[a-z]*s/.test(body);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      if (escapeMatches(body[++i] ?? '', probe)) return true;
    } else if (c === '[') {
      const end = classEnd(body, i);
      if (classMatches(body.slice(i + 1, end), probe)) return true;
      i = end;
    } else if (c === '.') {
      if (probe !== '\n' || dotAll) return true;
    } else if (c === probe) return true;
  }
  return false;
}
