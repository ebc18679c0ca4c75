import ambiguousPartial from '../../templates/caddy/ambiguous.hbs';
import caddyTemplate from '../../templates/caddy/Caddyfile.hbs';
import siteBodyPartial from '../../templates/caddy/site-body.hbs';
import type { Match } from '../plan/match.js';
import type { HeaderOp } from '../plan/headers.js';
import { CLIENT_ADDRESS_HEADERS, type Plan, type PlanRoute } from '../plan/plan.js';
import { groupOf } from '../plan/upstreams.js';
import { allowlistHeader, siteOrigin, caddySize, cidrChunks, durationText, headerLines, joinLines, type OutputFile } from './format.js';
import { partial, template } from './hbs.js';

partial('caddyAmbiguous', ambiguousPartial);
partial('caddySiteBody', siteBodyPartial);
const render = template(caddyTemplate);

export const caddyFile = 'caddy/Caddyfile';
export const caddyAllowlistFile = (name: string) => `caddy/allowlists/${name}.caddy`;

function caddyPaths(match: Match): string[] {
  switch (match.kind) {
    case 'exact':
    case 'glob':
      return [match.path];
    case 'prefix':
      return [`${match.path}*`];
    case 'segment':
      return [match.path, `${match.path}/*`];
  }
}

const isCatchAll = (route: PlanRoute) => route.match.kind === 'prefix' && route.match.path === '/';

// Caddy's Caddyfile adapter slows with the square of the named matchers at site level (2.6.2:
// 4,000 take 3.6 s, 8,000 take 15 s); inline ones, and named ones inside a handle, cost it
// nothing extra. A route with one path is matched inline (`handle /api/*` is `path /api/*`), only
// a segment's two paths get a site-level name, and an allowlist's refusal is named inside the
// route's own handle (`respond @x_denied 403` runs before `reverse_proxy` there).
const inlinePath = (route: PlanRoute): string | null => {
  const paths = caddyPaths(route.match);
  return paths.length === 1 ? paths[0]! : null;
};

function handleFor(plan: Plan, route: PlanRoute, siteLimitEnough: boolean, matcher = isCatchAll(route) ? null : (inlinePath(route) ?? `@${route.id}`)) {
  const access = route.access;
  const group = groupOf(plan.upstreams, route.upstream);
  return {
    matcher,
    refusal: access ? { name: `${route.id}_denied`, cidrLines: cidrChunks(access.cidrs, 8), imports: access.allowlists.map((name) => `allowlists/${name}.caddy`) } : null,
    // A password route with no users file for Caddy and no allow list: refused outright.
    status: route.auth && !route.auth.caddyFile && !access ? 401 : null,
    tooLarge: siteLimitEnough && (route.body ?? plan.body) >= plan.body ? null : tooLarge(route.id, route.body ?? plan.body),
    websocket: route.websocket,
    // Caddy's encode compresses text types only by default; never a WebSocket route.
    encode: plan.compression && !route.websocket,
    body: route.body === undefined ? null : caddySize(route.body),
    timeout: route.timeout === undefined ? null : durationText(route.timeout),
    upstream: group.servers.join(' '),
    upstreamTls: group.scheme === 'https',
    // Passive health checks: a server that failed max_fails times within fail_duration is skipped;
    // lb_try_duration retries a failed attempt on the next server, as nginx's proxy_next_upstream does.
    balance: group.servers.length > 1 ? { failDuration: durationText(group.failTimeout), maxFails: group.maxFails } : null,
    // The password is for the proxy: the app never sees it.
    stripHeaders: route.auth ? [...CLIENT_ADDRESS_HEADERS, 'Authorization'] : CLIENT_ADDRESS_HEADERS,
    // Caddy needs its own users file; without one the route is refused (401), never left open.
    auth: route.auth ? { file: route.auth.caddyFile ?? null } : null,
    clientArgs: plan.tunnelIn !== null,
  };
}

/**
 * request_body alone lets Caddy proxy the first max_size bytes and then answer 502; a declared
 * Content-Length over the limit is answered 413 before the app sees the request, as nginx does.
 */
const tooLarge = (id: string, bytes: number) => ({ name: `${id}_too_large`, bytes });

/**
 * When no route allows more than the site, one check of the site's limit before every handle is
 * right for all of them (one CEL program instead of one per handle); a route with a smaller
 * limit checks its own as well.
 */
const siteLimitCovers = (plan: Plan) => plan.routes.every((route) => route.body === undefined || route.body <= plan.body);

/** `redirects:` first, so they win over every route as nginx's `location =` does. */
function explicitRedirects(plan: Plan) {
  return plan.redirects.map((r, index) => ({ matcher: r.from, redirect: { name: `redirect_${index + 1}_query`, to: r.to, code: r.status }, tooLarge: null, refusal: null, status: null, body: null, timeout: null, websocket: false }));
}

/**
 * nginx answers `/api` with a 301 to `/api/` when `location /api/` proxies (before any regex
 * location); Caddy gets the same rule so both targets behave alike.
 */
function slashRedirects(plan: Plan) {
  const exact = new Set(plan.routes.filter((r) => r.match.kind === 'exact' || r.match.kind === 'segment').map((r) => r.match.path));
  return plan.routes
    .filter((r) => r.match.kind === 'prefix' && r.match.path !== '/' && !exact.has(r.match.path.slice(0, -1)))
    .map((r) => ({ matcher: r.match.path.slice(0, -1), redirect: { name: `${r.id}_query`, to: r.match.path, code: 'permanent' }, tooLarge: null, refusal: null, status: null, body: null, timeout: null, websocket: false }));
}

