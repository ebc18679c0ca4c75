import type { TargetName } from '../config/schema.js';
import type { Plan } from '../plan/plan.js';
import { caddyAllowlistFile, renderCaddy } from './caddy.js';
import { renderCloudflared } from './cloudflared.js';
import type { OutputFile } from './format.js';
import { nginxAllowlistFile, renderNginx } from './nginx.js';
import { ngrokFile, renderNgrok } from './ngrok.js';
import { renderExtras } from './readme.js';

export type { OutputFile } from './format.js';

export const TARGETS: Record<TargetName, (plan: Plan) => OutputFile[]> = {
  nginx: renderNginx,
  caddy: renderCaddy,
  cloudflared: renderCloudflared,
  ngrok: renderNgrok,
};

/** Every file of the given targets plus the README (and firewall script), sorted by path. */
export function renderTargets(plan: Plan, targets: TargetName[], preset: string): OutputFile[] {
  const files = [...targets.flatMap((target) => TARGETS[target](plan)), ...renderExtras(plan, targets, preset)];
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** The files whose content follows the allowlist data (what refresh-allowlist rewrites), known without rendering. */
export function allowlistDependentPaths(plan: Plan, targets: TargetName[]): string[] {
  const byTarget: Partial<Record<TargetName, string[]>> = {
    nginx: plan.allowlists.map((list) => nginxAllowlistFile(list.name)),
    caddy: plan.allowlists.map((list) => caddyAllowlistFile(list.name)),
    ngrok: [ngrokFile],
  };
  return targets.flatMap((target) => byTarget[target] ?? []).sort();
}
