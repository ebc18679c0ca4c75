import { headerIssues } from '../plan/headers.js';
import type { ConfigIssue } from './load.js';
import type { Config } from './resolve.js';
import { hostName } from './values.js';

/** The routing keys' cross-field rules (issue 23); `taken` holds the routes' match keys. */
export function routingIssues(config: Config, taken: Set<string>): ConfigIssue[] {
  return [...upstreamIssues(config), ...headersIssues(config), ...redirectIssues(config, taken)];
}

const isUpstreamName = (value: string) => !value.includes(':');

/** Names that exist, and servers of one scheme each (a proxy_pass names one scheme). */
function upstreamIssues(config: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const known = Object.keys(config.upstreams).join(', ') || 'none defined';
  const unknown = (name: string) => `unknown upstream "${name}"; define it under upstreams: (known: ${known}) or give a URL`;
  if (isUpstreamName(config.upstream) && !Object.hasOwn(config.upstreams, config.upstream)) issues.push({ path: ['upstream'], message: unknown(config.upstream) });
  config.routes.forEach((route) => {
    if (route.upstream && isUpstreamName(route.upstream) && !Object.hasOwn(config.upstreams, route.upstream)) issues.push({ path: route.at ? [...route.at, 'upstream'] : ['preset'], message: unknown(route.upstream) });
  });
  for (const [name, set] of Object.entries(config.upstreams)) {
    const schemes = new Set(set.servers.map((server) => server.split('://')[0]));
    if (schemes.size > 1) issues.push({ path: ['upstreams', name, 'servers'], message: 'servers of one upstream must share one scheme (all http:// or all https://)' });
    set.servers.forEach((server, index) => {
      if (set.servers.indexOf(server) !== index) issues.push({ path: ['upstreams', name, 'servers', index], message: `${server} is listed twice` });
    });
  }
  return issues;
}

const SECURITY_HEADER_NAMES = ['x-content-type-options', 'x-frame-options', 'referrer-policy', 'strict-transport-security'];

/** The site may not fight its own security headers; a route may change them for its paths. */
function headersIssues(config: Config): ConfigIssue[] {
  const site = headerIssues(config.headers, config.headers.security ? SECURITY_HEADER_NAMES : []).map((issue) => ({ ...issue, path: ['headers', ...issue.path] }));
  const routes = config.routes.flatMap((route) => headerIssues(route.headers, []).map((issue) => ({ ...issue, path: route.at ? [...route.at, 'headers', ...issue.path] : ['preset'] })));
  return [...site, ...routes];
}

/** The other name of `www: redirect`: www.<domain>, or the apex when the domain is the www one. */
export const wwwOther = (domain: string): string => (domain.startsWith('www.') ? domain.slice(4) : `www.${domain}`);

/** A redirect answers one exact path: no "*", no route or other redirect on the same path. */
function redirectIssues(config: Config, taken: Set<string>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  config.redirects.forEach((redirect, index) => {
    const path = ['redirects', index, 'from'];
    if (redirect.from.includes('*')) issues.push({ path, message: 'a redirect matches one exact path; "*" is not allowed here' });
    else if (taken.has(`=${redirect.from}`)) issues.push({ path, message: `a route already matches ${redirect.from} exactly; drop one of the two` });
    else if (seen.has(redirect.from)) issues.push({ path, message: `${redirect.from} is redirected twice` });
    else if (redirect.to === redirect.from) issues.push({ path: ['redirects', index, 'to'], message: 'redirects to itself' });
    seen.add(redirect.from);
  });
  if (config.www === 'redirect' && !hostName.safeParse(wwwOther(config.domain)).success) {
    issues.push({ path: ['www'], message: `${wwwOther(config.domain)} is not a valid host name` });
  }
  return issues;
}
