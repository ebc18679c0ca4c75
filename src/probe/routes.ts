import ipaddr from 'ipaddr.js';
import type { Plan, PlanRoute } from '../plan/plan.js';

const compiled = new WeakMap<PlanRoute, RegExp>();
const regexOf = (route: PlanRoute) => {
  let regex = compiled.get(route);
  if (!regex) compiled.set(route, (regex = new RegExp(route.regex)));
  return regex;
};

const firstSegment = (path: string) => path.split('/')[1] ?? '';

// Routes by their first path segment, so finding the winner for 5,000 routes is not 5,000 x 5,000
// regex tests; routes whose first segment is a glob (or `/`) are checked for every path.
const indexes = new WeakMap<Plan, { buckets: Map<string, number[]>; wild: number[] }>();
function indexOf(plan: Plan) {
  let index = indexes.get(plan);
  if (!index) {
    index = { buckets: new Map(), wild: [] };
    plan.routes.forEach((route, i) => {
      const segment = firstSegment(route.match.path);
      if (segment === '' || segment.includes('*')) index!.wild.push(i);
      else index!.buckets.set(segment, [...(index!.buckets.get(segment) ?? []), i]);
    });
    indexes.set(plan, index);
  }
  return index;
}

/** The route that answers `path` on every target: the first in plan order whose regex matches. */
export function winner(plan: Plan, path: string): PlanRoute | undefined {
  const { buckets, wild } = indexOf(plan);
  const candidates = [...(buckets.get(firstSegment(path)) ?? []), ...wild].sort((a, b) => a - b);
  for (const i of candidates) if (regexOf(plan.routes[i]!).test(path)) return plan.routes[i];
  return undefined;
}

/** A concrete path this route wins (a glob's `*` filled in, a prefix given a tail). */
export function samplePath(plan: Plan, route: PlanRoute): string | undefined {
  const base = route.match.path.replaceAll('*', 'proxygen');
  const candidates = [base, base.endsWith('/') ? `${base}proxygen-verify` : `${base}/proxygen-verify`];
  return candidates.find((path) => winner(plan, path) === route);
}

/** How the nginx renderer names the route's location, for fixes that point at the file. */
export function nginxLocation(route: PlanRoute): string {
  switch (route.match.kind) {
    case 'exact':
    case 'segment':
      return `location = ${route.match.path}`;
    case 'prefix':
      return `location ${route.match.path}`;
    case 'glob':
      return `location ~ ${route.regex}`;
  }
}

/** An address inside the route's allowed networks, for forged X-Forwarded-For / X-Real-IP headers. */
export function insideAddress(route: PlanRoute): string {
  const cidr = route.access?.cidrs[0];
  if (!cidr) return '127.0.0.1';
  const [network] = ipaddr.parseCIDR(cidr);
  const bytes = network.toByteArray();
  bytes[bytes.length - 1]! += 1;
  return ipaddr.fromByteArray(bytes).toString();
}


/** Spellings of one path a sloppy matcher might let through: the proxy must refuse them all. */
export function pathVariants(path: string): { name: string; path: string }[] {
  const segments = path.split('/');
  let last = segments.length - 1;
  while (last >= 0 && segments[last] === '') last--;
  const encoded = [...segments];
  if (last >= 0) encoded[last] = `%${encoded[last]!.charCodeAt(0).toString(16).toUpperCase()}${encoded[last]!.slice(1)}`;
  return [
    { name: 'trailing slash', path: `${path}/` },
    { name: 'double slash', path: `/${path}` },
    { name: 'URL-encoded', path: encoded.join('/') },
    { name: 'upper case', path: path.toUpperCase() },
  ].filter((variant, index, all) => variant.path !== path && all.findIndex((v) => v.path === variant.path) === index);
}
