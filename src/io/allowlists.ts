import { join } from 'node:path';
import snapshot from '../../fixtures/github-meta-snapshot.json' with { type: 'json' };
import type { Config } from '../config/resolve.js';
import { mergeCidrs } from '../plan/cidr.js';
import { readIfExists } from './write.js';

export const STATE_FILE = '.proxygen/state.json';

export interface AllowlistState {
  allowlists?: Record<string, { cidrs: string[]; fetched?: string }>;
}

export const SNAPSHOT_DATE = snapshot.taken;

/** Allowlist contents for render: the last refresh's if there is one, else the bundled snapshot. */
export async function seedAllowlists(config: Config, outputDir: string): Promise<{ cidrs: Record<string, string[]>; origin: string }> {
  const stateText = await readIfExists(join(outputDir, STATE_FILE));
  const state = stateText ? (JSON.parse(stateText) as AllowlistState) : {};
  const sections = snapshot.sections as Record<string, string[]>;
  const cidrs: Record<string, string[]> = {};
  let fromState = false;
  for (const [name, spec] of Object.entries(config.allowlists)) {
    const saved = state.allowlists?.[name]?.cidrs;
    if (saved && saved.length > 0) {
      cidrs[name] = saved;
      fromState = true;
    } else {
      cidrs[name] = mergeCidrs(spec.sections.flatMap((section) => sections[section] ?? []));
    }
  }
  return { cidrs, origin: fromState ? 'last refresh' : `bundled GitHub meta snapshot of ${snapshot.taken}` };
}
