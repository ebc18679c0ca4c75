import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pidAlive } from './pid.js';

const PREFIX = 'proxygen-sandbox-';
// A validator run never takes this long: a sandbox this old is left over whatever its pid says.
const MAX_AGE_MS = 6 * 60 * 60 * 1000;

/**
 * Removes sandboxes a killed run left behind: ours (same user), named with a pid that is gone, or
 * too old to belong to a run still going. Best effort; never follows a link.
 */
function sweep(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.startsWith(PREFIX));
  } catch {
    return;
  }
  for (const name of names) {
    try {
      const path = join(dir, name);
      const stat = lstatSync(path);
      if (!stat.isDirectory() || stat.uid !== process.getuid?.()) continue;
      const pid = Number(/^proxygen-sandbox-(\d+)-/.exec(name)?.[1] ?? 0);
      if ((pid && pid !== process.pid && !pidAlive(pid)) || Date.now() - stat.mtimeMs > MAX_AGE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Another run removed it first, or it is not ours to remove.
    }
  }
}

/** A fresh sandbox directory named with our pid, after sweeping up the leftovers of killed runs. */
export function sandboxDir(): string {
  sweep(tmpdir());
  return mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
}
