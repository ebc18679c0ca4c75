import configTemplate from '../../templates/cloudflared/config.yml.hbs';
import type { Plan, PlanRoute } from '../plan/plan.js';
import { headerLines, type OutputFile } from './format.js';
import { template } from './hbs.js';

const render = template(configTemplate);

export const cloudflaredFile = 'cloudflared/config.yml';

// cloudflared matches `path` as an unanchored RE2 regex, first rule wins: plan order + anchors
// give the same precedence as nginx. It cannot see client IPs, so internal-only routes are 404.
function ruleFor(plan: Plan, route: PlanRoute) {
  const catchAll = route.match.kind === 'prefix' && route.match.path === '/';
  return {
    hostname: plan.domain,
    comment: `${route.match.kind} ${route.match.path}${route.internalOnly ? ' (internal-only: never through the tunnel)' : ''}`,
    path: catchAll ? null : route.regex,
    service: route.internalOnly ? 'http_status:404' : (plan.tunnelIn?.url ?? plan.upstream.url),
  };
}

export function renderCloudflared(plan: Plan): OutputFile[] {
  const content = render({
    header: [...headerLines(plan, `cloudflared ingress for ${plan.domain}`), 'Check with: cloudflared tunnel ingress validate --config config.yml'],
    tunnel: plan.tunnel.cloudflare.tunnel,
    credentialsFile: plan.tunnel.cloudflare.credentials_file,
    rules: plan.routes.map((route) => ruleFor(plan, route)),
  });
  return [{ path: cloudflaredFile, content, mode: 0o644 }];
}
