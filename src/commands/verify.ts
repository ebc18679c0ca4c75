import { durationSeconds } from '../config/values.js';
import { EXIT, ExitError, UserError } from '../errors.js';
import { style, type GlobalOptions } from '../output.js';
import { loadProject } from '../project.js';
import { planProbes } from '../probe/checks.js';
import { readFile } from 'node:fs/promises';
import { reachable } from '../io/dial.js';
import { closeAgents } from '../io/http-client.js';
import { runProbes, type ProbeResult } from '../probe/run.js';
import { resolveTarget } from '../probe/target.js';
import { isTerminal, writeOut } from '../io/stdio.js';

export interface VerifyOptions extends GlobalOptions {
  connectTo?: string;
  ca?: string;
  insecure?: boolean;
  sourceAddress?: string;
  hold?: string;
  connections?: string;
  probeRate?: boolean;
  timeout: string;
}

function durationMs(flag: string, value: string): number {
  if (!/^[1-9][0-9]{0,6}(ms|s|m|h)$/.test(value)) throw new UserError(`${flag} ${value}: expected a duration such as 75s or 2m`, `for example ${flag} 75s`);
  return value.endsWith('ms') ? Number(value.slice(0, -2)) : durationSeconds(value) * 1000;
}

function count(flag: string, value: string): number {
  if (!/^[1-9][0-9]{0,5}$/.test(value)) throw new UserError(`${flag} ${value}: expected a whole number from 1`, `for example ${flag} 100`);
  return Number(value);
}

function table(results: ProbeResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  const lines = results.map((r) => {
    const mark = r.skipped ? style.dim('SKIP') : r.ok ? 'PASS' : style.error('FAIL');
    const row = `${mark}  ${r.name.padEnd(width)}  ${`${r.ms} ms`.padStart(8)}  ${r.detail}`;
    return r.fix ? `${row}\n${' '.repeat(6 + width + 12)}${style.warn(`fix: ${r.fix}`)}` : row;
  });
  const failed = results.filter((r) => !r.ok).length;
  const skipped = results.filter((r) => r.skipped).length;
  return `${lines.join('\n')}\n\n${results.length - failed - skipped} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
}

/** A progress line on a terminal while sockets are held idle; nothing under cron or CI. */
function holdProgress(holdMs: number): () => void {
  if (!isTerminal(2) || holdMs <= 0) return () => undefined;
  const started = Date.now();
  const timer = setInterval(() => process.stderr.write(`\rholding idle sockets: ${Math.round((Date.now() - started) / 1000)}/${Math.round(holdMs / 1000)} s `), 1000);
  return () => {
    clearInterval(timer);
    process.stderr.write('\r\x1b[K');
  };
}

export async function run(url: string | undefined, options: VerifyOptions): Promise<void> {
  const timeoutMs = durationMs('--timeout', /^[0-9]+$/.test(options.timeout) ? `${options.timeout}s` : options.timeout);
  const holdMs = options.hold ? durationMs('--hold', options.hold) : 0;
  const connections = options.connections ? count('--connections', options.connections) : 0;
  const { plan } = await loadProject(options.config, { render: false });
  const ca = options.ca
    ? await readFile(options.ca).catch(() => {
        throw new UserError(`--ca ${options.ca}: cannot read`, 'give the PEM file of the CA (or the self-signed certificate)');
      })
    : undefined;
  const target = resolveTarget(plan, { url, connectTo: options.connectTo, ca, insecure: options.insecure, sourceAddress: options.sourceAddress, timeoutMs });
  const probes = planProbes({ plan, target, holdMs, probeRate: !!options.probeRate, connections });
  const started = performance.now();
  const reach = await reachable(target);
  let results: ProbeResult[];
  if (!reach.ok) results = [{ name: 'reach', ok: false, skipped: false, ms: Math.round(performance.now() - started), detail: reach.detail, fix: reach.fix }];
  else {
    const stop = holdProgress(holdMs);
    try {
      results = await runProbes(probes, 8, timeoutMs);
    } finally {
      stop();
      await closeAgents(target);
    }
  }
  if (options.json) {
    const failed = results.filter((r) => !r.ok).length;
    const skipped = results.filter((r) => r.skipped).length;
    writeOut(`${JSON.stringify({ target: { url: url ?? null, domain: target.domain, port: target.port, connect: `${target.connectHost}:${target.connectPort}` }, checks: results, summary: { passed: results.length - failed - skipped, failed, skipped } }, null, 2)}\n`);
  } else writeOut(table(results));
  if (results.some((r) => !r.ok)) throw new ExitError(EXIT.findings);
}
