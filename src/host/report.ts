import { runTool } from '../io/run.js';
import { writeErr, writeOut } from '../io/stdio.js';
import { style } from '../output.js';
import type { HostLayout } from './layout.js';
import type { ChangeResult } from './transaction.js';

/** What apply/uninstall did, as text or JSON. */
export function printChange(host: HostLayout, result: ChangeResult, summary: { json?: boolean; dryRun?: boolean; headline: string; extra?: object }): void {
  const changed = result.files.filter((f) => f.status !== 'unchanged');
  if (summary.json) {
    writeOut(`${JSON.stringify({ root: host.root, dryRun: !!summary.dryRun, files: result.files.map((f) => ({ path: host.at(f.path), status: f.status })), tested: result.tested, reloaded: result.reloaded, notReloaded: result.notReloaded, ...summary.extra }, null, 2)}\n`);
    return;
  }
  const lines = result.files.map((f) => `${style.status(f.status)} ${host.at(f.path)}`);
  if (result.tested.length) lines.push(`valid: ${result.tested.join(', ')}`);
  if (result.reloaded.length) lines.push(`reloaded: ${result.reloaded.join(', ')}`);
  for (const target of result.notReloaded) lines.push(style.warn(`not reloaded: ${target} (set install.${target}.reload${target === 'cloudflared' || target === 'ngrok' ? `, or: systemctl restart ${target}` : ''})`));
  lines.push(`${summary.headline}: ${changed.length} of ${result.files.length} files ${summary.dryRun ? 'would change' : 'changed'}`);
  if (result.diffs.length) lines.push('', ...result.diffs);
  writeOut(`${lines.join('\n')}\n`);
}

/** systemctl for the refresh timer, only on a real host with systemd; a failure is a warning. */
export async function systemctl(host: HostLayout, commands: string[][]): Promise<void> {
  if (!host.systemd) return;
  for (const args of commands) {
    const result = await runTool('systemctl', args);
    if (result.code !== 0) writeErr(`proxygen: warning: systemctl ${args.join(' ')} failed: ${(result.stderr || result.stdout).trim().split('\n')[0] ?? ''}\n`);
  }
}
