import type { Config } from '../config/resolve.js';
import { cidrContains, TUNNEL_SOURCES } from '../plan/cidr.js';
import type { Plan } from '../plan/plan.js';
import type { Finding } from './finding.js';

/** Rules about the project as a whole; `lineOf` points at the config key involved. */
export function lintProject(file: string, config: Config, plan: Plan, lineOf: (path: (string | number)[]) => number, env: Record<string, string>): Finding[] {
  const findings: Finding[] = [];
  const add = (rule: string, severity: Finding['severity'], line: number, message: string, fix: string) => findings.push({ rule, severity, file, line, message, fix });
  if (config.tls.mode === 'off' && config.tunnel.provider === 'none') {
    add('project/tls-off', 'error', lineOf(['tls', 'mode']), 'TLS is off and no tunnel terminates it: traffic and tokens cross the network in clear text', 'tls.mode: acme (or files), or put the site behind tunnel.provider');
  }
  if (config.tunnel.provider !== 'none') {
    const internal = new Set(plan.routes.filter((r) => r.internalOnly).flatMap((r) => r.access?.names ?? []));
    for (const name of internal) {
      for (const cidr of config.networks[name] ?? []) {
        const source = TUNNEL_SOURCES.find((address) => cidrContains(cidr, address));
        if (source) add('project/internal-includes-tunnel', 'error', lineOf(['networks', name]), `network ${name} (${cidr}) contains ${source}, where ${config.tunnel.provider} traffic arrives: tunnel visitors would count as internal`, `narrow ${name} so it excludes ${source} (e.g. list your LAN ranges instead of ${cidr})`);
      }
    }
  }
  // What proxygen can see of the app's own settings (seed 003's production checklist).
  const origins = env.ALLOWED_ORIGINS;
  if (origins !== undefined && origins.split(',').some((o) => o.trim() === '*')) add('project/cors-wildcard', 'error', 1, 'ALLOWED_ORIGINS contains "*": any site may call the API with the user\'s credentials', 'ALLOWED_ORIGINS=https://your-domain');
  if ('SESSION_SECRET' in env || 'ENCRYPTION_KEY' in env) {
    if (!env.SESSION_SECRET || /change-me|changeme|secret$/i.test(env.SESSION_SECRET)) add('project/default-secret', 'error', 1, 'SESSION_SECRET is missing or a default value', 'SESSION_SECRET=$(openssl rand -hex 32)');
    if (!env.ENCRYPTION_KEY) add('project/default-secret', 'error', 1, 'ENCRYPTION_KEY is not set (the dev fallback would be used)', 'ENCRYPTION_KEY=$(openssl rand -hex 32)');
  }
  return findings;
}
