import { existsSync, rmdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { EXIT, UserError } from '../errors.js';
import { unifiedDiff } from '../io/diff.js';
import { readIfExists, writeFileAtomic } from '../io/write.js';
import type { HostPlan } from './compose.js';
import { INSTALLERS, type LiveFile } from './installers/index.js';
import { beginJournal, commitJournal, rollbackJournal } from './journal.js';
import type { Command, HostLayout } from './layout.js';
import { manifestPath, manifestText, sha256, type Manifest } from './manifest.js';
import { runCommand } from './run-command.js';

export type Status = 'created' | 'updated' | 'removed' | 'unchanged';

export interface ChangeOptions {
  what: string;
  force?: boolean;
  dryRun?: boolean;
  diff?: boolean;
  reload: boolean;
}

export interface ChangeResult {
  files: { path: string; status: Status }[];
  diffs: string[];
  tested: string[];
  reloaded: string[];
  /** Targets whose reload is left to the operator (no reload command for them here). */
  notReloaded: string[];
}

/** Directories proxygen made for a site (under a `proxygen/` directory) go when they empty. */
function removeEmptyDirs(host: HostLayout, path: string): void {
  for (let dir = dirname(path); dir.includes('/proxygen/') || basename(dir) === 'proxygen'; dir = dirname(dir)) {
    try {
      rmdirSync(host.at(dir));
    } catch {
      return;
    }
  }
}

/** The lines of a tool's output that say what went wrong (Caddy logs info and warnings first). */
function firstLines(text: string, n = 3): string {
  const lines = text.split('\n').filter(Boolean);
  const errors = lines.filter((line) => /error|emerg|invalid|fail/i.test(line) && !/"level":"(info|warn|debug)"/.test(line));
  return (errors.length ? errors : lines).slice(0, n).join('\n  ');
}

/** Is something answering on the port? A reload that left the proxy down is a failed reload. */
function answers(where: string, deadline: number): Promise<boolean> {
  const [, host, port] = /^\[?(.*?)\]?:(\d+)$/.exec(where)!;
  return new Promise((resolve) => {
    const socket = connect(Number(port), host);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => (Date.now() > deadline ? resolve(false) : setTimeout(() => void answers(where, deadline).then(resolve), 100)));
  });
}

/**
 * Writes a host plan as one change: nothing foreign is overwritten without --force, every file is
 * journaled before the first write, the live validators judge the result, the proxies reload and
 * must answer; any failure puts every file back byte for byte (exit 4 or 5).
 */
