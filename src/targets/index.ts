import type { TargetName } from '../config/schema.js';
import type { Plan } from '../plan/plan.js';
import { caddyAllowlistFile, caddyAllowlistFiles, renderCaddy } from './caddy.js';
import { renderCloudflared } from './cloudflared.js';
import type { OutputFile } from './format.js';
import { nginxAllowlistFiles, nginxAllowlistPaths, renderNginx } from './nginx.js';
import { ngrokFile, renderNgrok } from './ngrok.js';
import { renderExtras } from './readme.js';

export type { OutputFile } from './format.js';

export const TARGETS: Record<TargetName, (plan: Plan) => OutputFile[]> = {
  nginx: renderNginx,
  caddy: renderCaddy,
  cloudflared: renderCloudflared,
  ngrok: renderNgrok,
};

const byPath = (files: OutputFile[]) => files.sort((a, b) => (a.path < b.path ? -1 : 1));

/** Every file of the given targets plus the README (and firewall script), sorted by path. */
export function renderTargets(plan: Plan, targets: TargetName[], preset: string): OutputFile[] {
  return byPath([...targets.flatMap((target) => TARGETS[target](plan)), ...renderExtras(plan, targets, preset)]);
}

// The files whose content follows the allowlist data, per target (what refresh-allowlist
// rewrites): their paths, known before the new lists are, and the files themselves.
const ALLOWLIST_DEPENDENT: Partial<Record<TargetName, { paths: (plan: Plan) => string[]; render: (plan: Plan) => OutputFile[] }>> = {
  nginx: { paths: nginxAllowlistPaths, render: nginxAllowlistFiles },
  caddy: { paths: (plan) => plan.allowlists.map((list) => caddyAllowlistFile(list.name)), render: caddyAllowlistFiles },
  ngrok: { paths: () => [ngrokFile], render: renderNgrok },
};

/** The files whose content follows the allowlist data, known without rendering. */
export function allowlistDependentPaths(plan: Plan, targets: TargetName[]): string[] {
  return targets.flatMap((target) => ALLOWLIST_DEPENDENT[target]?.paths(plan) ?? []).sort();
}

/** Only the files that follow the allowlist data, as renderTargets would write them. */
export function renderAllowlistFiles(plan: Plan, targets: TargetName[]): OutputFile[] {
  return byPath(targets.flatMap((target) => ALLOWLIST_DEPENDENT[target]?.render(plan) ?? []));
}
