import { execFile } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  missing?: boolean;
  /** Set when the tool was killed at its time limit (this many ms): its output is whatever it printed before. */
  timedOutAfterMs?: number;
}

/** Runs a tool without a shell; a missing binary is reported, not thrown. */
export function runTool(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const timeout = options.timeoutMs ?? 30_000;
    const child = execFile(file, args, { env: options.env ?? process.env, timeout, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolvePromise({ code, stdout, stderr, missing: (error as NodeJS.ErrnoException | null)?.code === 'ENOENT', timedOutAfterMs: error?.killed === true ? timeout : undefined });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
