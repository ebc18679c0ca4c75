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

// The blocks that refuse any other Host (`http:// {`, `https:// {`, `http://:8088 {`) belong once
// in a Caddy's configuration, whatever number of sites it serves: they move to the main file too.
const CATCH_ALL_BLOCK = /^https?:\/\/(?::\d+)? \{\n(?:\t[^\n]*\n)*\}\n\n?/gm;
const CATCH_ALL_NOTE = /^# Any other Host [^\n]*\n(?:# [^\n]*\n)?/m;

/** What a site adds to the main file. */
interface CaddyFragment {
  globals: string[];
  catchAll: string[];
}

function splitCatchAll(site: string): { catchAll: string[]; site: string } {
  const catchAll = [...site.matchAll(CATCH_ALL_BLOCK)].map((m) => m[0].trimEnd());
  return { catchAll, site: site.replace(CATCH_ALL_BLOCK, '').replace(CATCH_ALL_NOTE, '') };
}

/** One value per global option across every site: two sites cannot ask one Caddy for two http_ports. */
function mergeGlobals(fragments: { domain: string; fragment: CaddyFragment }[], own: string[]): string[] {
  const chosen = new Map<string, { line: string; domain: string }>();
  for (const line of own) chosen.set(line.split(' ')[0]!, { line, domain: 'install.caddy.globals' });
  for (const { domain, fragment } of fragments) {
    for (const line of fragment.globals) {
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
    const fragment: CaddyFragment = { globals: [], catchAll: [] };
    for (const file of site.files.filter((f) => f.path.startsWith('caddy/'))) {
      if (file.path === 'caddy/Caddyfile') {
        const split = splitGlobals(file.content);
        const rest = splitCatchAll(split.site);
        Object.assign(fragment, { globals: split.globals, catchAll: rest.catchAll });
        // Imports resolve against the importing file: the site's lists sit in a directory of its own.
        const content = rest.site.replace(/^(\s*import )allowlists\//gm, `$1${site.domain}/allowlists/`);
        files.push({ path: join(siteDir(host), `${site.domain}.caddy`), content, mode: file.mode });
      } else {
        files.push({ path: join(siteDir(host), site.domain, file.path.slice('caddy/'.length)), content: file.content, mode: file.mode });
      }
    }
    return { files, fragment: JSON.stringify(fragment) };
  },
  compose(fragments, host) {
    if (fragments.length === 0) return [{ path: host.caddy.main, content: null, mode: 0o644 }];
    const parsed = fragments.map((f) => ({ domain: f.domain, fragment: JSON.parse(f.fragment) as CaddyFragment }));
    const globals = mergeGlobals(parsed, host.caddy.globals);
    const block = globals.length ? `{\n${globals.map((line) => `\t${line}\n`).join('')}}\n\n` : '';
    const catchAll = [...new Set(parsed.flatMap((f) => f.fragment.catchAll))];
    const refuse = catchAll.length ? `# Any other Host on this Caddy's ports is refused, once for every site.\n${catchAll.map((b) => `${b}\n\n`).join('')}` : '';
    const glob = join(relative(dirname(host.caddy.main), siteDir(host)) || '.', '*.caddy');
    const content = `${composedHeader('Caddy main file', fragments.map((f) => f.domain))}${block}${refuse}import ${glob}\n`;
    return [{ path: host.caddy.main, content, mode: 0o644 }];
  },
  test: (host) => runCommand(host.caddy.test),
  reload: (host) => host.caddy.reload,
};
