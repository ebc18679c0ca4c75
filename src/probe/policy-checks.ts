import { httpRequest } from '../io/http-client.js';
import type { Outcome, Probe, ProbeContext } from './checks.js';

// What a deployed proxy must refuse whatever the route (issue 20): another Host, an ambiguous target.
const FOREIGN_HOST = 'proxygen-verify.invalid';
// How a server refuses a name it does not serve; a 404 would be the site itself answering.
const REFUSALS = [421, 400, 403];

async function foreignHostRefused({ target }: ProbeContext, secure: boolean): Promise<Outcome> {
  const response = await httpRequest(target, { path: '/', secure, headers: { host: FOREIGN_HOST } });
  const location = response.headers.location ?? '';
  if (location.includes(FOREIGN_HOST)) return { ok: false, detail: `${response.status} redirects to ${location}`, fix: 'redirect only to the configured domain (proxygen renders the HTTP redirect with the domain, not $host)' };
  // On port 80 another site (Debian's default) may own foreign names: only its redirect matters there.
  if (secure && !REFUSALS.includes(response.status)) return { ok: false, detail: `Host ${FOREIGN_HOST} answered ${response.status}`, fix: 'refuse other Hosts with 421 (proxygen renders a $host check in nginx and catch-all blocks in Caddy)' };
  return { ok: true, detail: `Host ${FOREIGN_HOST} -> ${response.status}` };
}

async function ambiguousTargetRefused({ target }: ProbeContext): Promise<Outcome> {
  const path = '/proxygen-verify/..%5Cx';
  const { status } = await httpRequest(target, { path });
  return status === 400
    ? { ok: true, detail: `${path} -> 400` }
    : { ok: false, detail: `${path} -> ${status}, expected 400`, fix: 'refuse a backslash (raw or %5C) in the target: a WHATWG URL parser reads it as "/"' };
}

export function policyProbes(ctx: ProbeContext): Probe[] {
  const tlsOn = ctx.target.https && ctx.plan.tls.mode !== 'off';
  return [
    { name: 'host: another name refused', run: () => foreignHostRefused(ctx, ctx.target.https) },
    ...(tlsOn ? [{ name: 'host on http: no redirect elsewhere', run: () => foreignHostRefused(ctx, false) }] : []),
    { name: 'target: backslash refused', run: () => ambiguousTargetRefused(ctx) },
  ];
}
