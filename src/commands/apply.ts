import { UserError } from '../errors.js';
import type { GlobalOptions } from '../output.js';
import { planHost } from '../host/compose.js';
import { hostLayout } from '../host/layout.js';
import { printChange, systemctl } from '../host/report.js';
import { withHost } from '../host/session.js';
import { loadSite, prepareSite } from '../host/site.js';
import { timerName } from '../host/timer.js';
import { applyHostPlan } from '../host/transaction.js';

export interface ApplyOptions extends GlobalOptions {
  root?: string;
  dryRun?: boolean;
  diff?: boolean;
  force?: boolean;
  /** commander's --no-reload / --no-timer */
  reload: boolean;
  timer: boolean;
}

export async function run(options: ApplyOptions): Promise<void> {
  const project = await loadSite(options.config, options.root);
  if (project.targets.includes('nginx') && project.targets.includes('caddy')) {
    throw new UserError(`apply: targets has both nginx and caddy, which would listen on the same ports (${project.plan.ports.http}/${project.plan.ports.https}) of this host`, `keep the one this server runs in targets: of ${project.configPath}`);
  }
  const host = hostLayout(project.config.install, options.root);
  const domain = project.plan.domain;
  const what = `apply ${domain}`;
  const result = await withHost(host, what, !!options.dryRun, async (manifest) => {
    const site = prepareSite(project, host, { timer: options.timer });
    const plan = planHost(manifest, host, domain, site);
    return applyHostPlan(host, manifest, plan, { what, force: options.force, dryRun: options.dryRun, diff: options.diff, reload: options.reload });
  });
  const timerChanged = result.files.some((f) => f.path.includes(timerName(domain)) && f.status !== 'unchanged');
  if (!options.dryRun && timerChanged) await systemctl(host, [['daemon-reload'], ['enable', '--now', `${timerName(domain)}.timer`]]);
  printChange(host, result, { json: options.json, dryRun: options.dryRun, headline: `${options.dryRun ? 'would apply' : 'applied'} ${domain}`, extra: { site: domain } });
}
