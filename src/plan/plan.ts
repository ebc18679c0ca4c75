import { routePaths, type Config } from '../config/resolve.js';
import { wwwOther } from '../config/routing-checks.js';
import { isSetName } from '../config/schema.js';
import { durationSeconds, sizeBytes } from '../config/values.js';
import { canonicalCidr } from './cidr.js';
import { versionAtLeast } from './version.js';
import { headerOpsOf, type HeaderOp } from './headers.js';
import { planUpstreams, upstreamKeyOf, type PlanUpstream } from './upstreams.js';
import { classify, compareSpecificity, exactVariantsRegex, matchRegex, type Match } from './match.js';

export interface Access {
  /** Static CIDRs from `networks`, canonical. */
  cidrs: string[];
  /** Names of allowlists (files owned by refresh-allowlist). */
  allowlists: string[];
  names: string[];
}

export interface PlanRoute {
  id: string;
  match: Match;
  regex: string;
  websocket: boolean;
  timeout?: number;
  body?: number;
  rate?: { count: number; per: 's' | 'm'; burst: number };
  access?: Access;
  /** Reachable only from `networks` (private ranges): a tunnel must not deliver it at all. */
  internalOnly: boolean;
  /** A guarded exact path's other spellings (case-insensitive regex): they get the same guard. */
  variants?: string;
  /** The key of its group in Plan.upstreams (SITE_UPSTREAM unless the route names its own). */
  upstream: string;
  /** HTTP basic auth (files only named, never read); with access, either one admits. */
  auth?: { basic: string; caddyFile?: string };
  /** The route's own response-header changes (empty: the site's apply as they are). */
  headers: HeaderOp[];
}

export interface Allowlist {
  name: string;
  sections: string[];
  cidrs: string[];
}

/** The proxy's listener for the tunnel (tunnel.via: proxy), and whom it trusts for the visitor's address. */
export interface TunnelIn {
  port: number;
  /** Canonical CIDRs the tunnel agent connects from. */
  from: string[];
  /** Where the agent puts the visitor's address. */
  header: 'CF-Connecting-IP' | 'X-Forwarded-For';
  /** Where the tunnel delivers: the proxy's loopback listener. */
  url: string;
  /** Host names the tunnel passes on besides the domain (ngrok keeps its public host name). */
  hosts: string[];
}

/** Whom the proxy believes about the client's address (trusted_proxies), resolved. */
export interface Trusted {
  cidrs: string[];
  /** Allowlists whose current lists are trusted (files refresh-allowlist keeps). */
  allowlists: string[];
  header: string;
}

export interface Plan {
  source: string;
  domain: string;
  slug: string;
  /** The site's upstream (its first server when it is a group). */
  upstream: { scheme: 'http' | 'https'; hostPort: string; url: string };
  /** Every upstream group the routes use, the site's first. */
  upstreams: PlanUpstream[];
  ports: Config['ports'];
  bind: Config['bind'];
  tls: Config['tls'];
  /** The security headers (what verify expects); HSTS apart. */
  headers: { name: string; value: string }[];
  hsts: boolean;
  /** Every response header the site sets or removes: security, HSTS, then headers.set/remove. */
  siteHeaders: HeaderOp[];
  body: number;
  rateStatus: number;
  /** Compress text answers on every route but the WebSocket ones. */
  compression: boolean;
  /** Exact paths answered with a redirect before any route; the query is kept. */
  redirects: Config['redirects'];
  /** `www: redirect`: the other name, which answers a 301 to the domain. */
  www: string | null;
  routes: PlanRoute[];
  allowlists: Allowlist[];
  tunnel: Config['tunnel'];
  tunnelIn: TunnelIn | null;
  trusted: Trusted | null;
  firewall?: Config['firewall'];
  nginx: Config['nginx'] & { http2Directive: boolean };
  caddy: Config['caddy'];
}

const SECURITY_HEADERS = [
  { name: 'X-Content-Type-Options', value: 'nosniff' },
  { name: 'X-Frame-Options', value: 'SAMEORIGIN' },
  { name: 'Referrer-Policy', value: 'no-referrer' },
];

export const HSTS_VALUE = 'max-age=63072000';

/**
 * Headers that name a client address (or how it came in) which only a trusted hop may set: the
 * proxy removes what a client sent and sets X-Real-IP, X-Forwarded-For/-Proto/-Host itself.
 */
export const CLIENT_ADDRESS_HEADERS = ['Forwarded', 'CF-Connecting-IP', 'True-Client-IP', 'X-Client-IP', 'X-Forwarded-Port', 'X-Forwarded-Server', 'X-Forwarded-Prefix', 'X-Forwarded-Ssl'];

function slugOf(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toLowerCase();
}

// FNV-1a: a short hash that never changes across versions: it names deployed nginx variables and zones.
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/**
 * Site names go into nginx variables, whose names must fit variables_hash_bucket_size (64 on
 * Debian): long domains are cut and made unique with a short hash.
 */
function siteSlug(domain: string): string {
  const slug = slugOf(domain);
  if (slug.length <= 24) return slug;
  return `${slug.slice(0, 16).replace(/_+$/, '')}_${fnv1a(domain).toString(16).padStart(8, '0').slice(0, 6)}`;
}

