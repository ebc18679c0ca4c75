import type { TargetName } from '../config/schema.js';
import type { Plan, PlanRoute } from '../plan/plan.js';

type Policy = 'rate' | 'allowlist' | 'body' | 'timeout' | 'headers';

// What each target cannot enforce (absent = enforced as written). Printed by render and check
// every time: a policy is never dropped silently.
export const GAPS: Record<TargetName, Partial<Record<Policy, string>>> = {
  nginx: {},
  caddy: {
    rate: 'not enforced: stock Caddy has no rate limiter (build with the caddy-ratelimit module, or limit in the app)',
    body: 'enforced with 413 before proxying when the request declares its Content-Length; a chunked body over the limit is cut off there, after the app received that much (the client gets 502)',
  },
  cloudflared: {
    rate: 'not enforced: cloudflared has no rate limiting (use a Cloudflare WAF rate-limiting rule)',
    allowlist: 'not enforced: cloudflared cannot filter by client IP (use a Cloudflare WAF rule; the app must verify signatures)',
    body: 'not enforced by cloudflared (Cloudflare caps bodies by plan; the app must enforce its own limit)',
    timeout: 'not configurable in cloudflared ingress',
    headers: 'not added: the tunnel goes straight to the upstream, so the app must send its own security headers',
  },
  ngrok: {
    rate: 'approximated: ngrok counts requests in 60 s sliding windows (capacity = the rate per minute, at least burst + 1)',
    body: 'not enforced by the ngrok agent config',
    timeout: 'not configurable in the ngrok agent config',
    headers: 'not added: the tunnel goes straight to the upstream, so the app must send its own security headers',
  },
};

function routePolicies(route: PlanRoute): [Policy, string][] {
  const found: [Policy, string][] = [];
  if (route.rate) found.push(['rate', `rate ${route.rate.count}/${route.rate.per}`]);
  if (route.access && !route.internalOnly) found.push(['allowlist', `allow ${route.access.names.join(', ')}`]);
  if (route.body !== undefined) found.push(['body', 'body limit']);
  if (route.timeout !== undefined) found.push(['timeout', `timeout ${route.timeout}s`]);
  return found;
}

// Caddy 2.6 has no client_ip_headers (2.7 has): behind the tunnel, remote_ip sees the agent.
const CADDY_TUNNEL_ALLOWLIST = "refuses tunnel visitors: Caddy 2.6 matches the tunnel agent's address, not the visitor's (no client_ip_headers before 2.7)";
const CADDY_TUNNEL_NGROK = "tunnel visitors reach the app as the agent's address (X-Real-IP, X-Forwarded-For): Caddy 2.6 cannot take ngrok's entry from X-Forwarded-For";

const CADDY_TRUSTED = "not applied: Caddy 2.6 cannot read the client's address from a header (client_ip_headers is 2.7), so allowlists and internal-only paths see the proxies' addresses (refusing their clients) and the app is told them";

/** What Caddy cannot do with tunnel traffic delivered to it (tunnel.via: proxy) or trusted proxies. */
function caddyTunnelGaps(plan: Plan): string[] {
  const trusted = plan.trusted ? [`trusted_proxies (${plan.trusted.header}) ${CADDY_TRUSTED}`] : [];
  if (!plan.tunnelIn) return trusted;
  const lines = plan.routes.filter((route) => route.access && !route.internalOnly).map((route) => `${route.match.path}: allow ${route.access!.names.join(', ')} ${CADDY_TUNNEL_ALLOWLIST}`);
  return [...trusted, ...(plan.tunnelIn.header === 'X-Forwarded-For' ? [CADDY_TUNNEL_NGROK] : []), ...lines];
}

/** One line per policy the target cannot enforce as written. */
export function gapsFor(plan: Plan, target: TargetName): string[] {
  // Delivering to the proxy, a tunnel leaves every policy to it (its gaps are listed under it).
  if (plan.tunnelIn && (target === 'cloudflared' || target === 'ngrok')) return [];
  const table = GAPS[target];
  const lines: string[] = target === 'caddy' ? caddyTunnelGaps(plan) : [];
  if (table.headers && plan.headers.length > 0) lines.push(`security headers ${table.headers}`);
  if (table.body) lines.push(`site body limit ${table.body}`);
  for (const route of plan.routes) {
    for (const [policy, label] of routePolicies(route)) {
      const gap = table[policy];
      if (gap && !(policy === 'body' && table.body && route.body === plan.body)) lines.push(`${route.match.path}: ${label} ${gap}`);
    }
  }
  return lines;
}
