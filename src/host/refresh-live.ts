import { sectionsOf } from '../allowlist/validate.js';
import { UserError } from '../errors.js';
import type { RefreshOptions } from '../commands/refresh-allowlist.js';
import { fetchLists, refuseSuspicious } from '../io/meta-lists.js';
import { readState, writeState, type State } from '../io/state.js';
import { writeOut } from '../io/stdio.js';
import { buildPlan } from '../plan/plan.js';
import { renderTargets } from '../targets/index.js';
import { planHost } from './compose.js';
import { hostLayout } from './layout.js';
import { withHost } from './session.js';
import { loadSite, prepareSite, siteStateDir } from './site.js';
import { timerName } from './timer.js';
import { applyHostPlan } from './transaction.js';

/**
 * refresh-allowlist for an applied site: the new lists go into the live files through the same
 * change as apply (journal, live validator, reload, probe, restore). The ETag and lists are
 * recorded only once the proxies run them, so a failed or killed run is retried by the next.
 */
export async function refreshLive(options: RefreshOptions & { root?: string }, request: { timeoutMs: number; retries: number }): Promise<void> {
  const project = await loadSite(options.config, options.root);
  const { plan, config } = project;
  const host = hostLayout(config.install, options.root);
  const domain = plan.domain;
  const stateDir = host.at(siteStateDir(domain));
  const what = `refresh-allowlist ${domain}`;
  await withHost(host, what, !!options.dryRun, async (manifest) => {
    const record = manifest.sites[domain];
    if (!record) throw new UserError(`${what}: the site was uninstalled while this run waited for the lock`, `apply it again, or remove its timer`, 3);
    const state = await readState(stateDir);
    const sections = sectionsOf(plan.allowlists);
    const sameSections = JSON.stringify(state.sections ?? []) === JSON.stringify(sections);
    const fetched = await fetchLists(project, options, { etag: sameSections ? state.etag : undefined, ...request });
    const now = new Date().toISOString();
    if (fetched.next === null) {
      if (!options.dryRun) await writeState(stateDir, { ...state, checked: now });
      if (options.verbose) writeOut(`unchanged: ${fetched.source} answered 304 Not Modified\n`);
      if (options.json) writeOut(`${JSON.stringify({ changed: false, notModified: true, live: true }, null, 2)}\n`);
      return;
    }
    const next = fetched.next;
    const changes = plan.allowlists.map((list) => {
      const old = new Set(list.cidrs);
      const now = new Set(next[list.name]);
      return { name: list.name, before: old.size, after: now.size, added: [...now].filter((c) => !old.has(c)), removed: [...old].filter((c) => !now.has(c)) };
    });
    refuseSuspicious(changes, options.force);
    const nextPlan = buildPlan(config, plan.source, next);
    const timer = record.files.some((path) => path.includes(timerName(domain)));
    const site = prepareSite(project, host, { timer, plan: nextPlan, files: renderTargets(nextPlan, project.targets, config.preset) });
    const hostPlan = planHost(manifest, host, domain, site);
    const result = await applyHostPlan(host, manifest, hostPlan, { what, force: options.force, dryRun: options.dryRun, diff: options.dryRun, reload: true });
    const changed = result.files.filter((f) => f.status !== 'unchanged');
    if (options.dryRun) {
      if (!options.json) writeOut(result.diffs.length ? `${result.diffs.join('\n')}\n` : 'no change\n');
    } else {
      const newState: State = { ...state, etag: fetched.etag, sections, checked: now, fetched: now, allowlists: Object.fromEntries(Object.entries(next).map(([name, cidrs]) => [name, { cidrs, fetched: now }])) };
      await writeState(stateDir, newState);
    }
    if (options.verbose && !options.json) {
      const lines = changes.map((c) => `${c.name}: ${c.after} ranges (+${c.added.length} -${c.removed.length})`);
      lines.push(`live files: ${changed.map((f) => host.at(f.path)).join(', ') || 'unchanged'}`);
      if (result.tested.length) lines.push(`valid: ${result.tested.join(', ')}`);
      if (result.reloaded.length) lines.push(`reloaded: ${result.reloaded.join(', ')}`);
      writeOut(`${lines.join('\n')}\n`);
    }
    if (options.json) writeOut(`${JSON.stringify({ changed: changed.length > 0, live: true, dryRun: !!options.dryRun, lists: changes, files: changed.map((f) => host.at(f.path)), tested: result.tested, reloaded: result.reloaded }, null, 2)}\n`);
  });
}
