import readmeTemplate from '../../templates/readme/README.md.hbs';
import ufwTemplate from '../../templates/readme/ufw.sh.hbs';
import type { TargetName } from '../config/schema.js';
import { SITE_UPSTREAM } from '../plan/upstreams.js';
import type { Plan, PlanRoute } from '../plan/plan.js';
import { gapsFor } from './capabilities.js';
import { caddyFile } from './caddy.js';
import { cloudflaredFile } from './cloudflared.js';
import { headerLines, type OutputFile } from './format.js';
import { template } from './hbs.js';
import { nginxSiteFile } from './nginx.js';
import { ngrokFile } from './ngrok.js';

const renderReadme = template(readmeTemplate);
const renderUfw = template(ufwTemplate);

export const firewallFile = 'firewall/ufw.sh';

const INSTALL: Record<TargetName, (plan: Plan) => { path: string; text: string }> = {
  nginx: (plan) => ({
    path: nginxSiteFile(plan),
    text: [
      `Copy to \`/etc/nginx/conf.d/${plan.domain}.conf\` and the allowlists to \`/etc/nginx/${plan.nginx.allowlist_dir}/\` (the include path is relative to nginx's configuration directory).`,
      plan.tls.mode === 'acme'
        ? `Get the certificate first: \`sudo mkdir -p /var/www/letsencrypt && sudo certbot certonly --webroot -w /var/www/letsencrypt -d ${plan.domain}${plan.www ? ` -d ${plan.www}` : ''}\` (or \`--standalone\` before nginx runs).`
        : '',
      'Then `sudo nginx -t && sudo systemctl reload nginx`.',
    ].filter(Boolean).join('\n'),
  }),
  caddy: () => ({
    path: caddyFile,
    text: 'Copy `Caddyfile` and `allowlists/` to `/etc/caddy/`, then `caddy validate --config /etc/caddy/Caddyfile && sudo systemctl reload caddy`.',
  }),
  cloudflared: (plan) => ({
    path: cloudflaredFile,
    text: `Copy to \`/etc/cloudflared/config.yml\`. Once: \`cloudflared tunnel create ${plan.tunnel.cloudflare.tunnel}\` and \`cloudflared tunnel route dns ${plan.tunnel.cloudflare.tunnel} ${plan.domain}\`${plan.www && plan.tunnelIn ? ` (and \`${plan.www}\`)` : ''}; then \`cloudflared tunnel ingress validate\` and \`cloudflared tunnel run ${plan.tunnel.cloudflare.tunnel}\`.`,
  }),
  ngrok: () => ({
    path: ngrokFile,
    text: 'Run `NGROK_AUTHTOKEN=... ngrok start --all --config ngrok/ngrok.yml` (check first with `ngrok config check --config ngrok/ngrok.yml`). The token stays in the environment, never in the file.',
  }),
};

function policyText(route: PlanRoute): string {
  const parts = [
    route.websocket ? 'WebSocket' : '',
    route.internalOnly ? `internal only (${route.access!.names.join(', ')})` : route.access ? `allow ${route.access.names.join(', ')}` : '',
    route.rate ? `${route.rate.count}/${route.rate.per}${route.rate.burst ? ` burst ${route.rate.burst}` : ''}` : '',
    route.timeout !== undefined ? `timeout ${route.timeout}s` : '',
    route.body !== undefined ? `body ${route.body} B` : '',
    route.auth ? `basic auth${route.access ? ' (or the allow list)' : ''}` : '',
    route.upstream !== SITE_UPSTREAM ? `to ${route.upstream}` : '',
    route.headers.length ? `headers ${route.headers.map((op) => (op.value === null ? `-${op.name}` : op.name)).join(' ')}` : '',
  ].filter(Boolean);
  return parts.join(', ') || 'proxied';
}

export function renderExtras(plan: Plan, targets: TargetName[], preset: string): OutputFile[] {
  const files = targets.map((target) => INSTALL[target](plan));
  const label = plan.tunnel.provider === 'cloudflare' ? 'Cloudflare Tunnel' : 'ngrok';
  const tunnel =
    plan.tunnel.provider === 'none' ? null : { label, port: plan.tunnelIn?.port ?? null, header: plan.tunnelIn?.header ?? null, from: plan.tunnelIn?.from.map((cidr) => `\`${cidr}\``).join(', ') ?? null };
  const proxies = targets.filter((t) => t === 'nginx' || t === 'caddy');
  const out: OutputFile[] = [];
  if (plan.firewall) {
    out.push({ path: firewallFile, content: renderUfw({ header: headerLines(plan, 'ufw rules'), ...plan.firewall }), mode: 0o755 });
    files.push({ path: firewallFile, text: 'Review, then run once as root: `sudo sh firewall/ufw.sh`.' });
  }
  const readme = renderReadme({
    source: plan.source,
    domain: plan.domain,
    preset,
    upstream: plan.upstream.url,
    tunnel,
    proxyLabel: proxies.join(' or ') || 'proxy',
    routes: plan.routes.map((route) => ({
      kind: route.match.kind,
      path: route.match.path,
      policy: policyText(route),
      label: `${route.match.path} ${policyText(route)}`,
      target: 'upstream',
    })),
    files,
    gaps: targets.flatMap((target) => gapsFor(plan, target).map((line) => `${target}: ${line}`)),
  });
  out.unshift({ path: 'README.md', content: readme, mode: 0o644 });
  return out;
}
