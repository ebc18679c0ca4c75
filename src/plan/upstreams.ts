import type { Config } from '../config/resolve.js';
import { durationSeconds } from '../config/values.js';

/** One upstream group: the site's, a named one, or a route's own URL. */
export interface PlanUpstream {
  /** What routes refer to it by: SITE_UPSTREAM, a name under upstreams:, or a URL. */
  key: string;
  /** How the config names it: a name under upstreams: or a URL. */
  label: string;
  /** Unique within the site, safe in nginx names: `backend`, `up_<name>`, `to_<host_port>`. */
  id: string;
  scheme: 'http' | 'https';
  /** host:port of each server, in the order given. */
  servers: string[];
  /** The first server as a URL: where a tunnel straight to the app delivers. */
  url: string;
  /** Passive failure detection, used when there is more than one server. */
  maxFails: number;
  failTimeout: number;
}

/** The site's own group: a key no name (letters first) or URL (a scheme first) can be. */
export const SITE_UPSTREAM = '(site)';

const DEFAULT_MAX_FAILS = 1;
const DEFAULT_FAIL_TIMEOUT = '10s';

function hostPortOf(url: string): { scheme: 'http' | 'https'; hostPort: string } {
  const [scheme, hostPort] = url.split('://') as ['http' | 'https', string];
  return { scheme, hostPort: /:[0-9]+$/.test(hostPort) ? hostPort : `${hostPort}:${scheme === 'https' ? 443 : 80}` };
}

const idText = (text: string) => text.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toLowerCase();

function group(key: string, id: string, label: string, urls: string[], maxFails?: number, failTimeout?: string): PlanUpstream {
  const servers = urls.map(hostPortOf);
  return {
    key,
    label,
    id,
    scheme: servers[0]!.scheme,
    servers: servers.map((server) => server.hostPort),
    url: urls[0]!,
    maxFails: maxFails ?? DEFAULT_MAX_FAILS,
    failTimeout: durationSeconds(failTimeout ?? DEFAULT_FAIL_TIMEOUT),
  };
}

const isName = (value: string) => !value.includes(':');

/**
 * Every upstream the site's routes use, the site's own first (always, for tunnels straight to the
 * app and the README). A route URL equal to the site's URL is the site's group.
 */
export function planUpstreams(config: Config): PlanUpstream[] {
  const named = (name: string, id: string, key = name) => {
    const set = config.upstreams[name]!;
    return group(key, id, name, set.servers, set.max_fails, set.fail_timeout);
  };
  const site = isName(config.upstream) ? named(config.upstream, 'backend', SITE_UPSTREAM) : group(SITE_UPSTREAM, 'backend', config.upstream, [config.upstream]);
  const groups = new Map<string, PlanUpstream>([[SITE_UPSTREAM, site]]);
  const ids = new Set(['backend']);
  for (const route of config.routes) {
    const ref = route.upstream;
    if (!ref || ref === config.upstream || groups.has(ref)) continue;
    // http://a and http://a:80 (or https://a:80) are different keys with one host:port.
    const base = isName(ref) ? `up_${idText(ref)}` : `to_${idText(hostPortOf(ref).hostPort)}`;
    let id = base;
    for (let n = 2; ids.has(id); n++) id = `${base}_${n}`;
    ids.add(id);
    groups.set(ref, isName(ref) ? named(ref, id) : group(ref, id, ref, [ref]));
  }
  return [...groups.values()];
}

/** The key of the group a route goes to. */
export const upstreamKeyOf = (config: Config, ref: string | undefined): string => (!ref || ref === config.upstream ? SITE_UPSTREAM : ref);

/** A route's group (routes only name keys planUpstreams made). */
export const groupOf = (upstreams: PlanUpstream[], key: string): PlanUpstream => upstreams.find((group) => group.key === key)!;
