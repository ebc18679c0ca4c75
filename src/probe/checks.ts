import type { TLSSocket } from 'node:tls';
import type { Plan, PlanRoute } from '../plan/plan.js';
import { HSTS_VALUE } from '../plan/plan.js';
import { httpRequest } from './http.js';
import { contains, insideAddress, nginxLocation, pathVariants, samplePath } from './routes.js';
import { openSocket, type Target } from './target.js';
import { echoRtt, holdIdle, openWebSocket, pingRtt, UpgradeFailed } from './websocket.js';
import { probeConnections } from './connections.js';

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

const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
const seconds = (value: number) => `${(value / 1000).toFixed(value < 10_000 ? 1 : 0)} s`;

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

const UPGRADE_FIX: Record<number, string> = {
  400: 'the proxy does not forward Upgrade/Connection',
  426: 'the proxy does not forward Upgrade/Connection',
  200: 'the proxy does not forward Upgrade/Connection',
  403: 'the proxy refuses this client (allow rules)',
  404: 'no route for this path reaches the app',
  502: 'the upstream is down or refused the connection',
  503: 'the upstream is down or refused the connection',
  504: 'the upstream did not answer in time',
};

function websocketProbe(ctx: ProbeContext, route: PlanRoute, path: string): Probe {
  return {
    name: `websocket ${path}`,
    extraMs: ctx.holdMs,
    run: async () => {
      const where = `see nginx ${nginxLocation(route)}`;
      let upgraded;
      try {
        upgraded = await openWebSocket(ctx.target, path);
      } catch (error) {
        const failed = error as UpgradeFailed;
        const cause = failed.status !== undefined ? (UPGRADE_FIX[failed.status] ?? 'the proxy or the app refused the upgrade') : 'no connection';
        return { ok: false, detail: `101 missing: ${failed.message}`, fix: `${cause} - ${where}` };
      }
      const { socket } = upgraded;
      try {
        const ping = await pingRtt(socket, ctx.target.timeoutMs);
        if (ping === null) return { ok: false, detail: '101, but no pong', fix: `the proxy upgraded but frames do not pass - ${where}` };
        const echo = await echoRtt(socket, Math.min(ctx.target.timeoutMs, 2_000));
        const parts = [`101 in ${ms(upgraded.ms)}`, `ping ${ms(ping)}`, echo === null ? 'no echo (the app does not echo)' : `echo ${ms(echo)}`];
        if (ctx.holdMs > 0) {
          const held = await holdIdle(socket, ctx.holdMs);
          if (held.closedAfterMs !== null) return { ok: false, detail: `${parts.join(', ')}; closed after ${seconds(held.closedAfterMs)} idle (code ${held.code ?? '?'})`, fix: `the proxy's read timeout is shorter than ${seconds(ctx.holdMs)} (nginx defaults to 60 s): set timeout: on the route - ${where}` };
          const after = await pingRtt(socket, ctx.target.timeoutMs);
          if (after === null) return { ok: false, detail: `${parts.join(', ')}; no pong after ${seconds(ctx.holdMs)} idle`, fix: `the connection died silently while idle - ${where}` };
          parts.push(`idle ${seconds(ctx.holdMs)} survived`);
        }
        return { ok: true, detail: parts.join(', ') };
      } finally {
        socket.terminate();
      }
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
      if (ctx.target.sourceAddress && contains(access.cidrs, ctx.target.sourceAddress)) return { ok: true, skipped: true, detail: `the probe's source ${ctx.target.sourceAddress} is inside ${access.names.join(', ')}` };
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

export function planProbes(ctx: ProbeContext): Probe[] {
  const { plan, target } = ctx;
  const probes: Probe[] = [];
  const tlsOn = target.https && plan.tls.mode !== 'off';
  if (tlsOn) probes.push({ name: 'tls', run: () => tlsCertificate(ctx) });
  if (tlsOn) probes.push({ name: 'redirect http->https', run: () => redirectToHttps(ctx) });
  if (tlsOn && plan.tls.mode === 'acme') probes.push({ name: 'acme path on http', run: () => acmeChallengeServed(ctx) });
  const sampled = plan.routes.map((route) => ({ route, path: samplePath(plan, route) })).filter((s): s is { route: PlanRoute; path: string } => s.path !== undefined);
  if (plan.headers.length) {
    probes.push(securityHeaders(ctx, '/'));
    for (const { route, path } of sampled) if (!route.websocket && !route.access && path !== '/') probes.push(securityHeaders(ctx, path, route));
  }
  for (const { route, path } of sampled) if (route.websocket) probes.push(websocketProbe(ctx, route, path));
  for (const { route, path } of sampled) if (route.access) probes.push(refusedFromOutside(ctx, route, path));
  for (const { route, path } of sampled) if (!route.websocket && !route.internalOnly && (route.rate || /hook/i.test(route.match.path))) probes.push(webhookReachable(ctx, route, path));
  const limited = sampled.find((s) => s.route.rate && !s.route.websocket);
  if (ctx.probeRate && limited) probes.push(rateProbe(ctx, limited.route, limited.path));
  const ws = sampled.find((s) => s.route.websocket);
  if (ctx.connections > 0 && ws) probes.push({ name: `connections ${ctx.connections} ${ws.path}`, extraMs: ctx.holdMs + ctx.connections * 20, run: () => probeConnections(ctx, ws.path) });
  return probes;
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
