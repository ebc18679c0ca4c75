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

// `proxygen apply` is the way in; the by-hand steps stay for hosts it does not run on.
const INSTALL: Record<TargetName, (plan: Plan) => { path: string; text: string }> = {
  nginx: (plan) => ({
    path: nginxSiteFile(plan),
    text: [
      plan.tls.mode === 'acme'
        ? `Get the certificate first (nginx -t refuses a site whose certificate is missing): \`sudo certbot certonly --standalone -d ${plan.domain}${plan.www ? ` -d ${plan.www}` : ''} --pre-hook 'systemctl stop nginx' --post-hook 'systemctl start nginx'\`.`
        : '',
      `\`proxygen apply\` installs it as \`/etc/nginx/conf.d/proxygen-${plan.domain}.conf\` with its lists in \`/etc/nginx/proxygen/${plan.domain}/allowlists/\`, runs \`nginx -t\` and reloads.`,
      `By hand: copy it to \`/etc/nginx/conf.d/\` and the allowlists to \`/etc/nginx/${plan.nginx.allowlist_dir}/\` (relative to nginx's configuration directory), then \`sudo nginx -t && sudo systemctl reload nginx\`.`,
    ].filter(Boolean).join('\n'),
  }),
  caddy: (plan) => ({
    path: caddyFile,
    text: [
      `\`proxygen apply\` installs it as \`/etc/caddy/proxygen/${plan.domain}.caddy\`, imported by a main \`/etc/caddy/Caddyfile\` that holds the global options once for every site on the host.`,
      'By hand, for this site alone: copy `Caddyfile` and `allowlists/` to `/etc/caddy/`, then `caddy validate --config /etc/caddy/Caddyfile --adapter caddyfile && sudo systemctl reload caddy`.',
    ].join('\n'),
  }),
  cloudflared: (plan) => ({
    path: cloudflaredFile,
    text: [
      `Once: \`cloudflared tunnel create ${plan.tunnel.cloudflare.tunnel}\` (its credentials JSON goes to \`${plan.tunnel.cloudflare.credentials_file}\`) and \`cloudflared tunnel route dns ${plan.tunnel.cloudflare.tunnel} ${plan.domain}\`${plan.www && plan.tunnelIn ? ` (and \`${plan.www}\`)` : ''}.`,
      '`proxygen apply` merges these rules into `/etc/cloudflared/config.yml` with every other site of the tunnel (one catch-all, last); then `sudo systemctl restart cloudflared`.',
    ].join('\n'),
  }),
  ngrok: () => ({
    path: ngrokFile,
    text: '`proxygen apply` merges this endpoint into `/etc/ngrok/ngrok.yml` with every other site; run `NGROK_AUTHTOKEN=... ngrok start --all --config /etc/ngrok/ngrok.yml` (check first with `ngrok config check`). The token stays in the environment, never in the file.',
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
