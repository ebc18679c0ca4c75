import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { readSnapshot, type Snapshot } from '../allowlist/snapshot.js';
import type { Config } from '../config/resolve.js';
import { mergeCidrs } from '../plan/cidr.js';
import { readState } from './state.js';

// The snapshot ships as a file of the package (package.json "files"), read only when a config
// has allowlists: inside the bundle, every command read its 111 KB twice (the bundle and the code
// cache), about 2 ms of each start. __PROXYGEN_SNAPSHOT__ is its path relative to the directory of
// the code that reads it (dist/ once built, src/io/ in tests).
function loadSnapshot(): Snapshot {
  return readSnapshot(readFileSync(resolve(__dirname, __PROXYGEN_SNAPSHOT__), 'utf8'));
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
      snapshot ??= loadSnapshot();
      const { section } = snapshot;
      cidrs[name] = mergeCidrs(([] as string[]).concat(...spec.sections.map(section)));
    }
  }
  const origin = snapshot ? `bundled GitHub meta snapshot of ${snapshot.taken}` : fromState ? 'last refresh' : null;
  return { cidrs, origin };
}
