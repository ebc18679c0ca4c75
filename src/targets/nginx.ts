import proxyHeadersPartial from '../../templates/nginx/proxy-headers.hbs';
import refusalsPartial from '../../templates/nginx/refusals.hbs';
import siteTemplate from '../../templates/nginx/site.conf.hbs';
import type { Plan, PlanRoute } from '../plan/plan.js';
import { mergeHeaderOps } from '../plan/headers.js';
import { CLIENT_ADDRESS_HEADERS } from '../plan/plan.js';
import { groupOf, type PlanUpstream } from '../plan/upstreams.js';
import { allowlistHeader, headerLines, joinLines, nginxSize, siteOrigin, type OutputFile } from './format.js';
import { partial, template } from './hbs.js';

partial('refusals', refusalsPartial);
partial('proxyHeaders', proxyHeadersPartial);
const render = template(siteTemplate);

// Mozilla server-side TLS guideline 5.7. DHE suites are left out: they need a dhparam file.
const PROFILES = {
  intermediate: {
    protocols: 'TLSv1.2 TLSv1.3',
    ciphers:
      'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305',
  },
  modern: { protocols: 'TLSv1.3', ciphers: null },
} as const;

const LOCATION_MODIFIER = { exact: '= ', glob: '~ ', prefix: '', segment: '' } as const;

export const nginxSiteFile = (plan: Plan) => `nginx/${plan.domain}.conf`;
export const nginxAllowlistFile = (name: string) => `nginx/allowlists/${name}.conf`;
/** The same list as `set_real_ip_from` lines, for an allowlist named in trusted_proxies. */
export const nginxRealIpFile = (name: string) => `nginx/allowlists/${name}.realip.conf`;
export const nginxAllowlistPaths = (plan: Plan) => [...plan.allowlists.map((list) => nginxAllowlistFile(list.name)), ...(plan.trusted?.allowlists ?? []).map(nginxRealIpFile)];

/**
 * Whom nginx believes about the client's address: the tunnel agent (tunnel.via: proxy) and the
 * trusted proxies. One real_ip_header per server, so the two agree on it (resolve.ts).
 */
function realIpOf(plan: Plan) {
  const { tunnelIn, trusted } = plan;
  if (!tunnelIn && !trusted) return null;
  return {
    from: [...new Set([...(tunnelIn?.from ?? []), ...(trusted?.cidrs ?? [])])],
    includes: (trusted?.allowlists ?? []).map((name) => `${plan.nginx.allowlist_dir}/${name}.realip.conf`),
    header: trusted?.header ?? tunnelIn!.header,
    // Behind a chain of trusted proxies, the first address from the right that is not one of them.
    recursive: trusted?.header === 'X-Forwarded-For',
  };
}

const upstreamName = (plan: Plan, group: PlanUpstream) => `proxygen_${plan.slug}_${group.id}`;

const upstreamOf = (plan: Plan, group = plan.upstreams[0]!) => ({
  // Through the tunnel's plain-HTTP listener the visitor still came in over HTTPS.
  protoVar: plan.tunnelIn ? `$proxygen_${plan.slug}_proto` : '$scheme',
  upstreamScheme: group.scheme,
  upstreamName: upstreamName(plan, group),
  connectionVar: `$proxygen_${plan.slug}_conn`,
  upstreamTls: group.scheme === 'https',
  // Without it nginx names the upstream group (proxygen_...) in SNI and in the certificate check.
  sslName: group.scheme === 'https' ? sslNameOf(group.servers[0]!) : null,
});

/** The host a TLS upstream's certificate names; none for an address (SNI carries no addresses). */
function sslNameOf(hostPort: string): string | null {
  const host = hostPort.replace(/:[0-9]+$/, '');
  return host.startsWith('[') || /^[0-9.]+$/.test(host) ? null : host;
}

/** `server` arguments; failure detection only means something with a second server to try. */
const upstreamBlock = (plan: Plan, group: PlanUpstream) => ({
  name: upstreamName(plan, group),
  servers: group.servers.map((server) => (group.servers.length > 1 ? `${server} max_fails=${group.maxFails} fail_timeout=${group.failTimeout}s` : server)),
});

// Each location carries everything its template block prints, the upstream's names included.
function locationsFor(plan: Plan, route: PlanRoute, zone: string | null) {
  const upstream = upstreamOf(plan, groupOf(plan.upstreams, route.upstream));
  const location = (modifier: string, path: string) => ({
    modifier,
    path,
    rateZone: zone,
    burst: route.rate?.burst ?? 0,
    guarded: route.access !== undefined,
    allowCidrs: route.access?.cidrs ?? [],
    allowIncludes: (route.access?.allowlists ?? []).map((name) => `${plan.nginx.allowlist_dir}/${name}.conf`),
    body: route.body === undefined ? null : nginxSize(route.body),
    websocket: route.websocket,
    // The server's proxy_set_header list fits every other location (see the template).
    ownHeaders: route.websocket || route.auth !== undefined,
    gzipOff: route.websocket && plan.compression,
    timeout: route.timeout === undefined ? null : `${route.timeout}s`,
    notFound: false,
    protoVar: upstream.protoVar,
    upstreamScheme: upstream.upstreamScheme,
    upstreamName: upstream.upstreamName,
    connectionVar: upstream.connectionVar,
    upstreamTls: upstream.upstreamTls,
    sslName: upstream.sslName,
    // The password is for the proxy: the app never sees it.
    stripHeaders: route.auth ? [...CLIENT_ADDRESS_HEADERS, 'Authorization'] : CLIENT_ADDRESS_HEADERS,
    auth: route.auth ? { realm: plan.domain, file: route.auth.basic } : null,
    // nginx inherits add_header only into a block that has none: a route's own list is the whole list.
    headers: route.headers.length ? mergeHeaderOps(plan.siteHeaders, route.headers) : [],
  });
  const { kind, path } = route.match;
  if (kind === 'segment') return [location('= ', path), location('', `${path}/`)];
  // A regex location outranks every prefix one, so the variants cannot fall to a catch-all.
  if (route.variants) return [location('= ', path), location('~* ', route.variants)];
  return [location(LOCATION_MODIFIER[kind], kind === 'glob' ? route.regex : path)];
}

