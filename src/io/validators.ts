import type { Plan } from '../plan/plan.js';
import type { OutputFile } from '../targets/index.js';
import type { RunResult } from './run.js';
import { caddyValidate, nginxTest, type SandboxFile } from './sandbox.js';

export interface ToolCheck {
  target: 'nginx' | 'caddy';
  ok: boolean;
  missing: boolean;
  output: string;
}

/** The command each validator runs, as messages name it. */
export const VALIDATOR_COMMAND = { nginx: 'nginx -t', caddy: 'caddy validate' } as const;

/** Why a validator gave no verdict when it was stopped at its time limit. */
export const timedOutMessage = (target: ToolCheck['target'], ms: number) => `${VALIDATOR_COMMAND[target]} did not finish within ${ms / 1000} s`;

// Operators with nginx or caddy outside PATH (and tests) can name the binary.
export const nginxBinary = () => process.env.PROXYGEN_NGINX || 'nginx';
export const caddyBinary = () => process.env.PROXYGEN_CADDY || 'caddy';

/** The nginx site file and its allowlist includes laid out as nginx resolves them. */
export function nginxParts(files: OutputFile[], allowlistDir: string): { site: string; includes: SandboxFile[] } {
  const site = files.find((f) => f.path.startsWith('nginx/') && !f.path.includes('/allowlists/'));
  const includes = files.filter((f) => f.path.startsWith('nginx/allowlists/')).map((f) => ({ path: f.path.replace('nginx/allowlists', allowlistDir), content: f.content }));
  return { site: site?.content ?? '', includes };
}

export function caddyParts(files: OutputFile[]): { caddyfile: string; imports: SandboxFile[] } {
  const caddyfile = files.find((f) => f.path === 'caddy/Caddyfile');
  const imports = files.filter((f) => f.path.startsWith('caddy/allowlists/')).map((f) => ({ path: f.path.slice('caddy/'.length), content: f.content }));
  return { caddyfile: caddyfile?.content ?? '', imports };
}

const toCheck = (target: ToolCheck['target'], result: RunResult): ToolCheck => ({
  target,
  ok: result.code === 0 && !result.missing,
  missing: !!result.missing,
  output: result.timedOutAfterMs === undefined ? `${result.stderr}${result.stdout}`.trim() : `${timedOutMessage(target, result.timedOutAfterMs)} (PROXYGEN_VALIDATE_TIMEOUT)`,
});

/** Real `nginx -t` and `caddy validate` on rendered files, each in a throwaway sandbox. */
export async function validateWithTools(plan: Plan, files: OutputFile[]): Promise<ToolCheck[]> {
  const checks: ToolCheck[] = [];
  if (files.some((f) => f.path.startsWith('nginx/') && !f.path.includes('/allowlists/'))) {
    const { site, includes } = nginxParts(files, plan.nginx.allowlist_dir);
    checks.push(toCheck('nginx', await nginxTest(site, includes, nginxBinary())));
  }
  if (files.some((f) => f.path === 'caddy/Caddyfile')) {
    const { caddyfile, imports } = caddyParts(files);
    checks.push(toCheck('caddy', await caddyValidate(caddyfile, imports, caddyBinary())));
  }
  return checks;
}
