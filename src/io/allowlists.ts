import { readSnapshot, type Snapshot } from '../allowlist/snapshot.js';
import type { Config } from '../config/resolve.js';
import { mergeCidrs } from '../plan/cidr.js';
import { readState } from './state.js';

// Loaded only when a config has allowlists; JSON.parse of a string is far cheaper to start
// than the same data as a JavaScript object literal.
async function loadSnapshot(): Promise<Snapshot> {
  const { default: text } = await import('../../fixtures/github-meta-snapshot.json?raw');
  return readSnapshot(text);
}

/** Allowlist contents for render: the last refresh's if there is one, else the bundled snapshot. */
export async function seedAllowlists(config: Config, outputDir: string): Promise<{ cidrs: Record<string, string[]>; origin: string | null }> {
  const state = await readState(outputDir);
  const cidrs: Record<string, string[]> = {};
  let fromState = false;
  let snapshot: Snapshot | undefined;
  for (const [name, spec] of Object.entries(config.allowlists)) {
    const saved = state.allowlists?.[name]?.cidrs;
    if (saved && saved.length > 0) {
      cidrs[name] = saved;
      fromState = true;
    } else {
      snapshot ??= await loadSnapshot();
      const { section } = snapshot;
      cidrs[name] = mergeCidrs(([] as string[]).concat(...spec.sections.map(section)));
    }
  }
  const origin = snapshot ? `bundled GitHub meta snapshot of ${snapshot.taken}` : fromState ? 'last refresh' : null;
  return { cidrs, origin };
}
