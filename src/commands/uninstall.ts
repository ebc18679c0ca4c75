import { rmSync } from 'node:fs';
import { UserError } from '../errors.js';
import { planHost } from '../host/compose.js';
import { hostLayout } from '../host/layout.js';
import { printChange, systemctl } from '../host/report.js';
import { withHost } from '../host/session.js';
import { loadSite, siteStateDir } from '../host/site.js';
import { timerName } from '../host/timer.js';
import { applyHostPlan } from '../host/transaction.js';
import type { GlobalOptions } from '../output.js';

export interface UninstallOptions extends GlobalOptions {
  site?: string;
  root?: string;
  dryRun?: boolean;
  diff?: boolean;
  force?: boolean;
  reload: boolean;
}

export async function run(options: UninstallOptions): Promise<void> {
  const domain = options.site ?? (await loadSite(options.config, options.root)).plan.domain;
  // The lock, the repair of a killed run and the manifest depend on --root alone; the layout the
  // site was applied with comes from its record, since its config may be gone already.
  let host = hostLayout({}, options.root);
  const what = `uninstall ${domain}`;
  const timer = `${timerName(domain)}.timer`;
  const result = await withHost(host, what, !!options.dryRun, async (manifest) => {
    const record = manifest.sites[domain];
    if (!record) throw new UserError(`uninstall: ${domain} is not applied on this host`, `proxygen uninstall --site <domain> takes one of the applied sites (${Object.keys(manifest.sites).join(', ') || 'none'})`, 2);
    host = hostLayout(record.install, options.root);
    if (!options.dryRun && record.files.some((path) => path.endsWith(timer))) await systemctl(host, [['disable', '--now', timer]]);
    const plan = planHost(manifest, host, domain, null);
    return applyHostPlan(host, manifest, plan, { what, force: options.force, dryRun: options.dryRun, diff: options.diff, reload: options.reload });
  });
  if (!options.dryRun) {
    rmSync(host.at(siteStateDir(domain)), { recursive: true, force: true });
    await systemctl(host, [['daemon-reload']]);
  }
  printChange(host, result, { json: options.json, dryRun: options.dryRun, headline: `${options.dryRun ? 'would uninstall' : 'uninstalled'} ${domain}`, extra: { site: domain } });
}
