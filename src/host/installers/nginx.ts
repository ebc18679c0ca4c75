import { join, resolve } from 'node:path';
import type { HostLayout } from '../layout.js';
import { runCommand } from '../run-command.js';
import type { Installer, SiteInput } from './types.js';

/** Each site's lists live under their own directory, so two sites' `github-hooks` never meet. */
export const nginxAllowlistDir = (domain: string) => `proxygen/${domain}/allowlists`;

export const nginxInstaller: Installer = {
  prepare(site: SiteInput, host: HostLayout) {
    const listDir = resolve(host.nginx.dir, site.plan.nginx.allowlist_dir);
    const files = site.files
      .filter((f) => f.path.startsWith('nginx/'))
      .map((f) => ({
        path: f.path.startsWith('nginx/allowlists/') ? join(listDir, f.path.slice('nginx/allowlists/'.length)) : join(host.nginx.confDir, `proxygen-${site.domain}.conf`),
        content: f.content,
        mode: f.mode,
      }));
    return { files };
  },
  compose: () => [],
  test: (host) => runCommand(host.nginx.test),
  reload: (host) => host.nginx.reload,
};
