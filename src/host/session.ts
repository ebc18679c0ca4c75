import { join } from 'node:path';
import { UserError } from '../errors.js';
import { acquireLock } from '../io/lock.js';
import { writeErr } from '../io/stdio.js';
import { rollbackJournal } from './journal.js';
import type { HostLayout } from './layout.js';
import { readManifest, type Manifest } from './manifest.js';

export const hostLockPath = (host: HostLayout) => host.at(join(host.state, 'lock'));

/**
 * Runs `work` holding the host lock, after repairing a change a killed run left half-done: its
 * files go back as they were and the proxies reload them. A dry run only reads.
 */
export async function withHost<T>(host: HostLayout, what: string, dryRun: boolean, work: (manifest: Manifest) => Promise<T>): Promise<T> {
  if (dryRun) return work(await readManifest(host));
  const release = await acquireLock(hostLockPath(host), 120_000).catch((error: Error) => {
    throw new UserError(`${what}: ${error.message}`, 'wait for the other proxygen run to finish', 3);
  });
  try {
    const repaired = await rollbackJournal(host.at(host.state), { reload: true });
    if (repaired) {
      writeErr(`proxygen: repaired: "${repaired.what}" was interrupted; its ${repaired.files} files were put back as they were\n`);
      for (const failure of repaired.reloadFailures) writeErr(`proxygen: warning: reload after the repair failed: ${failure}\n`);
    }
    return await work(await readManifest(host));
  } finally {
    release();
  }
}
