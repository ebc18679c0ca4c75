import type { Probe } from './checks.js';

export interface ProbeResult {
  name: string;
  ok: boolean;
  skipped: boolean;
  ms: number;
  detail: string;
  fix?: string;
}

/** Runs probes with bounded concurrency, each under its own deadline; results keep table order. */
export async function runProbes(probes: Probe[], concurrency: number, timeoutMs: number): Promise<ProbeResult[]> {
  const results: ProbeResult[] = new Array(probes.length);
  let next = 0;
  const worker = async () => {
    while (next < probes.length) {
      const index = next++;
      const probe = probes[index]!;
      const started = performance.now();
      const deadline = timeoutMs * 3 + (probe.extraMs ?? 0);
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        probe.run().catch((error: unknown) => ({ ok: false, detail: describe(error), fix: 'is the proxy reachable from here? (--connect-to HOST:PORT, --ca FILE)' })),
        new Promise<{ ok: false; detail: string; fix: string }>((resolve) => {
          timer = setTimeout(() => resolve({ ok: false, detail: `no result within ${(deadline / 1000).toFixed(0)} s`, fix: 'the proxy or the app hangs: check its error log' }), deadline);
        }),
      ]);
      clearTimeout(timer);
      results[index] = { name: probe.name, ok: outcome.ok, skipped: 'skipped' in outcome && !!outcome.skipped, ms: Math.round(performance.now() - started), detail: outcome.detail, ...(outcome.fix && !outcome.ok ? { fix: outcome.fix } : {}) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, probes.length) }, worker));
  return results;
}

function describe(error: unknown): string {
  const outer = error as Error & { code?: string; cause?: Error & { code?: string } };
  const inner = outer.cause ?? outer;
  return inner.code ? `${inner.code}: ${inner.message}` : inner.message;
}
