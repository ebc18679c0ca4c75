import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'proxygen.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Spawns the built CLI as a user would, without colour, in `cwd`. */
export function cli(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string> } = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    input: options.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env },
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Copies what an install holds (package.json and its "files") into `dir`; returns the bin path there. */
export function installInto(dir: string): string {
  const root = join(BIN, '..', '..');
  const { files } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };
  for (const part of [...files, 'package.json']) cpSync(join(root, part), join(dir, part), { recursive: true });
  return join(dir, 'bin', 'proxygen.js');
}

export function tempProject(yaml?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'proxygen-e2e-'));
  if (yaml !== undefined) writeFileSync(join(dir, 'proxygen.yaml'), yaml);
  return dir;
}

/** Like cli() but without blocking the event loop, so servers in this process can answer. */
export function cliAsync(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<CliResult> & { child: ChildProcess } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code: code ?? (signal ? -1 : 0), stdout, stderr })));
  return Object.assign(done, { child });
}
