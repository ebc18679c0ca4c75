import { join } from 'node:path';
import { MetaRejected, strictCidr } from '../allowlist/validate.js';
import { UserError } from '../errors.js';
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

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The saved lists reach generated files as they are, so they pass the grammar a fresh response
 * passes (strict CIDR, public unicast only); the ETag goes into a request header.
 */
function stateProblem(state: unknown): string | null {
  if (!isObject(state)) return 'not a JSON object';
  if (state.etag !== undefined && (typeof state.etag !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(state.etag))) return 'etag: not a printable ASCII string';
  if (state.allowlists === undefined) return null;
  if (!isObject(state.allowlists)) return 'allowlists: not an object';
  for (const [name, list] of Object.entries(state.allowlists)) {
    if (!isObject(list) || !Array.isArray(list.cidrs)) return `allowlists.${name}: expected { cidrs: [...] }`;
    for (const [index, entry] of list.cidrs.entries()) {
      try {
        strictCidr(entry);
      } catch (error) {
        if (error instanceof MetaRejected) return `allowlists.${name}.cidrs.${index}: ${error.message}`;
        throw error;
      }
    }
  }
  return null;
}

export async function readState(outputDir: string): Promise<State> {
  const path = join(outputDir, STATE_FILE);
  const text = await readIfExists(path);
  if (!text) return {};
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch {
    return {};
  }
  const problem = stateProblem(state);
  if (problem) throw new UserError(`${path}: ${problem}`, 'delete the file and run `proxygen refresh-allowlist` (render seeds from the bundled snapshot meanwhile)');
  return state as State;
}

export function writeState(outputDir: string, state: State): Promise<void> {
  return writeFileAtomic(join(outputDir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}
