import { chownSync, closeSync, fchmodSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { printable, UserError } from '../errors.js';

export interface FileToWrite {
  path: string;
  content: string | Uint8Array;
  /** For a new file; a file that exists keeps its own mode and owner (see modeFor). */
  mode: number;
}

let tempCounter = 0;

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/**
 * A file that exists keeps its mode, except that a file we write private (no group or other
 * bits, e.g. one that could hold a secret) never stays readable by others.
 */
function modeFor(existing: Stats | null, wanted: number): number {
  if (!existing) return wanted;
  const kept = existing.mode & 0o7777;
  return (wanted & 0o077) === 0 ? kept & ~0o077 : kept;
}

/** Refuses a path that is, or sits in a directory that is, a link proxygen did not make. */
function refuseLinks(path: string, below: string): Stats | null {
  for (let dir = dirname(path); dir.startsWith(below) && dir !== dirname(dir); dir = dirname(dir)) {
    if (lstatOrNull(dir)?.isSymbolicLink()) throw linkError(dir);
    if (dir === below) break;
  }
  const stat = lstatOrNull(path);
  if (stat?.isSymbolicLink()) throw linkError(path);
  if (stat && !stat.isFile()) throw new UserError(`${printable(path)} is not a regular file; proxygen writes only files`, 'move it away, then run the command again');
  return stat;
}

const linkError = (path: string) =>
  new UserError(`${printable(path)} is a symbolic link; proxygen replaces files and does not write through links it did not create`, 'point the output at the real directory, or remove the link');

function stage(path: string, content: string | Uint8Array, existing: Stats | null, mode: number): string {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${(tempCounter++).toString(36)}.tmp`);
  const fd = openSync(temp, 'wx', mode);
  try {
    writeFileSync(fd, content);
    fchmodSync(fd, modeFor(existing, mode));
    if (existing && process.getuid?.() === 0) chownSync(temp, existing.uid, existing.gid);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  return temp;
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * All or nothing: every file is written to a temporary beside it and synced first; only when all
 * are written are they renamed into place. A full disk or a refused directory changes nothing.
 * Paths are checked below `root`: no link on the way, nothing but regular files replaced.
 */
export async function writeFilesAtomic(root: string, files: FileToWrite[]): Promise<void> {
  const staged: { temp: string; path: string }[] = [];
  try {
    for (const file of files) {
      const path = join(root, file.path);
      const existing = refuseLinks(path, root);
      staged.push({ temp: stage(path, file.content, existing, file.mode), path });
    }
  } catch (error) {
    for (const { temp } of staged) rmSync(temp, { force: true });
    throw error;
  }
  for (const { temp, path } of staged) renameSync(temp, path);
  for (const dir of new Set(staged.map(({ path }) => dirname(path)))) fsyncDir(dir);
}

/** One file, all or nothing (see writeFilesAtomic). */
export async function writeFileAtomic(path: string, content: string | Uint8Array, mode = 0o644): Promise<void> {
  await writeFilesAtomic(dirname(path), [{ path: basename(path), content, mode }]);
}

export async function readIfExists(path: string): Promise<string | null> {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Every file under `dir`, relative to it (none when `dir` does not exist). */
export async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = readdirSync(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
  } catch {
    return [];
  }
}
