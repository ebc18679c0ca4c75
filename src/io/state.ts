import { join } from 'node:path';
import { readIfExists, writeFileAtomic } from './write.js';

export const STATE_FILE = '.proxygen/state.json';
export const LOCK_FILE = '.proxygen/refresh.lock';

/** What refresh-allowlist remembers beside the output: the ETag and the last good lists. */
export interface State {
  etag?: string;
  sections?: string[];
  checked?: string;
  fetched?: string;
  allowlists?: Record<string, { cidrs: string[]; fetched?: string }>;
}

export async function readState(outputDir: string): Promise<State> {
  const text = await readIfExists(join(outputDir, STATE_FILE));
  if (!text) return {};
  try {
    return JSON.parse(text) as State;
  } catch {
    return {};
  }
}

export function writeState(outputDir: string, state: State): Promise<void> {
  return writeFileAtomic(join(outputDir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}
