/** A compact unified diff of two texts (line based; middle part by LCS, capped for huge files). */
export function unifiedDiff(oldText: string, newText: string, label: string, context = 3): string {
  const a = oldText === '' ? [] : oldText.split('\n');
  const b = newText.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) endA--, endB--;
  const ops = middleOps(a.slice(start, endA), b.slice(start, endB));
  const lines = [`--- a/${label}`, `+++ b/${label}`, `@@ -${start + 1},${endA - start} +${start + 1},${endB - start} @@`];
  for (let i = Math.max(0, start - context); i < start; i++) lines.push(` ${a[i]}`);
  lines.push(...ops);
  for (let i = endA; i < Math.min(a.length, endA + context); i++) lines.push(` ${a[i]}`);
  return lines.join('\n');
}

function middleOps(a: string[], b: string[]): string[] {
  if (a.length * b.length > 4_000_000) return [...a.map((l) => `-${l}`), ...b.map((l) => `+${l}`)];
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) out.push(` ${a[i++]}`), j++;
    else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) out.push(`+${b[j++]}`);
    else out.push(`-${a[i++]}`);
  }
  return out;
}
