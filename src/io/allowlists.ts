import { readFileSync } from 'node:fs';
import type { Config } from '../config/resolve.js';
import type { AllowlistSource } from '../config/schema.js';
import { mergeCidrs } from '../plan/cidr.js';
import { readState } from './state.js';

interface Snapshot {
  taken: string;
  sections: Record<string, string[]>;
}

// The snapshots ship as files of the package (package.json "files"). __PROXYGEN_SNAPSHOT__ is the
// GitHub one's path relative to the directory of the code that reads it (dist/ once built, src/io/
// in tests); Cloudflare's sits beside it.
const SNAPSHOTS: Record<AllowlistSource, { file: string; origin: (taken: string) => string }> = {
  'github-meta': { file: '', origin: (taken) => `bundled GitHub meta snapshot of ${taken}` },
  'cloudflare-ips': { file: 'cloudflare-ips-snapshot.json', origin: (taken) => `bundled list of Cloudflare's ranges of ${taken}` },
};

function loadSnapshot(source: AllowlistSource): Snapshot {
  const github = new URL(__PROXYGEN_SNAPSHOT__, import.meta.url);
  const file = SNAPSHOTS[source].file;
  return JSON.parse(readFileSync(file ? new URL(file, github) : github, 'utf8')) as Snapshot;
}

/** Allowlist contents for render: the last refresh's if there is one, else the bundled snapshot. */
export async function seedAllowlists(config: Config, outputDir: string): Promise<{ cidrs: Record<string, string[]>; origin: string | null }> {
  const state = await readState(outputDir);
  const cidrs: Record<string, string[]> = {};
  let fromState = false;
  const snapshots = new Map<AllowlistSource, Snapshot>();
  for (const [name, spec] of Object.entries(config.allowlists)) {
    const saved = state.allowlists?.[name]?.cidrs;
    if (saved && saved.length > 0) {
      cidrs[name] = saved;
      fromState = true;
    } else {
      const snapshot = snapshots.get(spec.source) ?? loadSnapshot(spec.source);
      snapshots.set(spec.source, snapshot);
      cidrs[name] = mergeCidrs(spec.sections.flatMap((section) => snapshot.sections[section] ?? []));
    }
  }
  const origins = [...snapshots].map(([source, snapshot]) => SNAPSHOTS[source].origin(snapshot.taken));
  const origin = origins.length ? origins.join(' and ') : fromState ? 'last refresh' : null;
  return { cidrs, origin };
}
