import type WebSocket from 'ws';
import type { Outcome, ProbeContext } from './checks.js';
import { echoRtt, openWebSocket, pingRtt, UpgradeFailed } from '../io/websocket-client.js';

const OPEN_WAVE = 100;

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : 0;
}

function tally(reasons: string[]): string {
  const counts = new Map<string, number>();
  for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return [...counts].map(([reason, count]) => `${reason} x${count}`).join(', ');
}

/** N WebSockets at once: open in waves, hold idle, then one echo (or ping) round trip each. */
export async function probeConnections(ctx: ProbeContext, path: string): Promise<Outcome> {
  const { target, connections, holdMs } = ctx;
  const sockets: WebSocket[] = [];
  const failures: string[] = [];
  let server = '';
  for (let opened = 0; opened < connections; opened += OPEN_WAVE) {
    const wave = await Promise.allSettled(Array.from({ length: Math.min(OPEN_WAVE, connections - opened) }, () => openWebSocket(target, path)));
    for (const result of wave) {
      if (result.status === 'fulfilled') sockets.push(result.value.socket);
      else {
        const error = result.reason as UpgradeFailed;
        server ||= error.server ?? '';
        failures.push(error.status !== undefined ? `answered ${error.status}` : error.message);
      }
    }
  }
  let closedDuringHold = 0;
  for (const socket of sockets) socket.once('close', () => closedDuringHold++);
  if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
  const held = closedDuringHold;
  const times = await Promise.all(sockets.map(async (socket) => (await echoRtt(socket, target.timeoutMs)) ?? (await pingRtt(socket, target.timeoutMs))));
  for (const socket of sockets) socket.terminate();
  const alive = times.filter((t): t is number => t !== null).sort((a, b) => a - b);
  if (held) failures.push(`closed while idle`);
  const silent = sockets.length - alive.length - held;
  if (silent > 0) failures.push('no answer after the hold');
  const figures = `${alive.length}/${connections} survived${holdMs ? ` ${(holdMs / 1000).toFixed(0)} s idle` : ''}, p50 ${percentile(alive, 50).toFixed(1)} ms, p99 ${percentile(alive, 99).toFixed(1)} ms`;
  if (alive.length === connections) return { ok: true, detail: figures };
  const nginx = /nginx/i.test(server) || failures.some((f) => /answered 50[02]|ECONNRESET|socket hang up/.test(f));
  return {
    ok: false,
    detail: `${figures}; ${tally(failures)}`,
    fix: nginx
      ? 'each proxied WebSocket holds two nginx connections: raise events { worker_connections } (Debian default 768, about 380 WebSockets) and worker_rlimit_nofile'
      : 'the proxy or the app limits concurrent connections (file descriptors: ulimit -n; the app\'s own limits)',
  };
}
