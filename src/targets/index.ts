import type { TargetName } from '../config/schema.js';
import type { Plan } from '../plan/plan.js';
import { renderCaddy } from './caddy.js';
import { renderCloudflared } from './cloudflared.js';
import type { OutputFile } from './format.js';
import { renderNginx } from './nginx.js';
import { renderNgrok } from './ngrok.js';
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
