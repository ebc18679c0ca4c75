import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

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
export async function acquireLock(path: string, waitMs: number): Promise<() => Promise<void>> {
  await mkdir(dirname(path), { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    // The pid is written first and hard-linked into place, so a lock file is never seen empty
    // (a kill -9 between create and write would otherwise leave a lock nobody can judge stale).
    const mine = `${path}.${process.pid}`;
    await writeFile(mine, `${process.pid}\n`);
    try {
      await link(mine, path);
      return () => unlink(path).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await unlink(mine).catch(() => undefined);
    }
    const holder = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (holder && !alive(holder)) {
      // Rename first so two waiters cannot both delete a lock that one of them just took.
      const stale = `${path}.stale.${process.pid}`;
      await rename(path, stale).then(() => unlink(stale), () => undefined);
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another refresh (pid ${holder || '?'}) holds ${path}`);
    await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
  }
}
