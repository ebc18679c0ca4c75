// A unified diff of two texts, as `diff -u` writes one: line based, an LCS on the changed middle
// (for huge middles, everything old out and everything new in).

/** A text's lines; a last line without a newline carries diff's marker, so it differs from one with. */
function lines(text: string): string[] {
  if (text === '') return [];
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  else all[all.length - 1] += '\n\\ No newline at end of file';
  return all;
}

/** Each line of the changed middle as ' ' (kept), '-' (only in a) or '+' (only in b). */
function middleKinds(a: string[], b: string[]): string {
  if (a.length === 0 || b.length === 0 || a.length * b.length > 4_000_000) return '-'.repeat(a.length) + '+'.repeat(b.length);
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  let kinds = '';
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) kinds += ' ', i++, j++;
    else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) kinds += '-', i++;
    else kinds += '+', j++;
  }
  return kinds;
}

/** A hunk's range: an empty one names the line before it, as diff and patch expect. */
const range = (start: number, count: number) => `${count === 0 ? start : start + 1},${count}`;

export function unifiedDiff(oldText: string, newText: string, label: string, context = 3): string {
  const a = lines(oldText);
  const b = lines(newText);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const kinds = ' '.repeat(head) + middleKinds(a.slice(head, a.length - tail), b.slice(head, b.length - tail)) + ' '.repeat(tail);
  const out = [`--- a/${label}`, `+++ b/${label}`];
  let i = 0;
  let j = 0;
  for (let at = 0; at < kinds.length; ) {
    let change = at;
    while (change < kinds.length && kinds[change] === ' ') change++;
    if (change === kinds.length) break;
    const first = Math.max(at, change - context);
    i += first - at;
    j += first - at;
    let last = change;
    // As diff -u: changes at most 2 * context unchanged lines apart share a hunk.
    for (let q = last + 1; q < kinds.length && q - last <= 2 * context + 1; q++) if (kinds[q] !== ' ') last = q;
    const end = Math.min(kinds.length, last + context + 1);
    const header = out.push('') - 1;
    const [fromA, fromB] = [i, j];
    for (let q = first; q < end; q++) {
      if (kinds[q] === '+') out.push(`+${b[j++]}`);
      else if (kinds[q] === '-') out.push(`-${a[i++]}`);
      else out.push(` ${a[i++]}`), j++;
    }
    out[header] = `@@ -${range(fromA, i - fromA)} +${range(fromB, j - fromB)} @@`;
    at = end;
  }
  return out.join('\n');
}
