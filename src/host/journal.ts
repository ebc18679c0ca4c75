import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { readIfExists, writeFileAtomic } from '../io/write.js';
import { runCommand } from './run-command.js';
import type { Command } from './layout.js';

/**
 * A change in progress, certbot-style: every file about to change is copied aside and listed
 * before the first live write. Its removal is the commit; finding it at start means a run died
 * half-way, and its files are put back byte for byte.
 */
interface Journal {
  started: string;
  what: string;
  files: { path: string; backup: string | null; mode: number }[];
  /** Run after a rollback so the proxies drop whatever a killed run had loaded. */
  reload: Command[];
}

const journalDir = (state: string) => join(state, 'journal');
const journalFile = (state: string) => join(journalDir(state), 'journal.json');

function writeDurably(path: string, content: string | Buffer, mode = 0o600): void {
  const fd = openSync(path, 'w', mode);
  try {
    writeFileSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Copies each file aside and records the journal; `paths` are real paths on this machine. */
export async function beginJournal(state: string, what: string, paths: string[], reload: Command[]): Promise<void> {
  const dir = journalDir(state);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = paths.map((path, index) => {
    let mode = 0o644;
    let content: Buffer | null = null;
    try {
      content = readFileSync(path);
      mode = statSync(path).mode & 0o7777;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const backup = content === null ? null : join(dir, String(index));
    if (backup) writeDurably(backup, content!);
    return { path, backup, mode };
  });
  await writeFileAtomic(journalFile(state), `${JSON.stringify({ started: new Date().toISOString(), what, files, reload } satisfies Journal, null, 2)}\n`, 0o600);
}

/** The change is complete: forget the copies. */
export function commitJournal(state: string): void {
  rmSync(journalFile(state), { force: true });
  rmSync(journalDir(state), { recursive: true, force: true });
}

// A write killed between its temp file and the rename leaves `.name.<pid>.<n>.tmp` beside it.
function removeTempSiblings(path: string): void {
  const prefix = `.${basename(path)}.`;
  try {
    for (const name of readdirSync(dirname(path))) if (name.startsWith(prefix) && name.endsWith('.tmp')) rmSync(join(dirname(path), name), { force: true });
  } catch {
    // the directory is gone: nothing to clean
  }
}

/** Puts every journaled file back as it was; returns what was undone, or null when nothing was pending. */
export async function rollbackJournal(state: string, options: { reload: boolean }): Promise<{ what: string; files: number; reloadFailures: string[] } | null> {
  const text = await readIfExists(journalFile(state));
  if (text === null) {
    rmSync(journalDir(state), { recursive: true, force: true });
    return null;
  }
  let journal: Journal;
  try {
    journal = JSON.parse(text) as Journal;
  } catch {
    throw new UserError(`${journalFile(state)}: an interrupted change whose journal cannot be read; nothing was repaired`, `compare the files it lists with the copies beside it, then remove ${journalDir(state)}`, 3);
  }
  for (const file of journal.files) {
    if (file.backup === null) rmSync(file.path, { force: true });
    else await writeFileAtomic(file.path, readFileSync(file.backup), file.mode);
    removeTempSiblings(file.path);
  }
  const reloadFailures: string[] = [];
  if (options.reload) {
    for (const command of journal.reload) {
      const result = await runCommand(command);
      if (!result.ok) reloadFailures.push(`${command.join(' ')}: ${result.output}`);
    }
  }
  commitJournal(state);
  return { what: journal.what, files: journal.files.length, reloadFailures };
}
