import { httpRequest } from '../io/http-client.js';
import { cidrContains } from '../plan/cidr.js';
import type { PlanRoute } from '../plan/plan.js';
import type { Outcome, Probe, ProbeContext } from './checks.js';
import { nginxLocation } from './routes.js';
import { originOf } from './target.js';

// What the routing keys promise (issue 23) and a deployed proxy must show: redirects with their
// status and target (query kept), the www name sent to the domain, a password asked for.
const QUERY = 'proxygen-verify=1';

/** A relative Location, or the same one made absolute with the site's own origin. */
const sameLocation = (ctx: ProbeContext, location: string, expected: string) => location === expected || (expected.startsWith('/') && location === `${originOf(ctx.target)}${expected}`);

async function redirectAnswered(ctx: ProbeContext, redirect: { from: string; to: string; status: number }): Promise<Outcome> {
  const response = await httpRequest(ctx.target, { path: `${redirect.from}?${QUERY}` });
  const expected = `${redirect.to}?${QUERY}`;
  const location = response.headers.location ?? '';
  if (response.status === redirect.status && sameLocation(ctx, location, expected)) return { ok: true, detail: `${response.status} to ${location}` };
  return { ok: false, detail: `${response.status}${location ? ` to ${location}` : ''}, expected ${redirect.status} to ${expected}`, fix: `nginx: location = ${redirect.from} { return ${redirect.status} ${redirect.to}$is_args$args; } (proxygen renders it)` };
}

async function otherNameRedirected(ctx: ProbeContext, host: string): Promise<Outcome> {
  const path = '/proxygen-verify';
  const response = await httpRequest(ctx.target, { path, headers: { host } });
  const location = response.headers.location ?? '';
  const expected = `${originOf(ctx.target)}${path}`;
  if (response.status === 301 && location === expected) return { ok: true, detail: `301 to ${location}` };
  return { ok: false, detail: `Host ${host} answered ${response.status}${location ? ` to ${location}` : ''}, expected 301 to ${expected}`, fix: `serve ${host} with a redirect to the domain (www: redirect), with a certificate that names both` };
}

async function passwordAsked(ctx: ProbeContext, route: PlanRoute, path: string): Promise<Outcome> {
  const { status } = await httpRequest(ctx.target, { path });
  if (status === 401) return { ok: true, detail: `401 without a password` };
  return { ok: false, detail: `${status} without a password, expected 401`, fix: `auth_basic and auth_basic_user_file in nginx ${nginxLocation(route)} (basicauth with auth.caddy_file in Caddy)` };
}

export function routingProbes(ctx: ProbeContext, sampled: { route: PlanRoute; path: string }[]): Probe[] {
  const source = ctx.target.sourceAddress;
  // From an address the route's allow list admits, no password is asked: nothing to see there.
  const admitted = (route: PlanRoute) => source !== undefined && (route.access?.cidrs ?? []).some((cidr) => cidrContains(cidr, source));
  return [
    ...ctx.plan.redirects.map((redirect) => ({ name: `redirect ${redirect.from}`, run: () => redirectAnswered(ctx, redirect) })),
    ...(ctx.plan.www ? [{ name: `www ${ctx.plan.www}`, run: () => otherNameRedirected(ctx, ctx.plan.www!) }] : []),
    ...sampled.filter(({ route }) => route.auth && !route.websocket && !admitted(route)).map(({ route, path }) => ({ name: `auth ${path}`, run: () => passwordAsked(ctx, route, path) })),
  ];
}