export async function applyHostPlan(host: HostLayout, manifest: Manifest, plan: HostPlan, options: ChangeOptions): Promise<ChangeResult> {
  const next: Manifest = { version: 1, sites: plan.sites, files: { ...manifest.files }, originals: { ...manifest.originals } };
  const writes: LiveFile[] = [];
  const files: ChangeResult['files'] = [];
  const diffs: string[] = [];
  const foreign: string[] = [];
  for (const wanted of plan.files) {
    let content = wanted.content;
    const original = content === null ? manifest.originals[wanted.path] : undefined;
    if (original !== undefined) {
      content = await readIfExists(host.at(original));
      writes.push({ path: original, content: null, mode: 0o600 });
      delete next.originals[wanted.path];
    }
    const current = await readIfExists(host.at(wanted.path));
    const status: Status = current === content ? 'unchanged' : current === null ? 'created' : content === null ? 'removed' : 'updated';
    files.push({ path: wanted.path, status });
    if (status === 'unchanged') {
      // Already as proxygen would write it (a lost manifest, an earlier copy by hand): now owned.
      if (content !== null && original === undefined) next.files[wanted.path] = sha256(content);
      continue;
    }
    if (current !== null && manifest.files[wanted.path] !== sha256(current)) {
      if (!options.force) foreign.push(wanted.path);
      else if (!(wanted.path in manifest.files) && content !== null) {
        const copy = join(host.state, 'originals', wanted.path);
        writes.push({ path: copy, content: current, mode: 0o600 });
        next.originals[wanted.path] = copy;
      }
    }
    if (options.diff) diffs.push(unifiedDiff(current ?? '', content ?? '', host.at(wanted.path).replace(/^\//, '')));
    writes.push({ path: wanted.path, content, mode: wanted.mode });
    if (content === null || original !== undefined) delete next.files[wanted.path];
    else next.files[wanted.path] = sha256(content);
  }
  if (foreign.length) {
    throw new UserError(`${options.what}: proxygen did not write ${foreign.map((p) => host.at(p)).join(', ')} (or it was edited since); nothing was changed`, 'look at it, then use --force to replace it (a file proxygen never owned is kept under /var/lib/proxygen/originals and put back by uninstall)', EXIT.outside);
  }
  const result: ChangeResult = { files, diffs, tested: [], reloaded: [], notReloaded: [] };
  if (options.dryRun || writes.length === 0) return result;

  const reloads = options.reload ? plan.targets.map((t) => [t, INSTALLERS[t].reload(host)] as const) : [];
  const commands = reloads.filter(([, c]) => c !== null).map(([, c]) => c as Command);
  const manifestFile = { path: manifestPath(host), content: manifestText(next), mode: 0o644 };
  const state = host.at(host.state);
  await beginJournal(state, options.what, [...writes, manifestFile].map((f) => host.at(f.path)), commands);
  const undo = async (reload: boolean) => void (await rollbackJournal(state, { reload }));
  try {
    for (const file of writes) {
      if (file.content === null) rmSync(host.at(file.path), { force: true });
      else await writeFileAtomic(host.at(file.path), file.content, file.mode);
    }
    for (const target of plan.targets) {
      const verdict = await INSTALLERS[target].test(host);
      if (!verdict.ok) {
        await undo(false);
        if (verdict.missing) throw new UserError(`${options.what}: cannot validate ${target}: ${verdict.output}; every file was restored`, `install ${target}, or name its test command in install.${target}.test`, EXIT.outside);
        throw new UserError(`${options.what}: ${target} rejected the live configuration; every file was restored:\n  ${firstLines(verdict.output)}`, 'fix what it names (`proxygen apply --dry-run --diff` shows the change)', EXIT.rolledBack);
      }
      result.tested.push(target);
    }
    for (const [target, command] of reloads) {
      if (command === null) {
        result.notReloaded.push(target);
        continue;
      }
      const outcome = await runCommand(command);
      if (!outcome.ok) throw await reloadFailed(`\`${command.join(' ')}\` failed: ${firstLines(outcome.output)}`);
      result.reloaded.push(target);
    }
    if (result.reloaded.some((t) => t === 'nginx' || t === 'caddy')) {
      const deadline = Date.now() + 5_000;
      for (const where of plan.probes) if (!(await answers(where, deadline))) throw await reloadFailed(`reloaded, but nothing answers on ${where}`);
    }
    await writeFileAtomic(host.at(manifestFile.path), manifestFile.content, manifestFile.mode);
    commitJournal(state);
    for (const file of writes) if (file.content === null) removeEmptyDirs(host, file.path);
    return result;
  } catch (error) {
    if (existsSync(join(state, 'journal', 'journal.json'))) await undo(false);
    // A disk or permission failure half-way is the host's, not ours: said as such, after the restore.
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && !(error instanceof UserError)) throw new UserError(`${options.what}: ${(error as Error).message}; every file was restored`, 'run it as root (or fix the path it names)', EXIT.outside);
    throw error;
  }

  async function reloadFailed(message: string): Promise<UserError> {
    await undo(true);
    return new UserError(`${options.what}: ${message}; every file was restored and the previous configuration reloaded`, 'see the proxy\'s log (journalctl -u nginx / caddy), then run apply again', EXIT.reloadFailed);
  }
}
