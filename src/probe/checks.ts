import type { TLSSocket } from 'node:tls';
import type { Plan, PlanRoute } from '../plan/plan.js';
import { HSTS_VALUE } from '../plan/plan.js';
import { httpRequest } from '../io/http-client.js';
import { cidrContains } from '../plan/cidr.js';
import { insideAddress, nginxLocation, pathVariants, samplePath } from './routes.js';
import { openSocket } from '../io/dial.js';
import type { Target } from './target.js';
import { ms, seconds } from './units.js';
import { UPGRADE_FIX, websocketProbe } from './websocket-probe.js';
import { probeConnections } from './connections.js';
import { policyProbes } from './policy-checks.js';

export interface Outcome {
  ok: boolean;
  detail: string;
  fix?: string;
  skipped?: boolean;
}

export interface ProbeContext {
  plan: Plan;
  target: Target;
  holdMs: number;
  probeRate: boolean;
  connections: number;
}

export interface Probe {
  name: string;
  /** Extra time the probe needs beyond its requests (a hold). */
  extraMs?: number;
  run: () => Promise<Outcome>;
}


async function tlsCertificate({ target }: ProbeContext): Promise<Outcome> {
  return new Promise((resolve) => {
    // Verification is judged here, not by the handshake, so an untrusted certificate still shows its dates.
    const socket = openSocket(target, target.port, true, false) as TLSSocket;
    socket.setTimeout(target.timeoutMs, () => socket.destroy(new Error(`no TLS handshake within ${seconds(target.timeoutMs)}`)));
    socket.once('error', (error) => resolve({ ok: false, detail: error.message, fix: 'is the proxy listening with TLS on this port? (--connect-to HOST:PORT to dial it directly)' }));
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const days = Math.floor((Date.parse(cert.valid_to) - Date.now()) / 86_400_000);
      const error = socket.authorized ? null : String(socket.authorizationError);
      socket.end();
      const who = `CN=${cert.subject?.CN ?? '?'}, issuer ${cert.issuer?.CN ?? cert.issuer?.O ?? '?'}`;
      if (days < 0) return resolve({ ok: false, detail: `expired ${-days} days ago (${who})`, fix: 'renew the certificate (certbot renew) and reload the proxy' });
      if (error && !target.insecure) return resolve({ ok: false, detail: `not trusted: ${error} (${who})`, fix: 'serve the full chain (fullchain.pem, not cert.pem), or pass --ca FILE for a private CA' });
      resolve({ ok: true, detail: `${error ? 'not verified (--insecure)' : 'valid'}, ${days} days to expiry${days < 14 ? ' - renew soon' : ''} (${who})` });
    });
  });
}

async function redirectToHttps({ target }: ProbeContext): Promise<Outcome> {
  const path = '/proxygen-verify?redirect=1';
  const response = await httpRequest(target, { path, secure: false });
  const expected = `https://${target.domain}${target.port === 443 ? '' : `:${target.port}`}${path}`;
  const location = response.headers.location ?? '';
  if ([301, 302, 307, 308].includes(response.status) && location === expected) return { ok: true, detail: `${response.status} to ${location}` };
  return { ok: false, detail: `${response.status}${location ? ` to ${location}` : ''}, expected a redirect to ${expected}`, fix: 'the :80 server should answer return 301 https://$host$request_uri (proxygen renders it)' };
}

async function acmeChallengeServed({ target }: ProbeContext): Promise<Outcome> {
  const response = await httpRequest(target, { path: '/.well-known/acme-challenge/proxygen-verify', secure: false });
  const redirected = response.status >= 300 && response.status < 400;
  return redirected
    ? { ok: false, detail: `${response.status}: the ACME path is redirected, so HTTP-01 renewals fail`, fix: 'serve /.well-known/acme-challenge/ from the webroot on :80 before the redirect' }
    : { ok: true, detail: `${response.status} on :${target.httpPort}, not redirected` };
}

