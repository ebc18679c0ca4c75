import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

function ignoreErrors<T>(work: () => T): T | undefined {
  try {
    return work();
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An exclusive lock file holding our pid. A lock left by a dead process (kill -9, reboot) is
 * taken over; a live holder is waited for up to `waitMs`.
 */
export async function acquireLock(path: string, waitMs: number): Promise<() => void> {
  mkdirSync(dirname(path), { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    // The pid is written first and hard-linked into place, so a lock file is never seen empty
    // (a kill -9 between create and write would otherwise leave a lock nobody can judge stale).
    const mine = `${path}.${process.pid}`;
    writeFileSync(mine, `${process.pid}\n`);
    try {
      linkSync(mine, path);
      return () => ignoreErrors(() => unlinkSync(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      ignoreErrors(() => unlinkSync(mine));
    }
    const holder = Number((ignoreErrors(() => readFileSync(path, 'utf8')) ?? '').trim());
    if (holder && !alive(holder)) {
      // Rename first so two waiters cannot both delete a lock that one of them just took.
      const stale = `${path}.stale.${process.pid}`;
      ignoreErrors(() => {
        renameSync(path, stale);
        unlinkSync(stale);
      });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another refresh (pid ${holder || '?'}) holds ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
  }
}