function uniqueIds(matches: Match[]): string[] {
  const used = new Set<string>();
  // Where each base's numbering resumes: every suffix below it is taken, so thousands of paths
  // with one slug (/A-b, /a.b, ...) do not each count up from 2.
  const resume = new Map<string, number>();
  return matches.map((match) => {
    const base = (match.path === '/' ? 'root' : slugOf(match.path.replaceAll('*', 'x'))) + (match.kind === 'exact' ? '_exact' : '');
    let id = base;
    let n = resume.get(base) ?? 2;
    for (; used.has(id); n++) id = `${base}_${n}`;
    resume.set(base, n);
    used.add(id);
    return id;
  });
}

function trustedOf(spec: NonNullable<Config['trusted_proxies']>, networks: Record<string, string[]>, allowlists: Config['allowlists']): Trusted {
  return {
    cidrs: [...new Set(spec.from.flatMap((entry) => (!isSetName(entry) ? [canonicalCidr(entry)] : Object.hasOwn(networks, entry) ? networks[entry]! : [])))],
    allowlists: spec.from.filter((entry) => isSetName(entry) && Object.hasOwn(allowlists, entry)),
    header: spec.header,
  };
}

/** Data in, data out: allowlist contents come from the caller (snapshot or last refresh). */
export function buildPlan(config: Config, source: string, allowlistCidrs: Record<string, string[]>): Plan {
  const networks = Object.fromEntries(Object.entries(config.networks).map(([name, list]) => [name, list.map(canonicalCidr)]));
  const expanded = config.routes.flatMap((route) => routePaths(route).map((path) => ({ route, match: classify(path, route.exact) })));
  expanded.sort((a, b) => compareSpecificity(a.match, b.match));
  const ids = uniqueIds(expanded.map((e) => e.match));
  const routes = expanded.map(({ route, match }, index): PlanRoute => {
    const names = route.allow ?? [];
    const rate = route.rate ? /^([0-9]+)\/(s|m)$/.exec(route.rate)! : undefined;
    return {
      id: ids[index]!,
      match,
      regex: matchRegex(match),
      websocket: route.websocket ?? false,
      timeout: route.timeout ? durationSeconds(route.timeout) : undefined,
      body: route.body ? sizeBytes(route.body) : undefined,
      rate: rate ? { count: Number(rate[1]), per: rate[2] as 's' | 'm', burst: route.burst ?? 0 } : undefined,
      access: names.length
        ? {
            names,
            cidrs: [...new Set(names.flatMap((name) => (Object.hasOwn(networks, name) ? networks[name]! : [])))],
            allowlists: names.filter((name) => Object.hasOwn(config.allowlists, name)),
          }
        : undefined,
      // With a password, outsiders may come in too: not internal-only any more.
      internalOnly: names.length > 0 && names.every((name) => Object.hasOwn(networks, name)) && !route.auth,
      variants: (names.length > 0 || route.auth) && match.kind === 'exact' ? exactVariantsRegex(match) : undefined,
      auth: route.auth ? { basic: route.auth.basic, caddyFile: route.auth.caddy_file } : undefined,
      upstream: upstreamKeyOf(config, route.upstream),
      headers: headerOpsOf(route.headers),
    };
  });
  const upstreams = planUpstreams(config);
  const security = config.headers.security ? SECURITY_HEADERS : [];
  const hsts = config.tls.hsts && config.tls.mode !== 'off' && config.headers.security;
  const site = upstreams[0]!;
  return {
    source,
    domain: config.domain,
    slug: siteSlug(config.domain),
    upstream: { scheme: site.scheme, hostPort: site.servers[0]!, url: site.url },
    upstreams,
    ports: config.ports,
    bind: config.bind,
    tls: config.tls,
    headers: security,
    hsts,
    siteHeaders: [...security, ...(hsts ? [{ name: 'Strict-Transport-Security', value: HSTS_VALUE }] : []), ...headerOpsOf(config.headers)],
    body: sizeBytes(config.limits.body),
    rateStatus: config.limits.rate_status,
    compression: config.compression,
    redirects: config.redirects,
    www: config.www === 'redirect' ? wwwOther(config.domain) : null,
    routes,
    allowlists: Object.entries(config.allowlists).map(([name, spec]) => ({ name, sections: spec.sections, cidrs: allowlistCidrs[name] ?? [] })),
    tunnel: config.tunnel,
    tunnelIn:
      config.tunnel.provider !== 'none' && config.tunnel.via === 'proxy'
        ? {
            port: config.ports.tunnel,
            from: config.tunnel.from.map(canonicalCidr),
            header: config.tunnel.provider === 'cloudflare' ? 'CF-Connecting-IP' : 'X-Forwarded-For',
            url: `http://127.0.0.1:${config.ports.tunnel}`,
            hosts: config.tunnel.provider === 'ngrok' && config.tunnel.ngrok.domain !== config.domain ? [config.tunnel.ngrok.domain] : [],
          }
        : null,
    trusted: config.trusted_proxies ? trustedOf(config.trusted_proxies, networks, config.allowlists) : null,
    firewall: config.firewall,
    nginx: { ...config.nginx, http2Directive: versionAtLeast(config.nginx.version, [1, 25, 1]) },
    caddy: config.caddy,
  };
}
