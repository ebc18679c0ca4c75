import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { sectionsOf } from '../allowlist/validate.js';
import { EXIT, UserError } from '../errors.js';
import { isApplied } from '../host/manifest.js';
import { unifiedDiff } from '../io/diff.js';
import { acquireLock } from '../io/lock.js';
import { runTool } from '../io/run.js';
import { LOCK_FILE, readState, writeState, type State } from '../io/state.js';
import { validateWithTools } from '../io/validators.js';
import { readIfExists, writeFilesAtomic } from '../io/write.js';
import { fail, fetchLists, refuseSuspicious } from '../io/meta-lists.js';
import type { GlobalOptions } from '../output.js';
import { buildPlan } from '../plan/plan.js';
import { loadProject, type Project } from '../project.js';
import { nginxAllowlistFile } from '../targets/nginx.js';
import { allowlistDependentPaths, renderAllowlistFiles, TARGETS } from '../targets/index.js';
import { writeErr, writeOut } from '../io/stdio.js';

export interface RefreshOptions extends GlobalOptions {
  source?: string;
  cloudflareSource?: string;
  dryRun?: boolean;
  force?: boolean;
  reload?: boolean;
  verbose?: boolean;
  timeout?: string;
  retries?: string;
  root?: string;
}


interface ListChange {
  name: string;
  before: number;
  after: number;
  added: string[];
  removed: string[];
}

const VALIDATED_TARGETS = ['nginx', 'caddy'] as const;


/** The `allow CIDR;` lines of an nginx allowlist file, in order. */
function nginxAllowEntries(text: string): string[] {
  const entries: string[] = [];
  for (const line of text.split('\n')) if (line.startsWith('allow ') && line.endsWith(';')) entries.push(line.slice(6, -1));
  return entries;
}

/**
 * What each list gains and loses. The usual cron run changes nothing, and then the nginx file on
 * disk is the one just rendered: one string comparison instead of reading thousands of lines.
 */
function diffLists(project: Project, state: State, onDisk: Map<string, string | null>, next: Record<string, string[]>, rendered: Map<string, string>): ListChange[] {
  return project.plan.allowlists.map(({ name }) => {
    const list = next[name]!;
    const path = nginxAllowlistFile(name);
    const text = onDisk.get(path);
    if (text && text === rendered.get(path)) return { name, before: list.length, after: list.length, added: [], removed: [] };
    const previous = (text ? nginxAllowEntries(text) : null) ?? state.allowlists?.[name]?.cidrs ?? [];
    if (previous.length === list.length && previous.every((cidr, i) => cidr === list[i])) return { name, before: list.length, after: list.length, added: [], removed: [] };
    const old = new Set(previous);
    const now = new Set(list);
    return { name, before: old.size, after: now.size, added: list.filter((c) => !old.has(c)), removed: [...old].filter((c) => !now.has(c)) };
  });
}

/**
 * Writes every changed file at once (all or nothing, see writeFilesAtomic); the returned restore
 * puts back what was there, byte for byte, from memory: no backup file to follow or leave behind.
 */
async function swapFiles(outputDir: string, changed: { path: string; content: string; mode: number; previous: string | null }[]): Promise<() => Promise<void>> {
  await writeFilesAtomic(outputDir, changed);
  return async () => {
    const previous = changed.filter((file) => file.previous !== null).map((file) => ({ ...file, content: file.previous! }));
    await writeFilesAtomic(outputDir, previous);
    for (const file of changed) if (file.previous === null) rmSync(join(outputDir, file.path), { force: true });
  };
}

async function reload(command: string | undefined): Promise<string | null> {
  if (!command) return null;
  const [file, ...args] = command.split(/\s+/);
  const result = await runTool(file!, args, { timeoutMs: 60_000 });
  if (result.code !== 0) throw fail(`files updated and valid, but \`${command}\` failed (${result.missing ? 'not found' : `exit ${result.code}`}): ${(result.stderr || result.stdout).trim().split('\n')[0] ?? ''}`, EXIT.reloadFailed);
  return command;
}

export async function run(options: RefreshOptions): Promise<void> {
  // The files are rendered once, with the new lists; the current ones are read from disk.
  const project = await loadProject(options.config, { render: false, seed: false });
  const { plan, outputDir, config } = project;
  if (plan.allowlists.length === 0) throw new UserError('refresh-allowlist: the config has no allowlists', 'add one, e.g. allowlists: { github-hooks: { source: github-meta, sections: [hooks] } }');
  const timeoutMs = Number(options.timeout ?? 10) * 1000;
  const retries = Number(options.retries ?? 2);
  if (!(timeoutMs > 0) || !Number.isInteger(retries) || retries < 0) throw new UserError('refresh-allowlist: --timeout takes seconds (> 0) and --retries a whole number');
  // A site put live by `proxygen apply` is refreshed where the proxy reads it.
  if (await isApplied(plan.domain, options.root)) return (await import('../host/refresh-live.js')).refreshLive(options, { timeoutMs, retries });
  const release = await acquireLock(join(outputDir, LOCK_FILE), 120_000).catch((error: Error) => {
    throw fail(error.message);
  });
  try {
    await refresh(project, options, { timeoutMs, retries, outputDir, reloadCommand: config.reload_command ?? (options.reload ? defaultReload(project) : undefined) });
  } finally {
    release();
  }
}

