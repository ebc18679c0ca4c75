import type { TargetName } from '../config/schema.js';
import { SITE_UPSTREAM } from '../plan/upstreams.js';
import type { Plan, PlanRoute } from '../plan/plan.js';

type Policy = 'rate' | 'allowlist' | 'body' | 'timeout' | 'headers' | 'responseHeaders' | 'upstream' | 'balance' | 'compression' | 'redirect' | 'auth';

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
    responseHeaders: 'not applied: cloudflared does not change response headers (use a Cloudflare Transform Rule, or the app)',
    balance: 'not balanced: an ingress rule has one service, so every request goes to the first server',
    compression: "not applied by cloudflared (Cloudflare's edge compresses by the zone's own settings)",
    redirect: 'not applied: cloudflared cannot answer with a redirect, so the request reaches the app (use a Cloudflare redirect rule)',
    auth: 'not checked by cloudflared: the path answers 404 through the tunnel (use Cloudflare Access, or tunnel.via: proxy)',
  },
  ngrok: {
    rate: 'approximated: ngrok counts requests in 60 s sliding windows (capacity = the rate per minute, at least burst + 1)',
    body: 'not enforced by the ngrok agent config',
    timeout: 'not configurable in the ngrok agent config',
    upstream: 'not routed: an ngrok endpoint forwards to one upstream, so this path answers 404 through ngrok (use tunnel.via: proxy)',
    balance: 'not balanced: the agent forwards every request to the first server',
    auth: "not checked by ngrok: its basic-auth action needs plaintext passwords, which are never written; only the allow list admits, or 404 without one (or use tunnel.via: proxy)",
  },
};

function routePolicies(route: PlanRoute): [Policy, string][] {
  const found: [Policy, string][] = [];
  if (route.rate) found.push(['rate', `rate ${route.rate.count}/${route.rate.per}`]);
  // With a password, a target that checks none closes the route: its auth line says so.
  if (route.access && !route.internalOnly && !route.auth) found.push(['allowlist', `allow ${route.access.names.join(', ')}`]);
  if (route.body !== undefined) found.push(['body', 'body limit']);
  if (route.timeout !== undefined) found.push(['timeout', `timeout ${route.timeout}s`]);
  if (route.upstream !== SITE_UPSTREAM && !route.internalOnly) found.push(['upstream', `upstream ${route.upstream}`]);
  if (route.auth) found.push(['auth', 'basic auth']);
  if (route.headers.length) found.push(['responseHeaders', `headers ${route.headers.map((op) => op.name).join(', ')}`]);
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

/** Caddy reads bcrypt hashes in its own syntax, not an htpasswd file: without its file, 401 for all. */
const caddyAuthGaps = (plan: Plan) =>
  plan.routes.filter((route) => route.auth && !route.auth.caddyFile).map((route) => `${route.match.path}: basic auth not checked: Caddy needs auth.caddy_file ("user <bcrypt hash>" lines, caddy hash-password); until then the route answers 401${route.access ? ' to everyone the allow list does not admit' : ''}`);

/** One line per policy the target cannot enforce as written. */
export function gapsFor(plan: Plan, target: TargetName): string[] {
  // A tunnel serves the domain only (ngrok: its own domain): the other name needs DNS to the proxy.
  // An ngrok endpoint serves one name; cloudflared routes the other one to the proxy, if there is one.
  const www = plan.www && (target === 'ngrok' || (target === 'cloudflared' && !plan.tunnelIn)) ? [`www redirect: ${plan.www} is not routed through the tunnel (${target === 'ngrok' ? 'an endpoint serves one name; ' : ''}point its DNS at the proxy)`] : [];
  // Delivering to the proxy, a tunnel leaves every policy to it (its gaps are listed under it).
  if (plan.tunnelIn && (target === 'cloudflared' || target === 'ngrok')) return www;
  const table = GAPS[target];
  const lines: string[] = [...www, ...(target === 'caddy' ? [...caddyTunnelGaps(plan), ...caddyAuthGaps(plan)] : [])];
  if (table.headers && plan.headers.length > 0) lines.push(`security headers ${table.headers}`);
  if (table.body) lines.push(`site body limit ${table.body}`);
  if (table.compression && plan.compression) lines.push(`compression ${table.compression}`);
  if (table.redirect) lines.push(...plan.redirects.map((r) => `redirect ${r.from} -> ${r.to} ${table.redirect}`));
  const custom = plan.siteHeaders.slice(plan.headers.length + (plan.hsts ? 1 : 0));
  if (table.responseHeaders && custom.length) lines.push(`site headers ${custom.map((op) => op.name).join(', ')} ${table.responseHeaders}`);
  const used = new Set(plan.routes.filter((route) => !route.internalOnly).map((route) => route.upstream));
  for (const group of plan.upstreams) {
    if (table.balance && group.servers.length > 1 && (group.key === SITE_UPSTREAM || used.has(group.key))) lines.push(`upstream ${group.label} (${group.servers.length} servers) ${table.balance}`);
  }
  for (const route of plan.routes) {
    for (const [policy, label] of routePolicies(route)) {
      const gap = table[policy];
      if (gap && !(policy === 'body' && table.body && route.body === plan.body)) lines.push(`${route.match.path}: ${label} ${gap}`);
    }
  }
  return lines;
}
