import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Every temp directory of a run (tests, the CLIs they spawn, nginx and Caddy sandboxes) goes
// under one root that is removed when the run ends: a killed child or a failed test cannot leave
// `proxygen-*` directories behind in the machine's temp dir.
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'proxygen-test-run-'));
  // Like /tmp itself: tests that run the CLI as `nobody` must reach their directories.
  chmodSync(root, 0o1777);
  process.env.TMPDIR = root;
  return () => {
    const left = readdirSync(root).filter((name) => name.startsWith('proxygen-sandbox-'));
    if (left.length > 0) console.warn(`temp-root: ${left.length} sandbox directories were left behind by proxygen itself (removed now)`);
    rmSync(root, { recursive: true, force: true });
  };
}
