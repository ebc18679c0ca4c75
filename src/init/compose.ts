import { resolve } from 'node:path';
import { stringify } from 'yaml';
import type { ConfigFile } from '../config/schema.js';
import { printable } from '../errors.js';
import type { Imported } from '../import/index.js';
import { cidrContains, TUNNEL_SOURCES } from '../plan/cidr.js';
import { PRESETS } from '../presets/index.js';
import type { Answers } from './questions.js';

/**
 * Behind a tunnel, traffic arrives from loopback or a container bridge: a preset's private
 * ranges that hold those addresses would make every visitor "internal", so they are left out.
 */
function networksBehindTunnel(answers: Answers): ConfigFile['networks'] | undefined {
  if (answers.tunnel === 'none' || answers.preset === 'none') return undefined;
  const networks = PRESETS[answers.preset].values.networks ?? {};
  const narrowed = Object.entries(networks).map(([name, cidrs]) => [name, cidrs.filter((cidr) => !TUNNEL_SOURCES.some((source) => cidrContains(cidr, source)))] as const);
  const changed = narrowed.filter(([name, cidrs]) => cidrs.length > 0 && cidrs.length !== networks[name]!.length);
  return changed.length ? Object.fromEntries(changed.map(([name, cidrs]) => [name, [...cidrs]])) : undefined;
}

export const SCHEMA_FILE = 'proxygen.schema.json';

/** Answers (and what an importer found) -> the proxygen.yaml text init writes. Pure. */
export function composeConfig(answers: Answers, imported: Imported | undefined, from: string | undefined): string {
  const tunnel: ConfigFile['tunnel'] | undefined =
    answers.tunnel === 'none'
      ? undefined
      : answers.tunnel === 'ngrok'
        ? { provider: 'ngrok', ngrok: { version: 3, ...imported?.values.tunnel?.ngrok, domain: answers.domain } }
        : { provider: 'cloudflare', cloudflare: { tunnel: answers.cloudflareTunnel, credentials_file: answers.credentialsFile } };
  const config: Partial<ConfigFile> = {
    version: 1,
    preset: answers.preset,
    domain: answers.domain,
    upstream: answers.upstream,
    tls: { mode: answers.tls, ...(answers.email ? { email: answers.email } : {}), ...(answers.cert ? { cert: answers.cert, key: answers.key } : {}) },
    ...(tunnel ? { tunnel } : {}),
    ...(networksBehindTunnel(answers) ? { networks: networksBehindTunnel(answers) } : {}),
    targets: answers.targets,
    ...(imported?.values.limits ? { limits: imported.values.limits } : {}),
    ...(imported?.values.routes ? { routes: imported.values.routes } : {}),
  };
  const header = [
    `# yaml-language-server: $schema=./${SCHEMA_FILE}`,
    // The --from path is the user's text: printed escaped, so a newline in it cannot start a key.
    `# Written by \`proxygen init\`${from ? ` from ${printable(from)}` : ''}. Edit it, then run \`proxygen render\`.`,
    `# Preset ${answers.preset} fills in the rest; \`proxygen presets\` lists what each one sets.`,
  ];
  return `${header.join('\n')}\n${stringify(config, { lineWidth: 0, flowCollectionPadding: false }).replace(/^targets:\n((?:  - .*\n)+)/m, (_all, items: string) => `targets: [${items.trim().split('\n').map((l) => l.replace(/^\s*- /, '')).join(', ')}]\n`)}`;
}

/** What to do after init, as an operator would type it: prerequisites, then `proxygen apply`. */
export function nextSteps(answers: Answers, configPath: string, site: { hasAllowlists: boolean; tunnel: string; credentials: string }): string[] {
  const config = resolve(configPath);
  const steps: string[] = [];
  if (answers.targets.includes('nginx') && answers.targets.includes('caddy')) steps.push(`one proxy per server: keep nginx or caddy in targets: of ${config} (both would listen on the same ports)`);
  // nginx -t refuses a site whose certificate does not exist yet: it comes first.
  if (answers.tls === 'acme' && answers.targets.includes('nginx'))
    steps.push(`certificate (nginx): sudo certbot certonly --standalone -d ${answers.domain} ${answers.email ? `-m ${answers.email}` : '--register-unsafely-without-email'} --agree-tos --pre-hook 'systemctl stop nginx' --post-hook 'systemctl start nginx'`);
  if (answers.targets.includes('cloudflared')) steps.push(`tunnel (once): cloudflared tunnel create ${site.tunnel} (then move the credentials JSON it wrote to ${site.credentials}) and cloudflared tunnel route dns ${site.tunnel} ${answers.domain}`);
  if (answers.targets.includes('ngrok')) steps.push('ngrok: give the agent NGROK_AUTHTOKEN in its environment (never in a file)');
  steps.push(`see what would change on this server: proxygen apply --config ${config} --dry-run --diff`);
  steps.push(`put it live${site.hasAllowlists ? ' (also installs the allowlist refresh timer)' : ''}, then check it: sudo proxygen apply --config ${config} && proxygen verify --config ${config}`);
  return steps;
}
