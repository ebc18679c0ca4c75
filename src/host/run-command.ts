import { runTool } from '../io/run.js';
import { findTool, type Command } from './layout.js';

export interface CommandResult {
  ok: boolean;
  missing: boolean;
  /** The tool's own words, trimmed (stderr first). */
  output: string;
}

/** Runs a test or reload command without a shell, finding its program also in the sbin dirs. */
export async function runCommand(command: Command, timeoutMs = 120_000): Promise<CommandResult> {
  const [name, ...args] = command;
  const file = findTool(name!);
  if (file === null) return { ok: false, missing: true, output: `${name} not found in PATH or ${['/usr/local/sbin', '/usr/sbin', '/sbin'].join(', ')}` };
  const result = await runTool(file, args, { timeoutMs });
  if (result.missing) return { ok: false, missing: true, output: `${file} not found` };
  const output = result.timedOutAfterMs !== undefined ? `did not finish within ${result.timedOutAfterMs / 1000} s` : `${result.stderr}${result.stdout}`.trim();
  return { ok: result.code === 0, missing: false, output: output || `exit ${result.code}` };
}