function defaultReload(project: Project): string | undefined {
  if (project.targets.includes('nginx')) return 'systemctl reload nginx';
  if (project.targets.includes('caddy')) return 'systemctl reload caddy';
  return undefined;
}

async function refresh(project: Project, options: RefreshOptions, env: { timeoutMs: number; retries: number; outputDir: string; reloadCommand?: string }): Promise<void> {
  const { plan, config } = project;
  const state = await readState(env.outputDir);
  const sections = sectionsOf(plan.allowlists);
  const paths = allowlistDependentPaths(plan, project.targets);
  const onDisk = new Map(await Promise.all(paths.map(async (path) => [path, await readIfExists(join(env.outputDir, path))] as const)));
  const complete = [...onDisk.values()].every((text) => text !== null);
  const sameSections = JSON.stringify(state.sections ?? []) === JSON.stringify(sections);
  const fetched = await fetchLists(project, options, { etag: complete && sameSections ? state.etag : undefined, timeoutMs: env.timeoutMs, retries: env.retries });
  const source = fetched.source;
  const now = new Date().toISOString();
  const report = (result: object) => {
    if (options.json) writeOut(`${JSON.stringify(result, null, 2)}\n`);
  };
  if (fetched.next === null) {
    if (!options.dryRun) await writeState(env.outputDir, { ...state, etag: fetched.etag, checked: now });
    if (options.verbose) writeOut(`unchanged: ${source} answered 304 Not Modified\n`);
    return report({ changed: false, notModified: true, etag: fetched.etag ?? null, lists: [] });
  }
  const next = fetched.next;
  const nextPlan = buildPlan(config, plan.source, next);
  const rendered = renderAllowlistFiles(nextPlan, project.targets);
  const changes = diffLists(project, state, onDisk, next, new Map(rendered.map((f) => [f.path, f.content])));
  refuseSuspicious(changes, options.force);
  const changed = rendered.filter((f) => onDisk.has(f.path) && onDisk.get(f.path) !== f.content).map((f) => ({ ...f, previous: onDisk.get(f.path) ?? null }));
  const newState: State = { ...state, etag: fetched.etag, sections, checked: now, fetched: now, allowlists: Object.fromEntries(Object.entries(next).map(([name, cidrs]) => [name, { cidrs, fetched: now }])) };
  const summary = { changed: changed.length > 0, etag: fetched.etag ?? null, added: changes.reduce((n, c) => n + c.added.length, 0), removed: changes.reduce((n, c) => n + c.removed.length, 0), lists: changes, files: changed.map((f) => f.path) };
  if (options.dryRun) {
    if (!options.json) writeOut(changed.map((f) => unifiedDiff(f.previous ?? '', f.content, f.path)).join('\n') + (changed.length ? '\n' : 'no change\n'));
    return report({ ...summary, dryRun: true });
  }
  if (changed.length === 0) {
    await writeState(env.outputDir, newState);
    if (options.verbose) writeOut('unchanged: the lists on disk are current\n');
    return report(summary);
  }
  // Whatever stops the validators (a bad PROXYGEN_VALIDATE_TIMEOUT, a sandbox that cannot be
  // laid out) must not leave unvalidated lists in place.
  const restore = await swapFiles(env.outputDir, changed);
  let checks: Awaited<ReturnType<typeof validateWithTools>>;
  try {
    // The validators need the whole site files around the lists, rendered only now that they run.
    checks = await validateWithTools(nextPlan, VALIDATED_TARGETS.filter((t) => project.targets.includes(t)).flatMap((t) => TARGETS[t](nextPlan)));
  } catch (error) {
    await restore();
    throw error;
  }
  const failed = checks.find((c) => !c.ok && !c.missing);
  if (failed) {
    await restore();
    throw fail(`${failed.target} rejected the new lists, previous files restored: ${failed.output.split('\n')[0] ?? ''}`, EXIT.rolledBack);
  }
  for (const missing of checks.filter((c) => c.missing)) writeErr(`proxygen: warning: ${missing.target} not found, the new lists were not validated by it\n`);
  await writeState(env.outputDir, newState);
  const reloaded = await reload(env.reloadCommand);
  if (options.verbose) {
    const lines = changes.map((c) => `${c.name}: ${c.after} ranges (+${c.added.length} -${c.removed.length})`);
    lines.push(...checks.filter((c) => c.ok).map((c) => `${c.target}: valid`), reloaded ? `reloaded: ${reloaded}` : 'not reloaded (use --reload or reload_command)');
    writeOut(`${lines.join('\n')}\n`);
  }
  report({ ...summary, validated: checks.map((c) => ({ target: c.target, ok: c.ok, missing: c.missing })), reloaded });
}
