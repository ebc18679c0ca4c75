import { dirname, join, relative } from 'node:path';
import { UserError } from '../../errors.js';
import type { HostLayout } from '../layout.js';
import { runCommand } from '../run-command.js';
import { composedHeader, type Installer, type LiveFile, type SiteInput } from './types.js';

// The rendered Caddyfile may open with a global options block; Caddy allows one, first in the
// main file only, so it moves there and the site file keeps the rest.
const GLOBAL_BLOCK = /^\{\n((?:\t[^\n]*\n)*)\}\n/m;

const siteDir = (host: HostLayout) => join(host.caddy.dir, 'proxygen');

function splitGlobals(caddyfile: string): { globals: string[]; site: string } {
  const match = GLOBAL_BLOCK.exec(caddyfile);
  if (!match) return { globals: [], site: caddyfile };
  const globals = match[1]!.split('\n').filter(Boolean).map((line) => line.trim());
  return { globals, site: caddyfile.slice(0, match.index) + caddyfile.slice(match.index + match[0].length).replace(/^\n/, '') };
}

/** One value per global option across every site: two sites cannot ask one Caddy for two http_ports. */
function mergeGlobals(fragments: { domain: string; fragment: string }[], own: string[]): string[] {
  const chosen = new Map<string, { line: string; domain: string }>();
  for (const line of own) chosen.set(line.split(' ')[0]!, { line, domain: 'install.caddy.globals' });
  for (const { domain, fragment } of fragments) {
    for (const line of fragment.split('\n').filter(Boolean)) {
      const key = line.split(' ')[0]!;
      const seen = chosen.get(key);
      if (seen && seen.line !== line && seen.domain !== 'install.caddy.globals') {
        throw new UserError(`caddy: ${domain} wants "${line}" but ${seen.domain} has "${seen.line}"; one Caddy has one value for each global option`, `give both sites the same ports/tls.email, or set install.caddy.globals`);
      }
      if (!seen) chosen.set(key, { line, domain });
    }
  }
  return [...chosen.values()].map((entry) => entry.line);
}

export const caddyInstaller: Installer = {
  prepare(site: SiteInput, host: HostLayout) {
    const files: LiveFile[] = [];
    let globals: string[] = [];
    for (const file of site.files.filter((f) => f.path.startsWith('caddy/'))) {
      if (file.path === 'caddy/Caddyfile') {
        const split = splitGlobals(file.content);
        globals = split.globals;
        // Imports resolve against the importing file: the site's lists sit in a directory of its own.
        const content = split.site.replace(/^(\s*import )allowlists\//gm, `$1${site.domain}/allowlists/`);
        files.push({ path: join(siteDir(host), `${site.domain}.caddy`), content, mode: file.mode });
      } else {
        files.push({ path: join(siteDir(host), site.domain, file.path.slice('caddy/'.length)), content: file.content, mode: file.mode });
      }
    }
    return { files, fragment: globals.join('\n') };
  },
  compose(fragments, host) {
    if (fragments.length === 0) return [{ path: host.caddy.main, content: null, mode: 0o644 }];
    const globals = mergeGlobals(fragments, host.caddy.globals);
    const block = globals.length ? `{\n${globals.map((line) => `\t${line}\n`).join('')}}\n\n` : '';
    const glob = join(relative(dirname(host.caddy.main), siteDir(host)) || '.', '*.caddy');
    const content = `${composedHeader('Caddy main file', fragments.map((f) => f.domain))}${block}import ${glob}\n`;
    return [{ path: host.caddy.main, content, mode: 0o644 }];
  },
  test: (host) => runCommand(host.caddy.test),
  reload: (host) => host.caddy.reload,
};
