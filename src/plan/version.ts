/** `1.22.1` >= [1, 25, 1]? Missing parts count as 0. */
export function versionAtLeast(version: string, minimum: number[]): boolean {
  const parts = version.split('.').map(Number);
  for (let i = 0; i < minimum.length; i++) {
    const a = parts[i] ?? 0;
    if (a !== minimum[i]) return a > minimum[i]!;
  }
  return true;
}
