import { join, relative } from 'node:path';
import { TARGET_NAMES, type TargetName } from '../config/schema.js';
import { UserError } from '../errors.js';
import { unifiedDiff } from '../io/diff.js';
import { readIfExists, writeFilesAtomic, type FileToWrite } from '../io/write.js';
import { style, type GlobalOptions } from '../output.js';
import { loadProject } from '../project.js';
import { gapsFor } from '../targets/capabilities.js';
import { writeOut } from '../io/stdio.js';

export interface RenderOptions extends GlobalOptions {
  target?: string[];
  out?: string;
  dryRun?: boolean;
  diff?: boolean;
  stdout?: string | boolean;
}

type Status = 'created' | 'updated' | 'unchanged' | 'kept';

const isAllowlist = (path: string) => path.includes('/allowlists/');

export function parseTargets(list: string[] | undefined): TargetName[] | undefined {
  if (!list) return undefined;
  const names = list.flatMap((item) => item.split(',')).map((item) => item.trim());
  for (const name of names) {
    if (!(TARGET_NAMES as readonly string[]).includes(name)) throw new UserError(`--target ${name}: unknown target`, `use one of ${TARGET_NAMES.join(', ')}`);
  }
  return [...new Set(names)] as TargetName[];
}

/** Writes a loaded project's files (allowlists only seeded), returning what happened to each. */
export async function writeProject(project: Awaited<ReturnType<typeof loadProject>>, options: { dryRun?: boolean; diff?: boolean } = {}) {
  const { files, outputDir, plan } = project;
  const results: { path: string; status: Status }[] = [];
  const diffs: string[] = [];
  const toWrite: FileToWrite[] = [];
  for (const file of files) {
    const target = join(outputDir, file.path);
    const current = await readIfExists(target);
    // Allowlist files belong to refresh-allowlist once they exist; render only seeds them.
    const status: Status = current === null ? 'created' : current === file.content ? 'unchanged' : isAllowlist(file.path) ? 'kept' : 'updated';
    results.push({ path: file.path, status });
    if (status === 'created' || status === 'updated') {
      if (options.diff) diffs.push(unifiedDiff(current ?? '', file.content, file.path));
      toWrite.push(file);
    }
  }
  if (!options.dryRun) await writeFilesAtomic(outputDir, toWrite);
  const gaps = project.targets.map((target) => ({ target, gaps: gapsFor(plan, target) }));
  return { results, diffs, gaps };
}

export async function run(options: RenderOptions): Promise<void> {
  const project = await loadProject(options.config, { out: options.out, targets: parseTargets(options.target) });
  const { files, outputDir, plan } = project;

  if (options.stdout !== undefined && options.stdout !== false) {
    const wanted = typeof options.stdout === 'string' ? options.stdout : undefined;
    const picked = wanted ? files.find((f) => f.path === wanted) : files.filter((f) => f.path !== 'README.md' && !isAllowlist(f.path)).length === 1 ? files.find((f) => f.path !== 'README.md' && !isAllowlist(f.path)) : undefined;
    if (!picked) throw new UserError(wanted ? `--stdout ${wanted}: not a rendered file` : '--stdout needs a file when several are rendered', `one of: ${files.map((f) => f.path).join(', ')}`);
    writeOut(picked.content);
    return;
  }

  const { results, diffs, gaps } = await writeProject(project, options);
  if (options.json) {
    writeOut(`${JSON.stringify({ output: outputDir, dryRun: !!options.dryRun, allowlists: project.allowlistOrigin, files: results, gaps }, null, 2)}\n`);
    return;
  }
  const shownDir = relative(process.cwd(), outputDir) || '.';
  const verb = options.dryRun ? 'would write' : 'wrote';
  const changed = results.filter((r) => r.status === 'created' || r.status === 'updated');
  const lines = results.map((r) => `${style.status(r.status)} ${join(shownDir, r.path)}`);
  const origin = project.allowlistOrigin ? ` (allowlists from the ${project.allowlistOrigin})` : '';
  lines.push(`${verb} ${changed.length} of ${results.length} files under ${shownDir}/${origin}`);
  for (const { target, gaps: list } of gaps) {
    for (const line of list) lines.push(style.warn(`${target}: ${line}`));
  }
  if (diffs.length) lines.push('', ...diffs);
  writeOut(`${lines.join('\n')}\n`);
}
