type Op = { kind: ' ' | '-' | '+'; text: string; a: number; b: number };

/** A unified diff of two texts: line based, LCS on the changed middle (capped for huge files). */
export function unifiedDiff(oldText: string, newText: string, label: string, context = 3): string {
  const a = oldText === '' ? [] : oldText.split('\n');
  const b = newText.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) endA--, endB--;
  const ops: Op[] = [];
  for (let i = 0; i < start; i++) ops.push({ kind: ' ', text: a[i]!, a: i, b: i });
  ops.push(...middleOps(a.slice(start, endA), b.slice(start, endB), start));
  for (let i = endA, j = endB; i < a.length; i++, j++) ops.push({ kind: ' ', text: a[i]!, a: i, b: j });
  return [`--- a/${label}`, `+++ b/${label}`, ...hunks(ops, context)].join('\n');
}

function middleOps(a: string[], b: string[], offset: number): Op[] {
  const at = (i: number, j: number) => ({ a: offset + i, b: offset + j });
  if (a.length * b.length > 4_000_000) {
    return [...a.map((text, i) => ({ kind: '-' as const, text, ...at(i, 0) })), ...b.map((text, j) => ({ kind: '+' as const, text, ...at(a.length, j) }))];
  }
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const out: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) out.push({ kind: ' ', text: a[i]!, ...at(i++, j++) });
    else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) out.push({ kind: '-', text: a[i]!, ...at(i++, j) });
    else out.push({ kind: '+', text: b[j]!, ...at(i, j++) });
  }
  return out;
}

function hunks(ops: Op[], context: number): string[] {
  const changed = ops.map((op, index) => (op.kind === ' ' ? -1 : index)).filter((index) => index >= 0);
  const lines: string[] = [];
  let k = 0;
  while (k < changed.length) {
    const first = Math.max(0, changed[k]! - context);
    let last = changed[k]!;
    while (k + 1 < changed.length && changed[k + 1]! - last <= 2 * context) last = changed[++k]!;
    k++;
    const end = Math.min(ops.length - 1, last + context);
    const slice = ops.slice(first, end + 1);
    const countA = slice.filter((op) => op.kind !== '+').length;
    const countB = slice.filter((op) => op.kind !== '-').length;
    lines.push(`@@ -${ops[first]!.a + 1},${countA} +${ops[first]!.b + 1},${countB} @@`, ...slice.map((op) => `${op.kind}${op.text}`));
  }
  return lines;
}