// A guarded exact path is matched with its variants (the regex matches the path itself too): a
// site-level name each, few in any real config.
const variantsName = (route: PlanRoute) => `${route.id}_variants`;
const handleOf = (plan: Plan, route: PlanRoute, siteLimitEnough: boolean) => (route.variants ? handleFor(plan, route, siteLimitEnough, `@${variantsName(route)}`) : handleFor(plan, route, siteLimitEnough));

function siteMatchersFor(route: PlanRoute): { name: string; paths: string[]; regexp: string | null }[] {
  if (route.variants) return [{ name: variantsName(route), paths: [], regexp: `(?i)${route.variants}` }];
  return isCatchAll(route) || inlinePath(route) !== null ? [] : [{ name: route.id, paths: caddyPaths(route.match), regexp: null }];
}

/**
 * The tunnel's listener: the site's directives again, on loopback, for the tunnel's source only.
 * Caddy 2.6 has no client_ip_headers, so remote_ip (allowlists, internal-only) sees the tunnel's
 * address; the app is told the visitor's from CF-Connecting-IP (a documented gap for ngrok).
 */
function tunnelOf(plan: Plan) {
  const tunnel = plan.tunnelIn;
  if (!tunnel) return null;
  return {
    snippet: `proxygen_${plan.slug}_site`,
    port: tunnel.port,
    header: tunnel.header,
    addresses: [plan.domain, ...tunnel.hosts].map((host) => `http://${host}:${tunnel.port}`),
    bind: ['127.0.0.1', ...(plan.nginx.ipv6 ? ['[::1]'] : [])],
    from: tunnel.from,
    address: tunnel.header === 'CF-Connecting-IP' ? '{http.request.header.CF-Connecting-IP}' : '{remote_host}',
  };
}

export function renderCaddy(plan: Plan): OutputFile[] {
  const tlsOn = plan.tls.mode !== 'off';
  const globals = [
    ...((tlsOn ? plan.bind.https : plan.bind.http) ? [`default_bind ${tlsOn ? plan.bind.https : plan.bind.http}`] : []),
    ...(plan.ports.http !== 80 ? [`http_port ${plan.ports.http}`] : []),
    ...(plan.ports.https !== 443 && tlsOn ? [`https_port ${plan.ports.https}`] : []),
    ...(plan.tls.mode === 'acme' && plan.tls.email ? [`email ${plan.tls.email}`] : []),
  ];
  const tlsArgs = plan.tls.mode === 'files' ? [plan.tls.cert!, plan.tls.key!] : [];
  const modern = tlsOn && plan.tls.profile === 'modern';
  const redirects = [...explicitRedirects(plan), ...slashRedirects(plan)];
  // Once per site: asked per route, it made a 5,000-route render quadratic.
  const siteLimitEnough = siteLimitCovers(plan);
  const handles: object[] = [...redirects, ...plan.routes.map((route) => handleOf(plan, route, siteLimitEnough))];
  if (!plan.routes.some(isCatchAll)) handles.push({ matcher: null, refusal: null, status: 404, tooLarge: siteLimitEnough ? null : tooLarge('not_found', plan.body), body: null, timeout: null, websocket: false });
  const headers = headerPlacement(plan);
  const content = render({
    header: [...headerLines(plan, `Caddy site for ${plan.domain}`), 'Rate limits are not enforced here: stock Caddy has no rate limiter (see README.md).'],
    globals,
    address: tlsOn ? plan.domain : `http://${plan.domain}`,
    tls: tlsArgs.length || modern ? { args: tlsArgs, modern } : null,
    headers: headers.site,
    body: caddySize(plan.body),
    matchers: plan.routes.flatMap(siteMatchersFor),
    handles: handles.map((handle, index) => ({ ...handle, ownHeaders: headers.handle(index < redirects.length ? [] : (plan.routes[index - redirects.length]?.headers ?? [])) })),
    // Written out, not Caddy's automatic redirect: that one sends any Host to https://<that host>
    // and drops a non-standard https_port from the Location.
    redirect: tlsOn ? { from: `http://${plan.domain}`, to: `https://${plan.domain}${plan.ports.https === 443 ? '' : `:${plan.ports.https}`}{uri}` } : null,
    tlsOn,
    domain: plan.domain,
    www: plan.www ? { host: plan.www, to: siteOrigin(plan) } : null,
    tunnel: tunnelOf(plan),
    siteTooLarge: siteLimitEnough ? plan.body : null,
  });
  return [{ path: caddyFile, content, mode: 0o644 }, ...caddyAllowlistFiles(plan)];
}

/** One file of `remote_ip` lines (eight CIDRs each) per allowlist, imported inside a matcher. */
export function caddyAllowlistFiles(plan: Plan): OutputFile[] {
  return plan.allowlists.map((list) => ({
    path: caddyAllowlistFile(list.name),
    content: `${allowlistHeader(plan, list, '# Owned by `proxygen refresh-allowlist`; imported inside a matcher block.')}${joinLines(cidrChunks(list.cidrs, 8).map((chunk) => chunk.join(' ')), 'remote_ip ', '')}`,
    mode: 0o644,
  }));
}

/**
 * Deferred header handlers nest, and the outer (site-level) one writes last: a name some route
 * changes is therefore set in every handle (the route's value, else the site's), never at site level.
 */
function headerPlacement(plan: Plan): { site: HeaderOp[]; handle: (own: HeaderOp[]) => HeaderOp[] } {
  const changed = new Set(plan.routes.flatMap((route) => route.headers.map((op) => op.name.toLowerCase())));
  const find = (ops: HeaderOp[], name: string) => ops.find((op) => op.name.toLowerCase() === name);
  return {
    site: plan.siteHeaders.filter((op) => !changed.has(op.name.toLowerCase())),
    handle: (own) => [...changed].flatMap((name) => find(own, name) ?? find(plan.siteHeaders, name) ?? []),
  };
}
