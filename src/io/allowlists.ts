import { readFileSync } from 'node:fs';
import type { Config } from '../config/resolve.js';
import { mergeCidrs } from '../plan/cidr.js';
import { readState } from './state.js';

interface Snapshot {
  taken: string;
  sections: Record<string, string[]>;
}

// The snapshot ships as a file of the package (package.json "files"). __PROXYGEN_SNAPSHOT__ is its
// path relative to the directory of the code that reads it (dist/ once built, src/io/ in tests).
function loadSnapshot(): Snapshot {
  return JSON.parse(readFileSync(new URL(__PROXYGEN_SNAPSHOT__, import.meta.url), 'utf8')) as Snapshot;
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
      const { sections } = snapshot;
      cidrs[name] = mergeCidrs(spec.sections.flatMap((section) => sections[section] ?? []));
    }
  }
  const origin = snapshot ? `bundled GitHub meta snapshot of ${snapshot.taken}` : fromState ? 'last refresh' : null;
  return { cidrs, origin };
}
