import { join, resolve } from 'node:path';
import type { Config } from '../config/resolve.js';
import { loadProject, type Project } from '../project.js';
import { INSTALLERS, type LiveFile } from './installers/index.js';
import { nginxAllowlistDir } from './installers/nginx.js';
import type { HostLayout } from './layout.js';
import type { Plan } from '../plan/plan.js';
import type { SiteRecord } from './manifest.js';
import { timerUnits } from './timer.js';

/** Where refresh-allowlist keeps an applied site's ETag and lists (not root-prefixed). */
export const siteStateDir = (domain: string) => join('/var/lib/proxygen/sites', domain);

const underRoot = (root: string | undefined, path: string) => (root && resolve(root) !== '/' ? join(resolve(root), path) : path);

/**
 * Loads a site for this host: its nginx lists get a directory of their own, and its allowlists
 * start from the last refresh of the applied site (not of the output folder).
 */
export function loadSite(configPath: string, root: string | undefined): Promise<Project> {
  return loadProject(resolve(configPath), {
    adjust: (config: Config) => ({ ...config, nginx: { ...config.nginx, allowlist_dir: nginxAllowlistDir(config.domain) } }),
    stateDir: (config) => underRoot(root, siteStateDir(config.domain)),
  });
}

/** Where a site's proxy answers, probed after a reload: `127.0.0.1:443`, `[::1]:8443`. */
export function siteProbe(plan: Plan): string {
  const [port, address] = plan.tls.mode === 'off' ? [plan.ports.http, plan.bind.http] : [plan.ports.https, plan.bind.https];
  const host = !address || address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address;
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** The live files and manifest record of a loaded site, as apply installs it. */
export function prepareSite(project: Project, host: HostLayout, options: { timer: boolean; plan?: Plan; files?: Project['files'] }): { record: SiteRecord; files: LiveFile[] } {
  const plan = options.plan ?? project.plan;
  const site = { domain: plan.domain, plan, files: options.files ?? project.files };
  const files: LiveFile[] = [];
  const fragments: SiteRecord['fragments'] = {};
  for (const target of project.targets) {
    const prepared = INSTALLERS[target].prepare(site, host);
    files.push(...prepared.files);
    if (prepared.fragment !== undefined) fragments[target] = prepared.fragment;
  }
  if (options.timer && plan.allowlists.length > 0) files.push(...timerUnits(plan.domain, project.configPath, host));
  const record: SiteRecord = { domain: plan.domain, config: project.configPath, targets: project.targets, files: files.map((f) => f.path), fragments, probe: siteProbe(plan), install: project.config.install };
  return { record, files };
}