function expectedHeaders(plan: Plan, https: boolean): { name: string; value: string }[] {
  return [...plan.headers, ...(plan.hsts && https ? [{ name: 'Strict-Transport-Security', value: HSTS_VALUE }] : [])];
}

function securityHeaders(ctx: ProbeContext, path: string, route?: PlanRoute): Probe {
  return {
    name: `headers ${path}`,
    run: async () => {
      const response = await httpRequest(ctx.target, { path });
      const missing = expectedHeaders(ctx.plan, ctx.target.https).filter((h) => !response.headers[h.name.toLowerCase()]);
      if (!missing.length) return { ok: true, detail: `${response.status}, all ${expectedHeaders(ctx.plan, ctx.target.https).length} present` };
      return { ok: false, detail: `${response.status} without ${missing.map((h) => h.name).join(', ')}`, fix: route ? `nginx drops inherited add_header lines in a location that sets its own: repeat them in ${nginxLocation(route)}` : 'add the security headers to the server block (headers: { security: true })' };
    },
  };
}

function refusedFromOutside(ctx: ProbeContext, route: PlanRoute, path: string): Probe {
  const access = route.access!;
  const forged = insideAddress(route);
  const attempts: { name: string; path: string; headers: Record<string, string> }[] = [
    { name: 'plain', path, headers: {} },
    { name: 'forged X-Forwarded-For', path, headers: { 'X-Forwarded-For': forged } },
    { name: 'forged X-Real-IP', path, headers: { 'X-Real-IP': forged } },
    ...pathVariants(path).map((variant) => ({ ...variant, headers: {} })),
  ];
  return {
    name: `${route.internalOnly ? 'internal' : 'allowlist'} ${path}`,
    run: async () => {
      // Probing from an inside address turns the check around: monitoring must still get through.
      if (ctx.target.sourceAddress && access.cidrs.some((cidr) => cidrContains(cidr, ctx.target.sourceAddress!))) {
        const { status } = await httpRequest(ctx.target, { path });
        const inside = `from ${ctx.target.sourceAddress}, inside ${access.names.join(', ')}`;
        return status === 403 || status >= 500
          ? { ok: false, detail: `${status} ${inside}`, fix: `the allow list does not let ${access.names.join(', ')} through (behind another proxy? then the source is that proxy's address) - see nginx ${nginxLocation(route)}` }
          : { ok: true, detail: `reachable ${inside} (${status})` };
      }
      const results = await Promise.all(attempts.map(async (a) => ({ ...a, status: (await httpRequest(ctx.target, { path: a.path, headers: a.headers })).status })));
      const leaked = results.filter((r) => r.status < 400 || r.status >= 500);
      const statuses = results.map((r) => r.status).join(' ');
      if (!leaked.length) return { ok: true, detail: `refused ${results.length}/${results.length} ways (${statuses})` };
      return { ok: false, detail: `reachable from outside: ${leaked.map((r) => `${r.name} ${r.path} -> ${r.status}`).join('; ')}`, fix: `allow ${access.names.join(', ')} then deny all in nginx ${nginxLocation(route)} (a remote_ip matcher with a deny handle in Caddy)` };
    },
  };
}

