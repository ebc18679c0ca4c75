import { linkSync, lstatSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { EXIT, printable, UserError } from '../errors.js';
import { pidAlive } from './pid.js';

// No refresh or apply runs this long: a lock older than this is left over, whatever it says.
const MAX_LOCK_AGE_MS = 60 * 60 * 1000;
// A lock that says nothing we can read is judged by its age alone: long enough for any writer
// to have finished writing it (ours never shows an empty file, see acquireLock).
const UNREADABLE_GRACE_MS = 5_000;

function ignoreErrors<T>(work: () => T): T | undefined {
  try {
    return work();
  } catch {
    return undefined;
  }
}

/** When a process started, in clock ticks since boot (Linux /proc); '' where unknown. */
function startTimeOf(pid: number): string {
  const stat = ignoreErrors(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
  // Field 22; the command name (field 2) may hold spaces, so count from its closing parenthesis.
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

/** Whether the lock at `path` was left by a process that is gone (or by another process now under its pid). */
function stale(path: string): { stale: boolean; holder: string } {
  const stat = lstatSync(path);
  if (!stat.isFile()) throw new UserError(`${printable(path)} is not a regular file, so it cannot be a lock proxygen made`, 'remove it, then run the command again', EXIT.outside);
  const age = Date.now() - stat.mtimeMs;
  const [pidText = '', started = ''] = (ignoreErrors(() => readFileSync(path, 'utf8')) ?? '').trim().split(' ');
  const pid = /^[1-9][0-9]{0,9}$/.test(pidText) ? Number(pidText) : 0;
  if (age > MAX_LOCK_AGE_MS) return { stale: true, holder: pidText };
  if (!pid) return { stale: age > UNREADABLE_GRACE_MS, holder: '?' };
  return { stale: !pidAlive(pid) || (started !== '' && startTimeOf(pid) !== started), holder: String(pid) };
}

/**
 * An exclusive lock file holding our pid and start time. A lock left by a dead process (kill -9,
 * reboot), by an earlier process whose pid is reused now, or an unreadable or ancient one is taken
 * over; a live holder is waited for up to `waitMs`.
 */
export async function acquireLock(path: string, waitMs: number): Promise<() => void> {
  mkdirSync(dirname(path), { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    // Written first and hard-linked into place, so a lock file is never seen half-written.
    const mine = `${path}.${process.pid}`;
    try {
      writeFileSync(mine, `${process.pid} ${startTimeOf(process.pid)}\n`);
      linkSync(mine, path);
      return () => ignoreErrors(() => unlinkSync(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      ignoreErrors(() => unlinkSync(mine));
    }
    const judged = ignoreErrors(() => lstatSync(path)) ? stale(path) : { stale: false, holder: '' };
    if (judged.stale) {
      // Renamed first, so two waiters cannot both remove a lock that one of them just took.
      const left = `${path}.stale.${process.pid}`;
      ignoreErrors(() => {
        renameSync(path, left);
        unlinkSync(left);
      });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another run (pid ${judged.holder || '?'}) holds ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
  }
}