// Without a route for "/", nginx would serve its default html root; answer 404 like the other targets.
const NOT_FOUND_FALLBACK = {
  modifier: '', path: '/', rateZone: null, burst: 0, guarded: false, allowCidrs: [], allowIncludes: [], body: null, websocket: false, ownHeaders: false, gzipOff: false, timeout: null, notFound: true, stripHeaders: [], headers: [], auth: null,
};

function listens(plan: Plan, port: number, address: string | null, suffix: string): string[] {
  if (address) return [`${address.includes(':') ? `[${address}]` : address}:${port}${suffix}`];
  return [`${port}${suffix}`, ...(plan.nginx.ipv6 ? [`[::]:${port}${suffix}`] : [])];
}

export function renderNginx(plan: Plan): OutputFile[] {
  const tlsOn = plan.tls.mode !== 'off';
  const zoneOf = (route: PlanRoute) => (route.rate ? `proxygen_${plan.slug}_${route.id}` : null);
  const zones = plan.routes.filter((r) => r.rate).map((r) => ({ name: zoneOf(r), rate: `${r.rate!.count}r/${r.rate!.per}` }));
  const upstream = upstreamOf(plan);
  const locations = plan.routes.flatMap((route) => locationsFor(plan, route, zoneOf(route)));
  if (!plan.routes.some((r) => r.match.kind === 'prefix' && r.match.path === '/')) {
    locations.push({ ...NOT_FOUND_FALLBACK, ...upstream });
  }
  const profile = PROFILES[plan.tls.profile];
  const cert = plan.tls.mode === 'files' ? { cert: plan.tls.cert!, key: plan.tls.key! } : { cert: `/etc/letsencrypt/live/${plan.domain}/fullchain.pem`, key: `/etc/letsencrypt/live/${plan.domain}/privkey.pem` };
  const httpsPort = plan.ports.https === 443 ? '' : `:${plan.ports.https}`;
  const content = render({
    header: [...headerLines(plan, `nginx site for ${plan.domain}`), 'Include it in the http context (e.g. /etc/nginx/conf.d/); see README.md beside it.'],
    domain: plan.domain,
    connectionVar: upstream.connectionVar,
    zones,
    upstreams: plan.upstreams.map((group) => upstreamBlock(plan, group)),
    tls: tlsOn ? { ...cert, ...profile } : null,
    acme: plan.tls.mode === 'acme',
    redirect: `https://${plan.domain}${httpsPort}`,
    listenHttp: listens(plan, plan.ports.http, plan.bind.http, ''),
    listenMain: tlsOn ? listens(plan, plan.ports.https, plan.bind.https, plan.nginx.http2Directive ? ' ssl' : ' ssl http2') : listens(plan, plan.ports.http, plan.bind.http, ''),
    tunnel: plan.tunnelIn
      ? { ...plan.tunnelIn, listen: [`127.0.0.1:${plan.tunnelIn.port}`, ...(plan.nginx.ipv6 ? [`[::1]:${plan.tunnelIn.port}`] : [])], protoVar: upstream.protoVar }
      : null,
    realIp: realIpOf(plan),
    // Host names are letters, digits, "-" and ".": "." is the one character to escape.
    hostRegex: plan.tunnelIn?.hosts.length ? `^(${[plan.domain, ...plan.tunnelIn.hosts].map((host) => host.replaceAll('.', '[.]')).join('|')})$` : null,
    http2Directive: tlsOn && plan.nginx.http2Directive,
    body: nginxSize(plan.body),
    rateStatus: plan.rateStatus,
    compression: plan.compression,
    headers: plan.siteHeaders,
    proxy: { protoVar: upstream.protoVar, stripHeaders: CLIENT_ADDRESS_HEADERS },
    locations,
    redirects: plan.redirects,
    www: plan.www ? { host: plan.www, to: siteOrigin(plan), listenPlain: listens(plan, plan.ports.http, plan.bind.http, '') } : null,
  });
  return [{ path: nginxSiteFile(plan), content, mode: 0o644 }, ...nginxAllowlistFiles(plan)];
}

/** One `allow CIDR;` file per allowlist: thousands of lines, so one join, not a line each. */
export function nginxAllowlistFiles(plan: Plan): OutputFile[] {
  const files = plan.allowlists.map((list) => ({
    path: nginxAllowlistFile(list.name),
    content: `${allowlistHeader(plan, list, '# Owned by `proxygen refresh-allowlist`.')}${joinLines(list.cidrs, 'allow ', ';')}`,
    mode: 0o644,
  }));
  const trusted = plan.allowlists.filter((list) => plan.trusted?.allowlists.includes(list.name));
  return [
    ...files,
    ...trusted.map((list) => ({
      path: nginxRealIpFile(list.name),
      content: `${allowlistHeader(plan, list, '# Owned by `proxygen refresh-allowlist`; trusted_proxies: the client address is read from these.')}${joinLines(list.cidrs, 'set_real_ip_from ', ';')}`,
      mode: 0o644,
    })),
  ];
}
