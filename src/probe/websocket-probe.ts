import type { PlanRoute } from '../plan/plan.js';
import type { Probe, ProbeContext } from './checks.js';
import { ms, seconds } from './units.js';
import { nginxLocation } from './routes.js';
import { echoRtt, holdIdle, openWebSocket, pingRtt, type UpgradeFailed } from '../io/websocket-client.js';

export const UPGRADE_FIX: Record<number, string> = {
  400: 'the proxy does not forward Upgrade/Connection',
  426: 'the proxy does not forward Upgrade/Connection',
  200: 'the proxy does not forward Upgrade/Connection',
  403: 'the proxy refuses this client (allow rules)',
  404: 'no route for this path reaches the app',
  502: 'the upstream is down or refused the connection',
  503: 'the upstream is down or refused the connection',
  504: 'the upstream did not answer in time',
};

export function websocketProbe(ctx: ProbeContext, route: PlanRoute, path: string): Probe {
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
      let closedWith: number | undefined;
      socket.once('close', (code) => (closedWith = code));
      try {
        const ping = await pingRtt(socket, ctx.target.timeoutMs);
        // 1008 (policy) or an app code: the upgrade crossed the proxy and the app turned us away,
        // as PipeGate does without its ?token= — the proxy path is proven, the app's rules are not ours.
        if (ping === null && closedWith !== undefined && (closedWith === 1008 || (closedWith >= 4000 && closedWith <= 4999))) {
          return { ok: true, detail: `101 in ${ms(upgraded.ms)}; the app then closed with ${closedWith} (it wants credentials), so no round trip was measured` };
        }
        if (ping === null) return { ok: false, detail: `101, but no pong${closedWith !== undefined ? ` (closed with ${closedWith})` : ''}`, fix: `the proxy upgraded but frames do not pass - ${where}` };
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

