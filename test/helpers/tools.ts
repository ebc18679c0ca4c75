import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** nginx / caddy present? Under CI=true a missing binary fails the suite instead of skipping it. */
export function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true') throw new Error(`${name} is required under CI=true; install it (see .ci/run)`);
    console.warn(`\n!!! ${name} not found: skipping the tests that need it (install it to run them) !!!\n`);
    return false;
  }
}

/** Whether the installed nginx knows `http2 on;` (1.25.1 and later). */
export function localNginxHasHttp2Directive(): boolean {
  const banner = execFileSync('sh', ['-c', 'nginx -v 2>&1'], { encoding: 'utf8' });
  const match = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(banner);
  if (!match) return false;
  const [major, minor, patch] = match.slice(1).map(Number) as [number, number, number];
  return major > 1 || minor > 25 || (minor === 25 && patch >= 1);
}

/** A stand-in for a validator binary (PROXYGEN_NGINX / PROXYGEN_CADDY): a shell script in a temp dir. */
export function standInTool(name: string, script: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'proxygen-tool-')), name);
  writeFileSync(file, `#!/bin/sh\n${script}`);
  chmodSync(file, 0o755);
  return file;
}