function webhookReachable(ctx: ProbeContext, route: PlanRoute, path: string): Probe {
  return {
    name: `webhook ${path}`,
    run: async () => {
      const response = await httpRequest(ctx.target, { path, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"zen":"proxygen verify"}' });
      if ([404, 502, 503, 504].includes(response.status)) return { ok: false, detail: `POST answered ${response.status}`, fix: `${UPGRADE_FIX[response.status]} - see nginx ${nginxLocation(route)}` };
      const allow = response.status === 403 && route.access ? ` (refused from here by ${route.access.names.join(', ')}, as configured)` : '';
      return { ok: true, detail: `POST answered ${response.status}${allow}` };
    },
  };
}

type Sampled = { route: PlanRoute; path: string };

const tlsOn = ({ target, plan }: ProbeContext) => target.https && plan.tls.mode !== 'off';

/** Every probe family, in table order: which probes it makes for this plan and target. */
export const PROBES: { family: string; make: (ctx: ProbeContext, sampled: Sampled[]) => Probe[] }[] = [
  { family: 'tls', make: (ctx) => (tlsOn(ctx) ? [{ name: 'tls', run: () => tlsCertificate(ctx) }] : []) },
  { family: 'redirect', make: (ctx) => (tlsOn(ctx) ? [{ name: 'redirect http->https', run: () => redirectToHttps(ctx) }] : []) },
  { family: 'acme', make: (ctx) => (tlsOn(ctx) && ctx.plan.tls.mode === 'acme' ? [{ name: 'acme path on http', run: () => acmeChallengeServed(ctx) }] : []) },
  {
    family: 'headers',
    make: (ctx, sampled) => (ctx.plan.headers.length ? [securityHeaders(ctx, '/'), ...sampled.filter(({ route, path }) => !route.websocket && !route.access && path !== '/').map(({ route, path }) => securityHeaders(ctx, path, route))] : []),
  },
  { family: 'policy', make: (ctx) => policyProbes(ctx) },
  { family: 'websocket', make: (ctx, sampled) => sampled.filter((s) => s.route.websocket).map(({ route, path }) => websocketProbe(ctx, route, path)) },
  { family: 'refused', make: (ctx, sampled) => sampled.filter((s) => s.route.access).map(({ route, path }) => refusedFromOutside(ctx, route, path)) },
  { family: 'webhook', make: (ctx, sampled) => sampled.filter(({ route }) => !route.websocket && !route.internalOnly && (route.rate || /hook/i.test(route.match.path))).map(({ route, path }) => webhookReachable(ctx, route, path)) },
  {
    family: 'rate',
    make: (ctx, sampled) => {
      // An allowlisted route would answer 403 to the probe before any limit shows, on Caddy at least.
      const limited = sampled.find((s) => s.route.rate && !s.route.websocket && !s.route.access) ?? sampled.find((s) => s.route.rate && !s.route.websocket);
      return ctx.probeRate && limited ? [rateProbe(ctx, limited.route, limited.path)] : [];
    },
  },
  {
    family: 'connections',
    make: (ctx, sampled) => {
      const ws = sampled.find((s) => s.route.websocket);
      return ctx.connections > 0 && ws ? [{ name: `connections ${ctx.connections} ${ws.path}`, extraMs: ctx.holdMs + ctx.connections * 20, run: () => probeConnections(ctx, ws.path) }] : [];
    },
  },
];

export function planProbes(ctx: ProbeContext): Probe[] {
  const sampled = ctx.plan.routes.map((route) => ({ route, path: samplePath(ctx.plan, route) })).filter((s): s is Sampled => s.path !== undefined);
  return PROBES.flatMap(({ make }) => make(ctx, sampled));
}

function rateProbe(ctx: ProbeContext, route: PlanRoute, path: string): Probe {
  const rate = route.rate!;
  const total = rate.burst + rate.count + 10;
  return {
    name: `rate ${path}`,
    run: async () => {
      const statuses: number[] = [];
      const started = performance.now();
      for (let sent = 0; sent < total; sent += 10) {
        const batch = await Promise.all(Array.from({ length: Math.min(10, total - sent) }, () => httpRequest(ctx.target, { path, method: 'POST', body: '{}' })));
        statuses.push(...batch.map((r) => r.status));
        if (statuses.includes(ctx.plan.rateStatus)) break;
      }
      const limitedAt = statuses.indexOf(ctx.plan.rateStatus);
      if (limitedAt >= 0) return { ok: true, detail: `${ctx.plan.rateStatus} after ${limitedAt + 1} requests in ${ms(performance.now() - started)} (rate ${rate.count}/${rate.per}, burst ${rate.burst})` };
      return { ok: false, detail: `no ${ctx.plan.rateStatus} in ${statuses.length} requests (${[...new Set(statuses)].join(', ')})`, fix: `nginx: limit_req in ${nginxLocation(route)}; stock Caddy has no rate limiter (a documented gap)` };
    },
  };
}
